"""The report as one standalone HTML page (charts embedded as PNG data URIs, no external
resource), in French. Also used by the manager page for its tables."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import jinja2
import pandas as pd

from serving.improvement.report import (
    TABLE_TITLES,
    ImprovementReport,
    chart_data_uri,
    presented,
)

TEMPLATES = Path(__file__).parent / "templates"
# Tables shown on the page; the others (per service and month, per cluster and month)
# are in the CSV export only.
PAGE_TABLES = (
    "bottlenecks",
    "delays_by_service",
    "delays_by_agency",
    "delays_by_channel",
    "delays_by_motive",
    "delays_by_month",
    "reassignment_cost",
    "complaints_by_wait",
    "motives",
    "routing",
)
SOURCES = {
    "territory": "dossier de données (territoire)",
    "export": "export importé",
    "store": "base du service",
}


def french_number(value: object, column: str = "") -> str:
    """12 345 ; 3,4 ; 38,5 % (shares); empty for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int) or (isinstance(value, float) and column in {"demandes"}):
        return f"{int(value):,}".replace(",", "\u202f")
    if isinstance(value, float):
        if column.startswith("part"):
            return f"{100 * value:.1f} %".replace(".", ",")
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return str(value)


def table_rows(name: str, table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    shown = presented(name, table.drop(columns=["cluster", "terms"], errors="ignore"))
    header = list(shown.columns)
    rows = [
        [french_number(v, c) for c, v in zip(header, record, strict=True)]
        for record in shown.astype(object).itertuples(index=False, name=None)
    ]
    return header, rows


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True
    )


def context(
    report: ImprovementReport, chart_source: Callable[[str, bytes], str] | None = None
) -> dict:
    """What both the standalone page and the manager page show; ``chart_source`` gives
    each chart's address (default: the PNG itself, as a data URI)."""
    source = chart_source or (lambda _name, png: chart_data_uri(png))
    tables = [
        {
            "name": name,
            "title": TABLE_TITLES[name],
            **dict(zip(("header", "rows"), table_rows(name, report.tables[name]), strict=True)),
        }
        for name in PAGE_TABLES
        if name in report.tables
    ]
    return {
        "report": report,
        "source": SOURCES.get(report.source, report.source),
        "charts": {name: source(name, png) for name, png in report.charts.items()},
        "tables": tables,
        "number": french_number,
    }


def render_html(report: ImprovementReport) -> str:
    """The standalone page."""
    return environment().get_template("report.html").render(**context(report))


def render_body(report: ImprovementReport, chart_source: Callable[[str, bytes], str]) -> str:
    """The report's sections alone, for a page of the console."""
    return (
        environment().get_template("improvement_body.html").render(**context(report, chart_source))
    )
