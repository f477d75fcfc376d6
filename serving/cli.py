"""Command groups of the serving package: `aiguillage serve`, `keys`, `store`, `demo`,
`report`; and `export_labels`, which aiguillage.py registers as `aiguillage data export-labels`."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

serve_app = typer.Typer(help="Run the scoring service.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys: create and revoke.", no_args_is_help=True)
store_app = typer.Typer(help="The service's store: schema and data.", no_args_is_help=True)
demo_app = typer.Typer(help="Demonstrations against a running service.", no_args_is_help=True)
report_app = typer.Typer(help="Reports for service managers.", no_args_is_help=True)
monitor_app = typer.Typer(help="Drift and performance monitoring.", no_args_is_help=True)

DataDirOption = Annotated[
    Path, typer.Option("--data-dir", help="Folder of the store and the MLflow registry.")
]


def _store(data_dir: Path):
    from serving.config import Settings
    from serving.db import make_engine
    from serving.migrate import upgrade
    from serving.store import Store

    settings = Settings(data_dir=data_dir)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    return Store(engine)


@serve_app.command("up")
def serve_up(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Processes (scoring is CPU-bound: one per core).")
    ] = 1,
    data_dir: DataDirOption = Path("data"),
) -> None:
    """Serve the API with uvicorn (models from the registry's @champion)."""
    import os

    import uvicorn

    os.environ.setdefault("AIGUILLAGE_DATA_DIR", str(data_dir))
    uvicorn.run(
        "serving.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # our own access log carries route templates, never raw paths
        log_level="warning",
    )


@serve_app.command("check")
def serve_check(data_dir: DataDirOption = Path("data")) -> None:
    """Exit 0 when the registry names a champion router and risk model, 1 otherwise."""
    from serving.config import Settings
    from serving.models import ModelHolder

    settings = Settings(data_dir=data_dir)
    holder = ModelHolder(settings.resolved_tracking_uri, settings.model_alias)
    holder.refresh()
    problems = holder.current.problems
    for problem in problems.values():
        typer.echo(problem, err=True)
    raise typer.Exit(code=1 if problems else 0)


@keys_app.command("create")
def keys_create(
    role: Annotated[
        str, typer.Option(help="intake, social_worker, data_scientist, manager or admin.")
    ],
    territory: Annotated[
        str | None,
        typer.Option(
            help="Territory (required for social_worker; a manager without one sees the "
            "whole authority's aggregates)."
        ),
    ] = None,
    label: Annotated[str, typer.Option(help="What the key is for.")] = "",
    data_dir: DataDirOption = Path("data"),
) -> None:
    """Create an API key; it is printed once and only its hash is kept."""
    from serving.security import Role, create_key

    try:
        chosen = Role(role)
    except ValueError:
        raise typer.BadParameter(
            f"unknown role {role!r}; expected one of {[r.value for r in Role]}",
            param_hint="--role",
        ) from None
    try:
        key = create_key(_store(data_dir), chosen, territory, label)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="--territory") from None
    typer.echo(key)


