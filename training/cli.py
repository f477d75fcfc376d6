"""Command groups of the training package: `aiguillage train ...` and `aiguillage models ...`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

train_app = typer.Typer(help="Training: fit, evaluate and register models.", no_args_is_help=True)
models_app = typer.Typer(help="Model registry: promotion and aliases.", no_args_is_help=True)

DataOption = Annotated[Path, typer.Option(help="Data folder with the contract tables.")]
MlflowOption = Annotated[
    Path, typer.Option(help="Folder of the default SQLite tracking store (if no URI is set).")
]


@train_app.command("run")
def train_run(
    data: DataOption = Path("data/demo"),
    mlflow_dir: Annotated[Path, typer.Option("--mlflow-dir", help="Tracking store folder.")] = Path(
        "data"
    ),
    target_precision: Annotated[
        float, typer.Option(help="Router: precision each routed service must reach.")
    ] = 0.95,
    candidates: Annotated[
        str, typer.Option(help="Router candidates to compare, comma-separated.")
    ] = "linear,lightgbm",
) -> None:
    """Train the routers and the risk model, evaluate, log to MLflow, register challengers."""
    from rich.console import Console

    from training.config import RouterConfig, TrainConfig
    from training.pipeline import train

    console = Console(stderr=True)
    kinds = tuple(k.strip() for k in candidates.split(",") if k.strip())
    unknown = set(kinds) - {"linear", "lightgbm"}
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
    mlflow_dir: Annotated[Path, typer.Option("--mlflow-dir", help="Tracking store folder.")] = Path(
        "data"
    ),
) -> None:
    """Evaluate challenger and champion on the challenger's test period; change nothing."""
    from training.promote import promote

    _print_decisions(promote(data, mlflow_dir, dry_run=True), dry_run=True)


@models_app.command("promote")
def models_promote(
    data: DataOption = Path("data/demo"),
    mlflow_dir: Annotated[Path, typer.Option("--mlflow-dir", help="Tracking store folder.")] = Path(
        "data"
    ),
) -> None:
    """Move 'champion' to each challenger that is at least as good on the same test period."""
    from training.promote import promote

    _print_decisions(promote(data, mlflow_dir), dry_run=False)
