"""The continuous-improvement report: every view computed once, as aggregate tables and
PNG charts, then written as a standalone HTML page or as CSV files.

``build_report`` is what the CLI and the manager page both call; ``write_csv`` and
``render_html`` only present what it computed.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from serving.improvement import charts
from serving.improvement.bottlenecks import BottleneckRule, detect_bottlenecks, monthly_waits
from serving.improvement.cases import Cases, service_label
from serving.improvement.delays import (
    DIMENSIONS,
    ReassignmentCost,
    backlog,
    complaints_by_wait,
    delay_table,
    reassignment_cost,
)
from serving.improvement.motives import Motives, MotiveSettings, cluster_motives
from serving.improvement.routing import RoutingGain, routing_gain

if TYPE_CHECKING:  # the scoring stack (MLflow) is imported only when a router is loaded
    from serving.models import RouterModel

# What managers read: French column names, in CSV files and HTML tables alike.
COLUMN_LABELS = {
    "service": "service",
    "agency": "équipe responsable",
    "channel": "canal",
    "motive": "motif",
    "month": "mois",
    "requests": "demandes",
    "first_response_median_days": "1re réponse, médiane (j)",
    "first_response_p90_days": "1re réponse, 90e centile (j)",
    "closing_median_days": "clôture, médiane (j)",
    "closing_p90_days": "clôture, 90e centile (j)",
    "late_share": "part hors délai",
    "reassigned_share": "part réaffectée",
    "reassignments_per_request": "réaffectations par demande",
    "complaint_share": "part avec réclamation",
    "open": "en cours",
    "backlog": "en attente en fin de mois",
    "days": "jours ajoutés par réaffectation",
    "standard_error": "erreur type (j)",
    "reassigned": "demandes réaffectées",
    "wait": "attente avant réponse",
    "complaints": "réclamations",
    "first_month": "premier mois",
    "last_month": "dernier mois",
    "months": "mois consécutifs",
    "median_days": "délai médian (j)",
    "usual_days": "niveau habituel (j)",
    "ratio": "rapport au niveau habituel",
    "extra_days": "jours de plus",
    "usual_late_share": "part hors délai habituelle",
    "z": "significativité (z)",
    "cluster": "groupe",
    "label": "motif (termes principaux)",
    "terms": "termes",
    "share": "part",
    "recent_requests": "demandes récentes",
    "emerging": "émergent",
    "figure": "indicateur",
    "value": "estimation",
    "low": "borne basse (95 %)",
    "high": "borne haute (95 %)",
}
ROUTING_FIGURES = {
    "routed_share": "part orientée automatiquement",
    "routed_accuracy": "part orientée vers le bon service",
    "reassignments_avoided": "réaffectations évitées",
    "reassignments_added": "réaffectations ajoutées",
    "net_reassignments_avoided": "réaffectations évitées (net)",
    "days_saved": "jours d'attente économisés (total)",
    "days_saved_per_request": "jours économisés par demande",
}
TABLE_TITLES = {
    "delays_by_service": "Délais par service",
    "delays_by_agency": "Délais par équipe responsable",
    "delays_by_channel": "Délais par canal",
    "delays_by_motive": "Délais par motif",
    "delays_by_month": "Délais par mois",
    "delays_by_service_month": "Délais par service et par mois",
    "backlog": "Demandes en attente en fin de mois, par service",
    "reassignment_cost": "Coût d'une réaffectation, par service",
    "complaints_by_wait": "Réclamations selon l'attente",
    "bottlenecks": "Goulets d'étranglement détectés",
    "motives": "Motifs récurrents et émergents",
    "motives_by_month": "Motifs par mois",
    "routing": "Ce que changerait l'aiguillage automatique",
}

Progress = Callable[[str], None]


@dataclass
class ImprovementReport:
    source: str
    territory: str | None
    horizon: pd.Timestamp
    first_month: str
    last_month: str
    requests: int
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, bytes] = field(default_factory=dict)
    cost: ReassignmentCost | None = None
    routing: RoutingGain | None = None
    motives_sampled: bool = False
    notes: list[str] = field(default_factory=list)  # what the data cannot tell, in French


def default_period(cases: Cases) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The last complete calendar month of requests received."""
    end = pd.Timestamp(cases.frame["requested"].max()).to_period("M").to_timestamp()
    return end - pd.offsets.MonthBegin(1), end


