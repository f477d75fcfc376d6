"""The `aiguillage` command: assembles each package's command group.

This is the single module allowed to import features, training and serving together.
"""

import datetime as dt
import tempfile
import warnings
from pathlib import Path
from typing import Annotated

import typer

from features.cli import data_app, features_app
from serving.cli import (
    demo_app,
    export_labels,
    keys_app,
    monitor_app,
    report_app,
    serve_app,
    store_app,
)
from training.cli import models_app, score_app, train_app

# With the spark extra installed, pandera imports pyspark, which warns about pandas 3.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")

app = typer.Typer(
    name="aiguillage",
    help="Aiguillage: triage and social-risk prioritisation of residents' requests.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
# Decisions live in the serving store; `data` cannot import serving, so it is added here.
data_app.command("export-labels")(export_labels)
app.add_typer(data_app, name="data")
app.add_typer(features_app, name="features")
app.add_typer(train_app, name="train")
app.add_typer(models_app, name="models")
app.add_typer(score_app, name="score")
app.add_typer(serve_app, name="serve")
app.add_typer(keys_app, name="keys")
app.add_typer(store_app, name="store")
app.add_typer(demo_app, name="demo")
app.add_typer(report_app, name="report")
app.add_typer(monitor_app, name="monitor")


def retrain_from_store(
    data_dir: Path,
    labels_from: dt.datetime | None = None,
    config=None,
    dry_run: bool = False,
    cards_dir: Path | None = None,
    say=lambda _message: None,
):
    """The retraining loop: the store's history and reviewed labels exported to contract
    tables (serving), challengers trained and compared with the champion on the same recent
    period, promoted only when at least as good (training). Both sides meet only here."""
    from serving.cli import _store
    from serving.monitoring.records import open_alerts
    from serving.monitoring.training_data import export_training_data
    from training.card import CARDS_DIR
    from training.retrain import retrain

    store = _store(data_dir)
    with tempfile.TemporaryDirectory() as tmp:
        say("Historique et décisions revues exportés du magasin…")
        counts = export_training_data(store, Path(tmp), labels_from)
        context = {
            "labels_from": labels_from.isoformat() if labels_from else "",
            "open_alerts": ",".join(sorted({a["check_name"] for a in open_alerts(store)})),
            **{f"exported_{k}": str(v) for k, v in counts.items()},
        }
        return retrain(Path(tmp), data_dir, config, context, dry_run, cards_dir or CARDS_DIR, say)


@app.command("retrain")
def retrain_command(
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Folder of the store and the MLflow registry.")
    ] = Path("data"),
    labels_from: Annotated[
        dt.datetime | None,
        typer.Option(
            help="Routes decided before this date are not labels (after a reorganisation)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option(help="Compare, but leave @champion where it is.")
    ] = False,
) -> None:
    """Retrain from the store (history and reviewed labels); promote only when better."""
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("Réentraînement…") as status:
        result = retrain_from_store(data_dir, labels_from, dry_run=dry_run, say=status.update)
    for d in result.decisions:
        verdict = "promu" if d.promoted else "non promu"
        champion = "—" if d.champion_score is None else f"{d.champion_score:.4f}"
        console.print(
            f"{d.model}: challenger v{d.challenger} {d.metric} {d.challenger_score:.4f}, "
            f"champion {champion} → {verdict}{' (essai)' if dry_run else ''}"
        )


if __name__ == "__main__":
    app()
