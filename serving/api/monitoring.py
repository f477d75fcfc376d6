"""Monitoring pages for data scientists: the runs with their verdicts, each check's Evidently
report, the open alerts. Reports hold figures only, never personal data, so reading them is
not audited."""

from __future__ import annotations

import html
import json
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from serving.api.deps import AUTH_ERRORS, NOT_FOUND, ModelReader, State
from serving.monitoring.records import open_alerts, run, runs
from serving.monitoring.run import SUMMARY_FILE

router = APIRouter(tags=["monitoring"])

CHECK_LABELS = {
    "data_drift": "Dérive des caractéristiques",
    "text_drift": "Dérive des textes",
    "prediction_drift": "Dérive des prédictions",
    "router_performance": "Performance du routage",
    "risk_performance": "Performance du score de risque",
    "overrides": "Corrections des travailleurs sociaux",
}
STATUS_LABELS = {"pass": "conforme", "fail": "alerte", "not_enough_data": "données insuffisantes"}
# Evidently's reports are single files with inline scripts and styles, and nothing else.
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; frame-ancestors 'none'"
)
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
PAGE_STYLE = (
    "body{font-family:sans-serif;margin:2rem;color:#1e1e1e}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}"
    ".fail{color:#b00020;font-weight:bold}.pass{color:#1b5e20}"
)


def _report_file(state, run_id: str, check: str) -> Path:
    row = run(state.store, run_id)
    if row is None or check not in CHECK_LABELS:
        raise HTTPException(404, "Rapport introuvable.")
    path = Path(row["report_dir"]) / f"{check}.html"
    if not path.is_file():
        raise HTTPException(404, "Ce contrôle n'a pas de rapport pour cette exécution.")
    return path


def _cell(row: dict, check: str) -> str:
    status = row["checks"].get(check, "not_enough_data")
    label = html.escape(STATUS_LABELS.get(status, status))
    if status == "not_enough_data":
        return f"<td>{label}</td>"
    link = f"/monitoring/{html.escape(row['run_id'])}/{check}.html"
    return f'<td class="{status}"><a href="{link}">{label}</a></td>'


def _page(rows: list[dict], alerts: list[dict]) -> str:
    header = "".join(f"<th>{html.escape(label)}</th>" for label in CHECK_LABELS.values())
    body = "".join(
        "<tr>"
        f"<td>{row['created_at']:%d/%m/%Y %H:%M}</td>"
        f"<td>{row['since']:%d/%m/%Y} – {row['until']:%d/%m/%Y}</td>"
        f"<td>{row['rows']}</td>"
        f'<td class="{row["status"]}">{STATUS_LABELS.get(row["status"], row["status"])}</td>'
        + "".join(_cell(row, check) for check in CHECK_LABELS)
        + "</tr>"
        for row in rows
    )
    items = "".join(
        f"<li>{a['created_at']:%d/%m/%Y %H:%M} — {html.escape(a['message'])}</li>" for a in alerts
    )
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>Surveillance des modèles</title><style>{PAGE_STYLE}</style></head><body>"
        "<h1>Surveillance des modèles</h1>"
        f"<h2>Alertes en cours</h2><ul>{items or '<li>Aucune alerte.</li>'}</ul>"
        "<h2>Exécutions</h2><table><thead><tr><th>Date (UTC)</th><th>Fenêtre</th><th>Demandes</th>"
        f"<th>Statut</th>{header}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>"
    )


@router.get(
    "/monitoring",
    summary="Exécutions de la surveillance et leurs rapports",
    response_class=HTMLResponse,
    responses=AUTH_ERRORS,
)
def monitoring_page(state: State, _: ModelReader) -> HTMLResponse:
    page = _page(runs(state.store), open_alerts(state.store))
    return HTMLResponse(page, headers={"Content-Security-Policy": PAGE_CSP})


@router.get(
    "/monitoring/{run_id}/{check}.html",
    summary="Rapport Evidently d'un contrôle",
    response_class=FileResponse,
    responses={**AUTH_ERRORS, **NOT_FOUND},
)
def monitoring_report(run_id: str, check: str, state: State, _: ModelReader) -> FileResponse:
    return FileResponse(
        _report_file(state, run_id, check),
        media_type="text/html",
        headers={"Content-Security-Policy": REPORT_CSP},
    )


@router.get("/v1/monitoring/runs", summary="Exécutions de la surveillance", responses=AUTH_ERRORS)
def monitoring_runs(state: State, _: ModelReader) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "report_dir"} for row in runs(state.store)]


@router.get(
    "/v1/monitoring/runs/{run_id}",
    summary="Résumé JSON d'une exécution",
    responses={**AUTH_ERRORS, **NOT_FOUND},
)
def monitoring_summary(run_id: str, state: State, _: ModelReader) -> dict:
    row = run(state.store, run_id)
    path = Path(row["report_dir"]) / SUMMARY_FILE if row else None
    if path is None or not path.is_file():
        raise HTTPException(404, "Exécution introuvable.")
    return json.loads(path.read_text())


@router.get("/v1/monitoring/alerts", summary="Alertes en cours", responses=AUTH_ERRORS)
def monitoring_alerts(state: State, _: ModelReader) -> list[dict]:
    return open_alerts(state.store)
