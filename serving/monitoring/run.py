"""One monitoring run: reference and window, the checks, an Evidently HTML report per check,
a JSON summary, a row in the store and alerts for failed checks.

Nothing personal leaves memory: the reports and the summary hold column names, service and
band codes, counts, shares and test outcomes; never a text, never an id.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from serving.config import Settings
from serving.monitoring import checks
from serving.monitoring.descriptors import CAP
from serving.monitoring.records import save_run
from serving.monitoring.reference import load_reference
from serving.monitoring.window import latest_scored_time, read_window, reference_texts
from serving.store import Store, utcnow

SUMMARY_FILE = "summary.json"
REFERENCE_TEXTS = 5_000


@dataclass
class MonitorResult:
    run_id: str
    status: str
    since: dt.datetime
    until: dt.datetime
    checks: list[checks.CheckResult]
    report_dir: Path
    seconds: float

    def check(self, name: str) -> checks.CheckResult:
        return next(c for c in self.checks if c.name == name)

    @property
    def alerts(self) -> list[str]:
        return [c.name for c in self.checks if c.status == checks.FAIL]


def _overall(results: list[checks.CheckResult]) -> str:
    statuses = {r.status for r in results}
    if checks.FAIL in statuses:
        return checks.FAIL
    return checks.PASS if checks.PASS in statuses else checks.NO_DATA


def _percent(value: float) -> str:
    return f"{value:.0%}"


def alert_message(result: checks.CheckResult) -> str:
    """What the alert says, in French, with figures only."""
    f = result.figures
    if result.name == "data_drift":
        names = ", ".join(f["drifted_columns"][:5])
        return f"Dérive des caractéristiques : {f['drifted']} colonne(s) sur {f['columns']}" + (
            f" ({names})." if names else "."
        )
    if result.name == "text_drift":
        many = f"{CAP}+"
        return (
            f"Dérive des textes des demandes : {_percent(f['unknown_words_shares'].get(many, 0))} "
            f"contiennent au moins {CAP} mots inconnus (référence "
            f"{_percent(f['reference_unknown_words_shares'].get(many, 0))})."
        )
    if result.name == "prediction_drift":
        names = ", ".join(f["drifted_columns"]) or f"{f['drifted']} colonne(s)"
        rate = _percent(f["abstention_rate"])
        return f"Dérive des prédictions ({names}) ; taux d'abstention {rate}."
    if result.name == "router_performance":
        return (
            f"Routage en baisse : exactitude {f['accuracy']:.3f} (référence "
            f"{f['reference_accuracy']:.3f}), couverture {_percent(f['coverage'])}."
        )
    if result.name == "risk_performance":
        return (
            f"Score de risque en baisse ou mal calibré : risque moyen {_percent(f['mean_risk'])}, "
            f"crises observées {_percent(f['crisis_rate'])}."
        )
    return (
        f"Corrections fréquentes : routes {_percent(f['route_override_rate'])}, "
        f"bandes {_percent(f['band_override_rate'])}."
    )


def _window_bounds(
    store: Store, settings: Settings, since: dt.datetime | None, until: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """By default, the last ``monitor_window_days`` of the prediction log."""
    if until is None:
        latest = latest_scored_time(store)
        until = latest + dt.timedelta(seconds=1) if latest else utcnow()
    if since is None:
        since = until - dt.timedelta(days=settings.monitor_window_days)
    if since >= until:
        raise ValueError("the window must start before it ends (--since < --until)")
    return since, until


def run_monitor(
    store: Store,
    settings: Settings,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    say: Callable[[str], None] = lambda _message: None,
    render: bool = True,
) -> MonitorResult:
    """``render=False`` gives the same verdicts without the drift checks' HTML reports."""
    started = time.perf_counter()
    since, until = _window_bounds(store, settings, since, until)
    say("Référence du modèle champion…")
    reference = load_reference(settings.resolved_tracking_uri, settings.model_alias)
    say("Fenêtre courante : journal des prédictions et caractéristiques…")
    window = read_window(store, since, until)
    # The champion's test period, up to the window: the window's texts are not reference.
    end = min(reference.test_end, pd.Timestamp(since))
    texts = reference_texts(store, reference.test_start, end, REFERENCE_TEXTS)
    results = []
    for name, compute in (
        (
            "data_drift",
            lambda: checks.data_drift(reference.sample, window.features, settings, render),
        ),
        ("text_drift", lambda: checks.text_drift(texts, window.texts, settings, render)),
        (
            "prediction_drift",
            lambda: checks.prediction_drift(reference.sample, window.log, settings, render),
        ),
        (
            "router_performance",
            lambda: checks.router_performance(window.log, reference.metrics, settings),
        ),
        (
            "risk_performance",
            lambda: checks.risk_performance(window.log, reference.metrics, settings),
        ),
        ("overrides", lambda: checks.overrides(window.reviews, settings)),
    ):
        say(f"Contrôle {name}…")
        if window.log.empty and name != "overrides":  # nothing scored in the window
            results.append(checks.no_data(name, "aucune prédiction dans la fenêtre", rows=0))
            continue
        results.append(compute())

    run_id = f"{utcnow():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    out = settings.data_dir / "monitoring" / run_id
    out.mkdir(parents=True, exist_ok=True)
    say("Rapports Evidently…")
    for result in results:
        if result.snapshot is not None:
            result.snapshot.save_html(str(out / f"{result.name}.html"))
    status = _overall(results)
    result = MonitorResult(run_id, status, since, until, results, out, 0.0)
    summary = _summary(result, reference)
    (out / SUMMARY_FILE).write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    save_run(
        store,
        {
            "run_id": run_id,
            "created_at": utcnow(),
            "since": since,
            "until": until,
            "status": status,
            "checks": {r.name: r.status for r in results},
            "rows": len(window.log),
            "drift_share": summary["gauges"]["drift_share"],
            "abstention_rate": summary["gauges"]["abstention_rate"],
            "override_rate": summary["gauges"]["override_rate"],
            "router_version": reference.router_version,
            "risk_version": reference.risk_version,
            "report_dir": str(out),
        },
        failed={r.name: alert_message(r)[:300] for r in results if r.status == checks.FAIL},
        passed=[r.name for r in results if r.status == checks.PASS],
    )
    result.seconds = time.perf_counter() - started
    return result


def _summary(result: MonitorResult, reference) -> dict:
    data = result.check("data_drift").figures
    predictions = result.check("prediction_drift").figures
    overrides = result.check("overrides").figures
    return {
        "run_id": result.run_id,
        "status": result.status,
        "since": result.since.isoformat(),
        "until": result.until.isoformat(),
        "models": {"router": reference.router_version, "risk": reference.risk_version},
        "reference_run": reference.run_id,
        "gauges": {
            "drift_share": data.get("drift_share"),
            "abstention_rate": predictions.get("abstention_rate"),
            "override_rate": overrides.get("route_override_rate"),
        },
        "checks": {c.name: c.summary() for c in result.checks},
    }
