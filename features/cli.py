"""Command groups of the features package: `aiguillage data ...` and `aiguillage features ...`."""

import time
from pathlib import Path

import typer

data_app = typer.Typer(help="Data: synthetic territory, imports, validation.", no_args_is_help=True)
features_app = typer.Typer(help="Point-in-time features.", no_args_is_help=True)


@data_app.command("synth")
def synth(
    households: int = typer.Option(20_000, help="Number of households."),
    years: float = typer.Option(3.0, help="Years simulated."),
    seed: int = typer.Option(42, help="Seed: the same seed gives the same bytes."),
    out: Path = typer.Option(Path("data/demo"), help="Output folder."),
) -> None:
    """Generate a synthetic territory (Parquet tables, ground truth and data card)."""
    from rich.console import Console

    from features.pseudonym import load_key
    from features.synth.config import SynthConfig
    from features.synth.generator import generate, write

    console = Console(stderr=True)
    config = SynthConfig(households=households, years=years, seed=seed)
    started = time.perf_counter()
    with console.status("Simulating the territory…") as status:
        territory = generate(config, load_key(), progress=lambda s: status.update(f"Stage: {s}…"))
        status.update("Writing Parquet tables…")
        card = write(territory, out)
    elapsed = time.perf_counter() - started
    counts, oracle = card["counts"], card["oracle"]
    console.print(
        f"[green]Territory written to {out}[/] in {elapsed:.1f} s: "
        f"{counts['households']:,} households, {counts['requests']:,} requests, "
        f"{counts['accompaniment_events']:,} accompaniment events."
    )
    console.print(
        f"Oracle risk AUC [bold]{oracle['risk_auc']}[/], oracle routing accuracy "
        f"[bold]{oracle['routing_accuracy']}[/], crisis rate within 90 days "
        f"{card['crisis_rate_90d']:.1%}. Data card: {out / 'data_card.md'}"
    )
