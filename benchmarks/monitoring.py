"""Monitoring (issue target: a monitoring run over 30 days of demo-scale traffic in under
60 s on 2 cores).

Set-up, not timed: the demo territory's history in a store up to a cut-off, then the next
30 days scored by the intake (features from the store, the benchmark registry's models) and
their final routes arrived; cached under .bench/. Timed, in a fresh process: one full run
(reference from the registry, window from the prediction log, every check, the Evidently
HTML reports, the JSON summary and the store rows).
"""

from __future__ import annotations

import datetime as dt

from benchmarks.harness import Measurement, measure
from benchmarks.serving import ALIAS, ensure_registry
from benchmarks.territory import CACHE, demo_territory

DAYS = 30
STORE = CACHE / "monitoring-store.db"


def _prepare(uri: str) -> tuple[dt.datetime, dt.datetime]:
    """The store with 30 days scored; built once."""
    from features.tables import read_tables
    from serving.demo import holdout_start
    from serving.models import ModelHolder
    from tests.serving.monitoring.scenario import close, history_store, score

    tables = read_tables(demo_territory())
    since = holdout_start(tables["requests"], DAYS).to_pydatetime()
    until = since + dt.timedelta(days=DAYS)
    if not STORE.exists():
        building = STORE.with_suffix(".building")
        building.unlink(missing_ok=True)
        store = history_store(building, tables, since)
        models = ModelHolder(uri, ALIAS)
        models.refresh()
        close(store, score(store, models, tables, since, until))
        store.engine.dispose()
        building.rename(STORE)
    return since, until


_RUN = """
import datetime, resource, shutil, tempfile
from pathlib import Path
from serving.config import Settings
from serving.db import make_engine
from serving.migrate import upgrade
from serving.monitoring.run import run_monitor
from serving.store import Store
folder = Path(tempfile.mkdtemp())
shutil.copy("{store}", folder / "aiguillage.db")
engine = make_engine(f"sqlite:///{{folder / 'aiguillage.db'}}")
upgrade(engine)
settings = Settings(data_dir=folder, mlflow_tracking_uri="{uri}", model_alias="{alias}")
result = run_monitor(Store(engine), settings, {since!r}, {until!r})
usage = resource.getrusage(resource.RUSAGE_SELF)
EXTRA = {{"cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
         "requests": result.check("data_drift").figures.get("rows", 0),
         "status": result.status,
         "checks": ", ".join(f"{{c.name}} {{c.status}}" for c in result.checks),
         "drifted": ", ".join(result.check("data_drift").figures.get("drifted_columns", [])),
         "reports_mib": round(
             sum(p.stat().st_size for p in result.report_dir.iterdir()) / 2**20, 1)}}
"""


def run(quick: bool = False) -> list[Measurement]:
    registry = ensure_registry()
    uri = f"sqlite:///{(registry / 'mlflow' / 'mlflow.db').resolve()}"
    since, until = _prepare(uri)
    code = _RUN.format(store=STORE.resolve(), uri=uri, alias=ALIAS, since=since, until=until)
    return [measure(f"monitoring run over {DAYS} days of demo-scale traffic", code)]
