"""The continuous-improvement report (issue target: 1,000,000 requests in under 30 s on 2
cores): `aiguillage report improve` as a user runs it, on the cached 1M territory, with
the routing view on the last training benchmark's router. The measured time includes the
interpreter's imports (pandas, scikit-learn, MLflow, pandera, matplotlib); the report's
own time (reading the data to writing the files) is in the details."""

from __future__ import annotations

from benchmarks.harness import Measurement, measure

_CODE = """
import time
imports_from = time.perf_counter()
from pathlib import Path
from rich.console import Console
from serving.improvement.command import improve
out = Path(".bench/improvement")
report_from = time.perf_counter()
improve(out=out / "report.html", data=Path({folder!r}), store=None, data_dir=out,
        csv=out / "csv", territory=None, period=(None, None), clusters=12, seed=0,
        console=Console(stderr=True, quiet=True))
report_seconds = time.perf_counter() - report_from
import pandas as pd
cpu = time.process_time()  # all threads of this process, imports included
routing = out / "csv" / "routing.csv"
EXTRA = {{"requests": int(pd.read_csv(out / "csv" / "delays_by_service.csv", sep=";")
                          ["demandes"].sum()),
          "routing view": routing.exists(), "cpu_seconds": round(cpu, 1),
          "imports_seconds": round(report_from - imports_from, 1),
          "report_seconds": round(report_seconds, 1)}}
"""


def run(quick: bool = False) -> list[Measurement]:
    from benchmarks.serving import ALIAS, ensure_registry
    from benchmarks.territory import demo_territory, territory_1m

    registry = ensure_registry()
    env = {
        "AIGUILLAGE_MLFLOW_TRACKING_URI": f"sqlite:///{(registry / 'mlflow' / 'mlflow.db')}",
        "AIGUILLAGE_MODEL_ALIAS": ALIAS,
    }
    sizes = [("improvement report, demo territory", demo_territory())]
    if not quick:
        sizes.append(("improvement report, 1M requests", territory_1m()))
    return [
        measure(name, _CODE.format(folder=str(folder.resolve())), env) for name, folder in sizes
    ]
