"""Command groups of the training package: `aiguillage train ...`, `aiguillage models ...`
and `aiguillage score ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from features.cli import Engine, EngineOption, FromOption, MasterOption, ToOption

train_app = typer.Typer(help="Training: fit, evaluate and register models.", no_args_is_help=True)
models_app = typer.Typer(help="Model registry: promotion and aliases.", no_args_is_help=True)
score_app = typer.Typer(help="Batch scoring with the registered models.", no_args_is_help=True)

DataOption = Annotated[Path, typer.Option(help="Data folder with the contract tables.")]
MlflowOption = Annotated[
    Path,
    typer.Option(
        "--mlflow-dir", help="Folder of the default SQLite tracking store (if no URI is set)."
    ),
]


@train_app.command("run")
def train_run(
    data: DataOption = Path("data/demo"),
    mlflow_dir: MlflowOption = Path("data"),
    target_precision: Annotated[
        float, typer.Option(help="Router: precision each routed service must reach.")
    ] = 0.95,
    candidates: Annotated[
        str, typer.Option(help="Router candidates to compare, comma-separated.")
    ] = "linear",
) -> None:
    """Train the routers and the risk model, evaluate, log to MLflow, register challengers."""
    from rich.console import Console

    from training.config import RouterConfig, TrainConfig
    from training.pipeline import train
    from training.router import CANDIDATES

    console = Console(stderr=True)
    kinds = tuple(k.strip() for k in candidates.split(",") if k.strip())
    unknown = set(kinds) - set(CANDIDATES)
    if unknown or not kinds:
        raise typer.BadParameter(f"unknown candidates {sorted(unknown)}", param_hint="--candidates")
    config = TrainConfig(router=RouterConfig(target_precision=target_precision, candidates=kinds))
    with console.status("Training…") as status:
        result = train(data, config, mlflow_dir, say=lambda m: status.update(m))
    m = result.metrics
    console.print(
        f"[green]Run {result.run_id}[/] in {result.seconds:.0f} s: router v{result.router_version}"
        f" (accuracy {m['router_accuracy']:.3f}, macro-F1 {m['router_macro_f1']:.3f}, coverage "
        f"{m['router_coverage']:.1%} at precision {m['router_routed_precision']:.3f}), risk "
        f"v{result.risk_version} (AUC {m['risk_auc']:.3f}, ECE {m['risk_ece']:.3f}); "
        "both are now 'challenger'."
    )
    if "oracle_risk_auc" in m:
        console.print(
            f"Oracle: routing accuracy {m['oracle_routing_accuracy']:.3f}, risk AUC "
            f"{m['oracle_risk_auc']:.3f}."
        )


@train_app.command("evaluate-export")
def train_evaluate_export(
    data: Annotated[
        Path, typer.Option(help="Folder written by `aiguillage data import` (requests.parquet).")
    ],
    out: Annotated[Path, typer.Option(help="Markdown report to write.")],
    min_per_class: Annotated[
        int, typer.Option(min=2, help="Keep the services with at least this many requests.")
    ] = 10,
    lightgbm: Annotated[bool, typer.Option(help="Also fit the LightGBM router candidate.")] = True,
    without: Annotated[
        list[str] | None,
        typer.Option(help="A request feature our router leaves out (repeatable), e.g. month."),
    ] = None,
) -> None:
    """Our router against a plain TF-IDF + logistic-regression baseline on an imported
    export (no households): temporal split, test-period metrics, Markdown report."""
    from rich.console import Console
    from rich.table import Table

    from training.export_eval import (
        BASELINE,
        EXPORT_FEATURES,
        METRIC_NAMES,
        evaluate_export,
        export_title,
        read_export,
        write_report,
    )

    console = Console(stderr=True)
    if not (data / "requests.parquet").is_file():
        raise typer.BadParameter(f"no requests.parquet in {data}", param_hint="--data")
    dropped = set(without or ())
    if dropped - set(EXPORT_FEATURES) or "text" in dropped:
        raise typer.BadParameter(
            f"choose among {[c for c in EXPORT_FEATURES if c != 'text']}", param_hint="--without"
        )
    kinds = ("linear", "lightgbm") if lightgbm else ("linear",)
    with console.status("Reading the export…") as status:
        evaluation = evaluate_export(
            read_export(data),
            kinds=kinds,
            min_per_class=min_per_class,
            columns=tuple(c for c in EXPORT_FEATURES if c not in dropped),
            say=status.update,
        )
    if not lightgbm:
        evaluation.notes.append("LightGBM router not run (`--no-lightgbm`).")
    write_report(evaluation, out, export_title(data))
    table = Table(title=f"Test period: {evaluation.period_rows['test']:,} requests")
    for column in ("model", "accuracy", "macro-F1", "coverage @95%", "routed precision", "s"):
        table.add_column(column, justify="left" if column == "model" else "right")
    for kind, m in evaluation.metrics.items():
        table.add_row(
            kind,
            f"{m['accuracy']:.4f}",
            f"{m['macro_f1']:.4f}",
            f"{m['coverage']:.4f}",
            f"{m['routed_precision']:.4f}",
            f"{evaluation.seconds[kind]:.0f}",
        )
    console.print(
        f"{evaluation.services_kept} of {len(evaluation.services)} services have at least "
        f"{min_per_class} requests ({evaluation.rows_kept:,} of {evaluation.rows:,} requests)."
    )
    console.print(table)
    for kind in kinds:
        lost = [METRIC_NAMES[m] for m, ok in evaluation.beats_baseline(kind).items() if not ok]
        console.print(
            f"[green]{kind} beats the {BASELINE} on accuracy, macro-F1 and coverage.[/]"
            if not lost
            else f"[yellow]{kind} does not beat the {BASELINE} on {', '.join(lost)}.[/]"
        )
    console.print(f"Report written to {out} in {evaluation.total_seconds:.0f} s.")


def _print_decisions(decisions, dry_run: bool) -> None:
    from rich.console import Console

    console = Console(stderr=True)
    for d in decisions:
        before = (
            f"v{d.champion_before} ({d.metric} {d.champion_score:.4f})"
            if d.champion_before
            else "none"
        )
        if d.promoted:
            verdict = "[green]would be promoted[/]" if dry_run else "[green]promoted[/]"
        else:
            verdict = "[yellow]the champion stays[/]"
        console.print(
            f"{d.model}: challenger v{d.challenger} ({d.metric} {d.challenger_score:.4f}) vs "
            f"champion {before}: {verdict}"
        )


@models_app.command("compare")
def models_compare(
    data: DataOption = Path("data/demo"),
    mlflow_dir: MlflowOption = Path("data"),
) -> None:
    """Evaluate challenger and champion on the challenger's test period; change nothing."""
    from training.promote import promote

    _print_decisions(promote(data, mlflow_dir, dry_run=True), dry_run=True)