def build_report(
    cases: Cases,
    *,
    territory: str | None = None,
    tables: dict[str, pd.DataFrame] | None = None,
    router: RouterModel | None = None,
    router_problem: str | None = None,
    period: tuple[pd.Timestamp, pd.Timestamp] | None = None,
    motive_settings: MotiveSettings | None = None,
    bottleneck_rule: BottleneckRule | None = None,
    progress: Progress | None = None,
) -> ImprovementReport:
    """Every view over ``cases``. The routing view needs the contract ``tables`` (for the
    features) and a ``router``; without them the report says why it is absent."""
    step = progress or (lambda _name: None)
    frame = cases.frame
    if frame.empty:
        raise ValueError("no request to report on")
    report = ImprovementReport(
        source=cases.source,
        territory=territory,
        horizon=cases.horizon,
        first_month=str(frame["month"].min()),
        last_month=str(frame["month"].max()),
        requests=len(frame),
    )
    step("délais")
    for dimension in DIMENSIONS:
        report.tables[f"delays_by_{dimension}"] = delay_table(cases, dimension)
    report.tables["delays_by_service_month"] = delay_table(cases, ["service", "month"])
    channel_months = delay_table(cases, ["channel", "month"])
    report.tables["backlog"] = backlog(cases)
    if not cases.has_first_response:
        report.notes.append(
            "Les données ne donnent pas la date de première réponse : les délais de réponse "
            "et l'attente sont mesurés jusqu'à la clôture."
        )
    step("réaffectations et réclamations")
    report.cost = reassignment_cost(cases)
    if report.cost is not None:
        report.tables["reassignment_cost"] = report.cost.per_service
    else:
        report.notes.append(
            "Les données n'enregistrent pas les réaffectations : leur coût ne peut pas être mesuré."
        )
    complaints = complaints_by_wait(cases)
    if complaints is not None:
        report.tables["complaints_by_wait"] = complaints
    else:
        report.notes.append("Les données n'enregistrent pas les réclamations.")
    step("goulets d'étranglement")
    rule = bottleneck_rule or BottleneckRule()
    waits = monthly_waits(cases)
    episodes = detect_bottlenecks(cases, rule)
    report.tables["bottlenecks"] = episodes
    step("motifs")
    motives: Motives | None = None
    if "text" in frame.columns and frame["text"].notna().any():
        motives = cluster_motives(cases, motive_settings)
        report.tables["motives"] = motives.clusters
        report.tables["motives_by_month"] = motives.monthly
        report.motives_sampled = motives.sampled
    step("aiguillage automatique")
    if tables is None or cases.source == "export":
        report.notes.append(
            "Aiguillage automatique : non évalué sur un export importé (ni foyers, ni "
            "service attribué à l'accueil)."
        )
    elif router is None:
        report.notes.append(
            "Aiguillage automatique : aucun modèle d'aiguillage disponible"
            + (f" ({router_problem})." if router_problem else ".")
        )
    elif report.cost is None:
        report.notes.append("Aiguillage automatique : coût d'une réaffectation inconnu.")
    else:
        start, end = period or default_period(cases)
        report.routing = routing_gain(tables, router, report.cost, start, end)
        if report.routing is None:
            report.notes.append(
                f"Aiguillage automatique : aucune demande exploitable du {start:%d/%m/%Y} "
                f"au {end:%d/%m/%Y}."
            )
        else:
            report.tables["routing"] = report.routing.as_rows()
    step("graphiques")
    report.charts = _charts(report, waits, episodes, channel_months, motives)
    return report


def _charts(report, waits, episodes, channel_months, motives) -> dict[str, bytes]:
    tables = report.tables
    out = {
        "waits": charts.wait_heatmap(waits, episodes),
        "backlog": charts.backlog_lines(tables["backlog"]),
        "channels": charts.volume_lines(channel_months, "channel"),
        "late": charts.share_bars(
            tables["delays_by_service"], "late_share", "Part des demandes hors délai"
        ),
    }
    if report.cost is not None:
        out["reassignments"] = charts.reassignment_bars(report.cost.per_service)
    if "complaints_by_wait" in tables:
        out["complaints"] = charts.complaint_bars(tables["complaints_by_wait"])
    if motives is not None:
        out["motives"] = charts.motive_trends(motives.monthly, motives.clusters)
    return out


def presented(name: str, table: pd.DataFrame) -> pd.DataFrame:
    """A table as managers read it: French column names and service labels."""
    table = table.copy()
    if "service" in table.columns:
        table["service"] = table["service"].map(lambda s: service_label(str(s)))
    if name == "routing":
        table["figure"] = table["figure"].map(ROUTING_FIGURES)
    return table.rename(columns=COLUMN_LABELS)


def write_csv(report: ImprovementReport, folder: Path | str) -> list[Path]:
    """One CSV per table (semicolon-separated, decimal comma, UTF-8 with BOM: what a
    French spreadsheet opens as is)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in report.tables.items():
        path = folder / f"{name}.csv"
        presented(name, table).to_csv(
            path, sep=";", decimal=",", index=False, encoding="utf-8-sig", float_format="%.4g"
        )
        paths.append(path)
    return paths


def chart_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