@keys_app.command("demo")
def keys_demo(
    territory: Annotated[str, typer.Option(help="The demo social worker's territory.")] = "nord",
    data_dir: DataDirOption = Path("data"),
) -> None:
    """One key per role for the demo, made once and kept in data/secrets (mode 0600)."""
    import json
    import os

    from serving.security import Role, create_key

    path = data_dir / "secrets" / "demo-keys.json"
    if not path.exists():
        store = _store(data_dir)
        keys = {
            role.value: create_key(
                store, role, territory if role == Role.social_worker else None, "demo"
            )
            for role in Role
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(keys, handle, indent=2)
    for role, key in json.loads(path.read_text()).items():
        typer.echo(f"{role:15} {key}")


@keys_app.command("revoke")
def keys_revoke(key_id: str, data_dir: DataDirOption = Path("data")) -> None:
    """Revoke a key by its id (the part between the first two underscores)."""
    if not _store(data_dir).revoke_key(key_id):
        raise typer.Exit(code=1)
    typer.echo(f"revoked {key_id}")


@store_app.command("init")
def store_init(data_dir: DataDirOption = Path("data")) -> None:
    """Create or migrate the store's schema (Alembic)."""
    store = _store(data_dir)
    typer.echo(f"store ready: {store.engine.url.render_as_string(hide_password=True)}")


@store_app.command("load")
def store_load(
    data: Annotated[Path, typer.Option(help="Folder with the contract tables.")] = Path(
        "data/demo"
    ),
    holdout_days: Annotated[
        int,
        typer.Option(
            help="Leave out N days ending 91 days before the last request (and what follows), "
            "for `demo replay`."
        ),
    ] = 30,
    data_dir: DataDirOption = Path("data"),
) -> None:
    """Load a territory's history into an empty store, up to a cut-off."""
    from features.tables import read_tables
    from serving.demo import history_before, holdout_start

    store = _store(data_dir)
    if store.count("requests"):
        typer.echo("the store already holds requests: nothing loaded")
        return
    tables = read_tables(data, ("households", "requests", "accompaniment_events"))
    cutoff = holdout_start(tables["requests"], holdout_days)
    counts = store.load_tables(history_before(tables, cutoff))
    typer.echo(f"loaded {counts} (history before {cutoff:%Y-%m-%d})")


@store_app.command("readings")
def store_readings(data_dir: DataDirOption = Path("data")) -> None:
    """Read again the request texts whose kept reading is missing or was made by another
    version of the reading code (run after an upgrade; the service does it on the fly,
    more slowly, otherwise)."""
    from rich.progress import Progress

    store = _store(data_dir)
    with Progress(transient=True) as progress:
        task = progress.add_task("Reading texts", total=None)
        done = store.refresh_readings(
            on_chunk=lambda n, total: progress.update(task, completed=n, total=total)
        )
    typer.echo(f"{done} texts read again")


@demo_app.command("replay")
def demo_replay(
    key: Annotated[str, typer.Option(envvar="AIGUILLAGE_API_KEY", help="An intake key.")],
    rate: Annotated[float, typer.Option(help="Requests per second.")] = 20.0,
    url: Annotated[str, typer.Option(help="Service base URL.")] = "http://127.0.0.1:8000",
    data: Annotated[Path, typer.Option(help="Folder with the contract tables.")] = Path(
        "data/demo"
    ),
    holdout_days: Annotated[int, typer.Option(help="Length of the held-out period.")] = 30,
    limit: Annotated[int | None, typer.Option(help="Send at most this many.")] = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight.")] = 8,
) -> None:
    """Stream the held-out period through the HTTP API and print the figures seen."""
    from rich.console import Console

    from serving.demo import replay

    console = Console(stderr=True)
    figures = replay(url, key, data, holdout_days, rate, limit, concurrency, console)
    console.print(figures.summary())
    if figures.failed:
        raise typer.Exit(code=1)


def export_labels(
    out: Annotated[Path, typer.Option("--out", help="File to write: .parquet, otherwise CSV.")],
    since: Annotated[
        datetime | None, typer.Option(help="Decisions taken from this time (UTC).")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(help="Decisions taken before this time (UTC).")
    ] = None,
    data_dir: DataDirOption = Path("data"),
) -> None:
    """Export social workers' decisions as labels for retraining: one row per reviewed
    request (the decision in force), pseudonymous ids, final route and band, reason code,
    decision time. Comments are never exported. Registered as `aiguillage data
    export-labels`."""
    from serving.reviews import label_frame, write_labels

    frame = label_frame(_store(data_dir).engine, since, until)
    write_labels(frame, out)
    overridden = int((frame["decision"] == "override").sum())
    typer.echo(f"{len(frame)} label(s) written to {out} ({overridden} override(s))")


@report_app.command("improve")
def report_improve(
    out: Annotated[Path, typer.Option(help="The HTML report to write.")],
    data: Annotated[
        Path | None,
        typer.Option(help="Folder of contract files (a territory, or an importer's output)."),
    ] = None,
    from_store: Annotated[
        bool, typer.Option("--store", help="Read the service's store (in --data-dir) instead.")
    ] = False,
    csv: Annotated[Path | None, typer.Option(help="Also write one CSV per table here.")] = None,
    territory: Annotated[str | None, typer.Option(help="Only this territory.")] = None,
    start: Annotated[
        str | None,
        typer.Option(
            "--from",
            help="Start of the routing period (YYYY-MM-DD; default: the last complete month).",
        ),
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="End of the routing period.")] = None,
    clusters: Annotated[int, typer.Option(min=2, help="Motive clusters.")] = 12,
    seed: Annotated[int, typer.Option(help="Seed of samples and bootstraps.")] = 0,
    data_dir: DataDirOption = Path("data"),
) -> None:
    """Delays, bottlenecks, misrouting, recurring motives and what automatic routing would
    change, as a standalone HTML page (and CSV files)."""
    from rich.console import Console

    from serving.improvement.command import improve

    if (data is not None) == from_store:
        raise typer.BadParameter("give either --data DIR or --store", param_hint="--data")
    if data is not None and not data.is_dir():
        raise typer.BadParameter(f"{data} is not a folder", param_hint="--data")
    try:
        improve(
            out=out,
            data=data,
            store=_store(data_dir) if from_store else None,
            data_dir=data_dir,
            csv=csv,
            territory=territory,
            period=(start, end),
            clusters=clusters,
            seed=seed,
            console=Console(stderr=True),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


@monitor_app.command("run")
def monitor_run(
    since: Annotated[
        datetime | None, typer.Option(help="Window start (default: until minus the window).")
    ] = None,
    until: Annotated[
        datetime | None,
        typer.Option(help="Window end, excluded (default: just after the last scored request)."),
    ] = None,
    data_dir: DataDirOption = Path("data"),
) -> None:
    """Compare the champion's reference with the recent prediction log (cron-friendly: exit 0
    when every check passes or lacks data, 2 when a check raises an alert)."""
    from rich.console import Console

    from serving.config import Settings
    from serving.monitoring.reference import NoChampionError
    from serving.monitoring.run import run_monitor

    console = Console(stderr=True)
    settings = Settings(data_dir=data_dir)
    try:
        with console.status("Surveillance…") as status:
            result = run_monitor(_store(data_dir), settings, since, until, say=status.update)
    except (NoChampionError, ValueError) as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(code=1) from None
    for check in result.checks:
        colour = {"pass": "green", "fail": "red"}.get(check.status, "yellow")
        console.print(f"  {check.name:20} [{colour}]{check.status}[/]")
    console.print(
        f"Run {result.run_id}: [bold]{result.status}[/] over {result.since:%Y-%m-%d %H:%M} – "
        f"{result.until:%Y-%m-%d %H:%M} in {result.seconds:.1f} s; reports in {result.report_dir}"
    )
    raise typer.Exit(code=2 if result.alerts else 0)
