"""Command groups of the features package: `aiguillage data ...` and `aiguillage features ...`."""

import time
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

data_app = typer.Typer(help="Data: synthetic territory, imports, validation.", no_args_is_help=True)
features_app = typer.Typer(help="Point-in-time features.", no_args_is_help=True)


class Engine(StrEnum):
    """Where batch work runs: this machine (pandas) or an Apache Spark cluster."""

    pandas = "pandas"
    spark = "spark"


EngineOption = Annotated[
    Engine,
    typer.Option(help="pandas: this machine; spark: Apache Spark (the spark extra: pyspark)."),
]
FromOption = Annotated[datetime | None, typer.Option("--from", help="First arrival date included.")]
ToOption = Annotated[
    datetime | None, typer.Option("--to", help="Arrival date excluded (end of period).")
]
MasterOption = Annotated[
    str, typer.Option(help="Spark master URL (spark engine): local[*], spark://host:7077...")
]


@data_app.command("synth")
def synth(
    households: Annotated[int, typer.Option(help="Number of households.", min=10)] = 20_000,
    years: Annotated[float, typer.Option(help="Years simulated.")] = 3.0,
    seed: Annotated[int, typer.Option(help="The same seed gives the same bytes.")] = 42,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("data/demo"),
    shift: Annotated[
        list[str] | None,
        typer.Option(
            help="Inject a shift: new_motive, channel_online, energy_crisis or reorganisation "
            "(repeatable; see docs/monitoring.md)."
        ),
    ] = None,
    shift_from: Annotated[
        datetime | None, typer.Option(help="Date the shifts start (requests from then on).")
    ] = None,
) -> None:
    """Generate a synthetic territory (Parquet tables, ground truth and data card)."""
    from rich.console import Console

    from features.pseudonym import load_key
    from features.synth.config import SynthConfig
    from features.synth.generator import generate, write
    from features.synth.shifts import Shift

    console = Console(stderr=True)
    config = SynthConfig(households=households, years=years, seed=seed)
    if shift and shift_from is None:
        raise typer.BadParameter("a shift needs its start date", param_hint="--shift-from")
    try:
        shifts = tuple(Shift(kind, shift_from) for kind in shift or ())
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--shift") from None
    started = time.perf_counter()
    with console.status("Simulating the territory…") as status:
        territory = generate(
            config, load_key(), progress=lambda s: status.update(f"Stage: {s}…"), shifts=shifts
        )
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


