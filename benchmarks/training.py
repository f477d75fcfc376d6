"""Training and batch scoring (issue targets: full training of both models with evaluation
and logging at the demo scale in under 2 minutes, and at 1,000,000 requests in under 10
minutes and 12 GiB; batch scoring with explanations of at least 20,000 requests per
second; all on 2 cores)."""

from __future__ import annotations

from benchmarks.harness import Measurement, measure

_TRAIN = """
import os, tempfile
from pathlib import Path
from benchmarks.territory import {territory}
from training.pipeline import train
os.environ.pop("MLFLOW_TRACKING_URI", None)
store = Path(tempfile.mkdtemp())
result = train({territory}(), mlflow_dir=store)
(Path(".bench") / "last_training_store").write_text(str(store))
EXTRA = {{"router_macro_f1": round(result.metrics["router_macro_f1"], 4),
         "router_coverage": round(result.metrics["router_coverage"], 4),
         "risk_auc": round(result.metrics["risk_auc"], 4),
         "risk_ece": round(result.metrics["risk_ece"], 4),
         "oracle_risk_auc": round(result.metrics["oracle_risk_auc"], 4)}}
"""

# Models from the registry, as serving loads them; features computed before the clock starts.
_SCORE = """
import os, time
from pathlib import Path
from benchmarks.territory import demo_territory
from features.build import batch_features
from features.tables import read_tables
from training.batch_scoring import LoadedModels, registered_models
from training.tracking import configure
os.environ.pop("MLFLOW_TRACKING_URI", None)
configure(Path(Path(".bench/last_training_store").read_text()))
loaded = LoadedModels.load(registered_models("challenger"))
frame = batch_features(read_tables(demo_territory())).tail(20_000)
loaded.predict(frame.head(100))  # warm
started = time.perf_counter()
probabilities, risk, contributions = loaded.predict(frame)
seconds = time.perf_counter() - started
started = time.perf_counter()
answers = loaded.score(frame)
worded = time.perf_counter() - started
EXTRA = {"rows": len(frame), "rows_per_second": int(len(frame) / seconds),
         "scoring_seconds": round(seconds, 2),
         "with_french_reasons_rows_per_second": int(len(frame) / worded)}
"""


def run(quick: bool = False) -> list[Measurement]:
    results = [
        measure(
            "training at demo scale (router, risk, evaluation, MLflow)",
            _TRAIN.format(territory="demo_territory"),
        ),
        measure("batch scoring with explanations (20,000 requests)", _SCORE),
    ]
    if not quick:
        results.append(
            measure(
                "training at 1,001,588 requests (router, risk, evaluation, MLflow)",
                _TRAIN.format(territory="territory_1m"),
            )
        )
    return results
