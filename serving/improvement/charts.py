"""Server-rendered PNG charts (matplotlib), titled and labelled in French.

Each function takes an aggregate frame and returns PNG bytes; none sees a case. Figures
are made with ``matplotlib.figure.Figure``, not pyplot: no global state, so the web page
can draw from several threads at once.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from serving.improvement.cases import service_label

WIDTH = 9.0
MAX_SERIES = 8  # lines a chart can show legibly
MAX_ROWS = 25  # rows of a heatmap or bar chart (an export may have 150 services)


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return buffer.getvalue()


def _shown(groups: int) -> str:
    """What a chart limited to MAX_ROWS groups says of it."""
    return f"\n(les {MAX_ROWS} plus sollicités sur {groups})" if groups > MAX_ROWS else ""


def _month_ticks(axis, months: list[str]) -> None:
    step = max(1, len(months) // 12)
    axis.set_xticks(range(0, len(months), step))
    axis.set_xticklabels(months[::step], rotation=45, ha="right", fontsize=8)


def wait_heatmap(waits: pd.DataFrame, episodes: pd.DataFrame, by: str = "service") -> bytes:
    """Median wait for an answer per service and month; bottleneck episodes outlined.
    At most MAX_ROWS services: those with an episode, then the busiest."""
    volume = waits.groupby(by)["requests"].sum()
    flagged = volume.index.isin(episodes[by]) if len(episodes) else False
    chosen = (
        volume.to_frame()
        .assign(flagged=flagged)
        .sort_values(["flagged", "requests"], ascending=False)
    )
    chosen = chosen.index[:MAX_ROWS]
    table = waits[waits[by].isin(chosen)].pivot(index=by, columns="month", values="median_days")
    table = table.sort_index()
    months = list(table.columns)
    figure = Figure(figsize=(WIDTH, 0.35 * len(table) + 2))
    axis = figure.subplots()
    image = axis.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="YlOrRd")
    axis.set_yticks(range(len(table)))
    axis.set_yticklabels([service_label(s) for s in table.index], fontsize=8)
    _month_ticks(axis, months)
    rows = {name: i for i, name in enumerate(table.index)}
    for episode in episodes.itertuples():
        row = rows.get(getattr(episode, by))
        if row is None:
            continue
        first = months.index(episode.first_month)
        axis.add_patch(
            Rectangle(
                (first - 0.5, row - 0.5), episode.months, 1, fill=False, edgecolor="navy", lw=2
            )
        )
    figure.colorbar(image, ax=axis, label="jours (médiane)")
    title = "Délai médian de réponse par service et par mois (cadres : goulets)"
    if len(volume) > MAX_ROWS:
        title += (
            f"\n({MAX_ROWS} sur {len(volume)} : ceux qui ont un goulet, puis les plus sollicités)"
        )
    axis.set_title(title)
    return _png(figure)


def backlog_lines(backlog: pd.DataFrame, by: str = "service") -> bytes:
    """Requests still open at each month's end, for the services with the largest backlog."""
    table = backlog.pivot(index="month", columns=by, values="backlog").fillna(0)
    top = table.iloc[-1].sort_values(ascending=False).index[:MAX_SERIES]
    figure = Figure(figsize=(WIDTH, 4))
    axis = figure.subplots()
    for name in top:
        axis.plot(range(len(table)), table[name].to_numpy(), label=service_label(name))
    _month_ticks(axis, list(table.index))
    axis.set_ylabel("demandes en attente")
    axis.set_title("Stock de demandes en attente en fin de mois")
    axis.legend(fontsize=7, ncol=2)
    return _png(figure)


def share_bars(table: pd.DataFrame, column: str, title: str, by: str = "service") -> bytes:
    """A share (0-1) per group as horizontal bars, in percent (the MAX_ROWS busiest)."""
    data = table.dropna(subset=[column]).nlargest(MAX_ROWS, "requests").sort_values(column)
    figure = Figure(figsize=(WIDTH, 0.3 * len(data) + 1.5))
    axis = figure.subplots()
    axis.barh([service_label(str(s)) for s in data[by]], 100 * data[column].to_numpy())
    axis.set_xlabel("%")
    axis.set_title(title + _shown(len(table)))
    axis.tick_params(axis="y", labelsize=8)
    return _png(figure)


def reassignment_bars(per_service: pd.DataFrame) -> bytes:
    """Days a reassignment adds, per service, with a 95 % interval."""
    data = per_service.dropna(subset=["days"]).nlargest(MAX_ROWS, "requests").sort_values("days")
    figure = Figure(figsize=(WIDTH, 0.3 * len(data) + 1.5))
    axis = figure.subplots()
    axis.barh(
        [service_label(s) for s in data["service"]],
        data["days"].to_numpy(),
        xerr=1.96 * data["standard_error"].to_numpy(),
        capsize=3,
    )
    axis.set_xlabel("jours ajoutés par réaffectation (intervalle à 95 %)")
    axis.set_title("Coût d'une réaffectation sur le délai de réponse" + _shown(len(per_service)))
    axis.tick_params(axis="y", labelsize=8)
    return _png(figure)


def complaint_bars(complaints: pd.DataFrame) -> bytes:
    figure = Figure(figsize=(WIDTH, 3.5))
    axis = figure.subplots()
    axis.bar(complaints["wait"].astype(str), 100 * complaints["complaint_share"].to_numpy())
    axis.set_ylabel("% de demandes suivies d'une réclamation")
    axis.set_title("Réclamations selon l'attente avant la réponse")
    axis.tick_params(axis="x", labelsize=8)
    return _png(figure)


def motive_trends(monthly: pd.DataFrame, clusters: pd.DataFrame) -> bytes:
    """Monthly share of the largest and of the emerging clusters."""
    named = clusters[clusters["cluster"] >= 0]
    chosen = pd.concat([named[named["emerging"]], named]).drop_duplicates("cluster")
    chosen = chosen.head(MAX_SERIES)
    table = monthly.pivot(index="month", columns="cluster", values="share").fillna(0)
    figure = Figure(figsize=(WIDTH, 4))
    axis = figure.subplots()
    for row in chosen.itertuples():
        style = "-" if not row.emerging else "--"
        label = row.label + (" (émergent)" if row.emerging else "")
        axis.plot(range(len(table)), 100 * table[row.cluster].to_numpy(), style, label=label)
    _month_ticks(axis, list(table.index))
    axis.set_ylabel("% des demandes du mois")
    axis.set_title("Motifs récurrents et émergents : part mensuelle")
    axis.legend(fontsize=7, ncol=2)
    return _png(figure)


def volume_lines(table: pd.DataFrame, by: str) -> bytes:
    """Requests per month for each value of ``by`` (e.g. channel)."""
    pivot = table.pivot(index="month", columns=by, values="requests").fillna(0)
    top = pivot.sum().sort_values(ascending=False).index[:MAX_SERIES]
    figure = Figure(figsize=(WIDTH, 3.5))
    axis = figure.subplots()
    for name in top:
        axis.plot(range(len(pivot)), pivot[name].to_numpy(np.float64), label=str(name))
    _month_ticks(axis, list(pivot.index))
    axis.set_ylabel("demandes")
    axis.set_title("Demandes reçues par mois et par canal")
    axis.legend(fontsize=7, ncol=3)
    return _png(figure)