@data_app.command("import")
def import_export(
    source: Annotated[str, typer.Option(help="Export format: boston311, dansmarue or open311.")],
    input_path: Annotated[
        Path,
        typer.Option(
            "--in", exists=True, dir_okay=False, help="The export file (CSV, CSV.GZ, JSON)."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Output folder (requests.parquet and side files).")],
    on_error: Annotated[
        str, typer.Option(help="fail: stop on any issue; quarantine: set bad rows aside.")
    ] = "fail",
    service_column: Annotated[
        str | None,
        typer.Option(help="boston311: source column used as service_code (QUEUE, SUBJECT...)."),
    ] = None,
) -> None:
    """Import a real export into the requests contract (see docs/importers.md)."""
    from rich.console import Console
    from rich.table import Table

    from features.importers import (
        ImportFailedError,
        SourceError,
        SpecError,
        import_file,
        load_spec,
    )

    console = Console(stderr=True)
    if on_error not in ("fail", "quarantine"):
        raise typer.BadParameter("must be 'fail' or 'quarantine'", param_hint="--on-error")
    parameters = {"service_column": service_column} if service_column else {}
    try:
        spec = load_spec(source, **parameters)
    except SpecError as exc:
        raise typer.BadParameter(str(exc), param_hint="--source/--service-column") from None
    try:
        result = import_file(input_path, spec, on_error=on_error, out_dir=out)  # type: ignore[arg-type]
    except (ImportFailedError, SourceError) as exc:
        console.print(str(exc), style="red", markup=False, highlight=False)
        raise typer.Exit(code=1) from None
    report = result.report
    table = Table(title=f"{spec.title}: {input_path.name}", show_header=False)
    table.add_row("rows read", f"{report.rows_in:,}")
    table.add_row("imported", f"{report.rows_imported:,}")
    table.add_row("quarantined", f"{report.rows_quarantined:,}")
    table.add_row("distinct services", f"{report.services:,}")
    table.add_row("channels", ", ".join(f"{k} {v:,}" for k, v in report.channels.items()))
    table.add_row("time", f"{report.seconds:.1f} s")
    console.print(table)
    for issue in report.issues:
        console.print(f"- {issue.describe()}", style="yellow", markup=False, highlight=False)
    console.print(
        f"Written to {out} (requests.parquet, request_extras.parquet, quarantine.parquet).",
        style="green",
        markup=False,
    )


@features_app.command("build")
def build_features_command(
    # Strings: with the spark engine they may be URIs (hdfs://, s3a://...).
    data: Annotated[str, typer.Option(help="Data folder with the contract tables.")],
    out: Annotated[str, typer.Option(help="Output Parquet file of the feature frame.")],
    date_from: FromOption = None,
    date_to: ToOption = None,
    engine: EngineOption = Engine.pandas,
    master: MasterOption = "local[*]",
) -> None:
    """Point-in-time features of every request received in [from, to), each as of its arrival."""
    if engine is Engine.spark:
        _build_on_spark(data, out, date_from, date_to, master)
        return
    data, out = Path(data), Path(out)
    from rich.console import Console

    from features.build import batch_features
    from features.history import History
    from features.tables import read_tables

    console = Console(stderr=True)
    started = time.perf_counter()
    with console.status("Reading and validating the tables…"):
        tables = read_tables(data, ("households", "requests", "accompaniment_events"))
        history = History.from_tables(
            tables["households"], tables["requests"], tables["accompaniment_events"]
        )
    arrivals = tables["requests"]["requested_datetime"]
    selected = arrivals.notna()
    if date_from is not None:
        selected &= arrivals >= date_from
    if date_to is not None:
        selected &= arrivals < date_to
    with progress_bar(console) as progress:
        task = progress.add_task("Features", total=int(selected.sum()))
        frame = batch_features(
            tables,
            start=date_from,
            end=date_to,
            history=history,
            progress=lambda n: progress.advance(task, n),
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(out, index=False, compression="zstd")
    console.print(
        f"[green]{len(frame):,} feature rows[/] ({frame.shape[1] - 3} features) written to {out} "
        f"in {time.perf_counter() - started:.1f} s."
    )


def progress_bar(console):
    """A rich progress bar: description, bar, done / total, time remaining."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )


def spark_session_or_exit(master: str):
    """A Spark session, or a clear message and exit code 1 when pyspark is missing."""
    from rich.console import Console

    from features.spark import SparkMissingError, session

    try:
        return session(master)
    except SparkMissingError as error:
        Console(stderr=True).print(str(error), style="red", markup=False, highlight=False)
        raise typer.Exit(code=1) from None


def _build_on_spark(
    data: str, out: str, date_from: datetime | None, date_to: datetime | None, master: str
) -> None:
    """The same features, computed by Spark and written as a folder of Parquet files."""
    from rich.console import Console

    from features.spark import read_feature_tables, spark_features

    console = Console(stderr=True)
    started = time.perf_counter()
    with console.status(f"Features on Spark ({master})…"):
        spark = spark_session_or_exit(master)
        frame = spark_features(read_feature_tables(spark, data), date_from, date_to)
        frame.write.mode("overwrite").parquet(out)
        rows = spark.read.parquet(out).count()
    console.print(
        f"[green]{rows:,} feature rows[/] ({len(frame.columns) - 3} features) written to {out} "
        f"by Spark in {time.perf_counter() - started:.1f} s."
    )
