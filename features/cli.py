"""Command groups of the features package: `aiguillage data ...` and `aiguillage features ...`."""

import typer

data_app = typer.Typer(help="Data: synthetic territory, imports, validation.", no_args_is_help=True)
features_app = typer.Typer(help="Point-in-time features.", no_args_is_help=True)