@models_app.command("promote")
def models_promote(
    data: DataOption = Path("data/demo"),
    mlflow_dir: MlflowOption = Path("data"),
    cards_dir: Annotated[
        Path, typer.Option("--cards-dir", help="Where the champions' model cards are written.")
    ] = Path("models"),
) -> None:
    """Move 'champion' to each challenger that is at least as good on the same test period."""
    from training.promote import promote

    _print_decisions(promote(data, mlflow_dir, cards_dir=cards_dir), dry_run=False)


@score_app.command("batch")
def score_batch(
    # Strings: with the spark engine they may be URIs (hdfs://, s3a://...).
    out: Annotated[str, typer.Option(help="Parquet output (a folder of files with Spark).")],
    features: Annotated[
        str | None,
        typer.Option(help="Feature Parquet written by `aiguillage features build`."),
    ] = None,
    data: Annotated[
        str | None,
        typer.Option(help="Or a data folder: its features are computed first, by the engine."),
    ] = None,
    date_from: FromOption = None,  # with --data
    date_to: ToOption = None,
    engine: EngineOption = Engine.pandas,
    master: MasterOption = "local[*]",
    mlflow_dir: MlflowOption = Path("data"),
    alias: Annotated[str, typer.Option(help="Registry alias of the models to use.")] = "champion",
) -> None:
    """Route, risk, band and reasons for every request of a feature frame, with the models
    the alias names (pinned when scoring starts)."""
    import time

    from rich.console import Console

    from training.batch_scoring import ModelMismatchError, registered_models
    from training.tracking import configure

    console = Console(stderr=True)
    if (features is None) == (data is None):
        raise typer.BadParameter("give either --features or --data", param_hint="--features")
    if features is not None and (date_from or date_to):
        raise typer.BadParameter("--from and --to go with --data", param_hint="--from/--to")
    started = time.perf_counter()
    configure(mlflow_dir)
    try:
        models = registered_models(alias)
    except ModelMismatchError as error:
        console.print(str(error), style="red", markup=False, highlight=False)
        raise typer.Exit(code=1) from None
    except Exception as error:  # no such model or alias in this registry
        console.print(
            f"No router and risk model with alias @{alias}: {error}", style="red", markup=False
        )
        raise typer.Exit(code=1) from None
    if engine is Engine.spark:
        rows = _score_on_spark(models, features, data, date_from, date_to, master, out, console)
    else:
        rows = _score_here(models, features, data, date_from, date_to, out, console)
    console.print(
        f"[green]{rows:,} requests scored[/] (router v{models.router_version}, risk "
        f"v{models.risk_version}) written to {out} in {time.perf_counter() - started:.1f} s."
    )


def _score_here(models, features, data, date_from, date_to, out: str, console) -> int:
    import pandas as pd

    from features.build import batch_features
    from features.cli import progress_bar
    from features.spark import to_feature_frame
    from features.tables import read_tables
    from training.batch_scoring import score_frame

    with console.status("Features…"):
        if features is not None:
            frame = to_feature_frame(pd.read_parquet(features))
        else:
            tables = read_tables(data, ("households", "requests", "accompaniment_events"))
            frame = batch_features(tables, date_from, date_to)
    with progress_bar(console) as progress:
        task = progress.add_task("Scoring", total=len(frame))
        scored = score_frame(frame, models, progress=lambda n: progress.advance(task, n))
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    scored.to_parquet(out, index=False, compression="zstd")
    return len(scored)


def _score_on_spark(models, features, data, date_from, date_to, master, out: str, console) -> int:
    from features.cli import spark_session_or_exit
    from features.spark import read_feature_tables, spark_features
    from training.spark_scoring import score_spark

    with console.status(f"Scoring on Spark ({master})…"):
        spark = spark_session_or_exit(master)
        if features is not None:
            frame = spark.read.parquet(features)
        else:
            frame = spark_features(read_feature_tables(spark, data), date_from, date_to)
        score_spark(frame, models).write.mode("overwrite").parquet(out)
        return spark.read.parquet(out).count()
