"""The `aiguillage` command: assembles each package's command group.

This is the single module allowed to import features, training and serving together.
"""

import typer

from features.cli import data_app, features_app
from serving.cli import demo_app, export_labels, keys_app, report_app, serve_app, store_app
from training.cli import models_app, train_app

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
app.add_typer(serve_app, name="serve")
app.add_typer(keys_app, name="keys")
app.add_typer(store_app, name="store")
app.add_typer(demo_app, name="demo")
app.add_typer(report_app, name="report")

if __name__ == "__main__":
    app()
