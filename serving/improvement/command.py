"""`aiguillage report improve`: read the data, load the champion router, build the report
with a progress display, write the HTML page and the CSV files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from serving.config import Settings
from serving.improvement.cases import table_exists
from serving.improvement.inputs import from_folder, from_store
from serving.improvement.motives import MotiveSettings
from serving.improvement.rendering import render_html
from serving.improvement.report import build_report, write_csv
from serving.improvement.routing import load_champion_router
from serving.store import Store


def _period(bounds: tuple[str | None, str | None]):
    start, end = bounds
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise ValueError("give both --from and --to, or neither")
    period = pd.Timestamp(start), pd.Timestamp(end)
    if period[0] >= period[1]:
        raise ValueError("--from must come before --to")
    return period


def improve(
    *,
    out: Path,
    data: Path | None,
    store: Store | None,
    data_dir: Path,
    csv: Path | None,
    territory: str | None,
    period: tuple[str | None, str | None],
    clusters: int,
    seed: int,
    console: Console,
) -> None:
    chosen = _period(period)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as progress:
        task = progress.add_task("lecture des données")
        settings = Settings(data_dir=data_dir)
        # The router loads while the data is read (the two share the two cores).
        # An export (no households) cannot be routed: no router then.
        routable = data is None or table_exists(data, "households")
        with ThreadPoolExecutor(max_workers=1) as pool:
            loading = (
                pool.submit(
                    load_champion_router, settings.resolved_tracking_uri, settings.model_alias
                )
                if routable
                else None
            )
            if data is not None:
                inputs = from_folder(data, territory)
            else:
                inputs = from_store(store, territory)
            progress.update(task, description="modèle d'aiguillage")
            router = problem = None
            try:
                router = loading.result() if loading else None
            except Exception as error:  # no registry, no alias: the report says so
                problem = f"@{settings.model_alias} introuvable ({type(error).__name__})"
        if inputs.cases.frame.empty:
            raise ValueError("no request to report on (check --territory)")

        def step(name: str) -> None:
            progress.update(task, description=name)

        report = build_report(
            inputs.cases,
            territory=territory,
            tables=inputs.tables,
            router=router,
            router_problem=problem,
            period=chosen,
            motive_settings=MotiveSettings(clusters=clusters, seed=seed),
            progress=step,
        )
        step("écriture")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_html(report), encoding="utf-8")
        written = write_csv(report, csv) if csv is not None else []
    console.print(f"rapport : {out} ({report.requests:,} demandes)".replace(",", "\u202f"))
    if written:
        console.print(f"CSV : {len(written)} fichiers dans {csv}")
    for note in report.notes:
        console.print(f"[yellow]{note}[/yellow]")
