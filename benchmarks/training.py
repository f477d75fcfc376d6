"""Training and batch scoring (issue targets: full training of both models with evaluation
and logging at the demo scale in under 2 minutes; batch scoring with explanations of at
least 20,000 requests per second, on 2 cores)."""

from __future__ import annotations

from benchmarks.harness import Measurement, measure

_TRAIN = """
import os, tempfile
from pathlib import Path
from benchmarks.territory import demo_territory
from training.pipeline import train
os.environ.pop("MLFLOW_TRACKING_URI", None)
store = Path(tempfile.mkdtemp())
result = train(demo_territory(), mlflow_dir=store)
(Path(".bench") / "last_training_store").write_text(str(store))
EXTRA = {"router_macro_f1": round(result.metrics["router_macro_f1"], 4),
         "risk_auc": round(result.metrics["risk_auc"], 4),
         "oracle_risk_auc": round(result.metrics["oracle_risk_auc"], 4)}
"""

_SCORE = """
import os, time
from pathlib import Path
import mlflow
import numpy as np
from benchmarks.territory import demo_territory
from features.build import batch_features
from features.tables import read_tables
from training.pipeline import _inputs_for_signature
from training.tracking import configure
os.environ.pop("MLFLOW_TRACKING_URI", None)
configure(Path(Path(".bench/last_training_store").read_text()))
router = mlflow.sklearn.load_model("models:/aiguillage-router@challenger")
router_meta = mlflow.models.get_model_info("models:/aiguillage-router@challenger").metadata
risk = mlflow.sklearn.load_model("models:/aiguillage-risk@challenger")
risk_meta = mlflow.models.get_model_info("models:/aiguillage-risk@challenger").metadata
frame = batch_features(read_tables(demo_territory())).tail(20_000)
from training.risk import risk_inputs
pipeline = risk.calibrated_classifiers_[0].estimator.estimator
started = time.perf_counter()
proba = router.predict_proba(_inputs_for_signature(frame[router_meta["features"]]))
inputs = risk_inputs(frame)
p = risk.predict_proba(inputs)[:, 1]
contributions = pipeline.named_steps["model"].booster_.predict(
    pipeline.named_steps["encode"].transform(inputs), pred_contrib=True)
seconds = time.perf_counter() - started
EXTRA = {"rows": len(frame), "rows_per_second": int(len(frame) / seconds),
         "scoring_seconds": round(seconds, 2)}
"""


def run(quick: bool = False) -> list[Measurement]:
    training = measure("training at demo scale (both models, evaluation, MLflow)", _TRAIN)
    scoring = measure("batch scoring with explanations (20,000 requests)", _SCORE)
    return [training, scoring]
