"""Spark against the single-machine pipeline on the same 1,000,000 requests (issue targets:
both times and their ratio, in local mode on 2 cores; rows per second per core for Spark
scoring).

Each side computes the point-in-time features of every request from the territory's
Parquet tables, writes them, then scores them with the registered models (route, risk,
band, reasons) and writes the answers. The models are the last training benchmark's
(`benchmarks.serving.ensure_registry`, alias challenger). Peak memory is the driver
process's only: Spark's JVM and its Python workers are other processes.
"""

from __future__ import annotations

from benchmarks.harness import Measurement, measure

_COMMON = """
import os, shutil, tempfile, time
from pathlib import Path
from benchmarks.serving import ALIAS, ensure_registry
from benchmarks.territory import {territory}
from training.batch_scoring import registered_models
from training.tracking import configure
os.environ.pop("MLFLOW_TRACKING_URI", None)
configure(ensure_registry())
models = registered_models(ALIAS)
territory = {territory}()
out = Path(tempfile.mkdtemp(prefix="bench-spark-"))
"""

_SINGLE = """
from features.build import batch_features
from features.tables import read_tables
from training.batch_scoring import score_frame
started = time.perf_counter()
tables = read_tables(territory, ("households", "requests", "accompaniment_events"))
frame = batch_features(tables)
frame.to_parquet(out / "features.parquet", index=False)
featured = time.perf_counter()
scored = score_frame(frame, models)
scored.to_parquet(out / "scored.parquet", index=False)
done = time.perf_counter()
shutil.rmtree(out)
EXTRA = {"rows": len(scored), "features_seconds": round(featured - started, 1),
         "scoring_seconds": round(done - featured, 1),
         "pipeline_seconds": round(done - started, 1),
         "scoring_rows_per_second": int(len(scored) / (done - featured))}
"""

_SPARK = """
from features.spark import read_feature_tables, session, spark_features
from training.spark_scoring import score_spark
begun = time.perf_counter()
spark = session("local[{cores}]", "aiguillage-bench", {{"spark.driver.memory": "6g",
                "spark.sql.shuffle.partitions": "{partitions}",
                "spark.ui.showConsoleProgress": "false"}})
started = time.perf_counter()
spark_features(read_feature_tables(spark, territory)).write.parquet(str(out / "features"))
featured = time.perf_counter()
score_spark(spark.read.parquet(str(out / "features")), models).write.parquet(str(out / "scored"))
done = time.perf_counter()
rows = spark.read.parquet(str(out / "scored")).count()
spark.stop()
shutil.rmtree(out)
EXTRA = {{"rows": rows, "session_start_seconds": round(started - begun, 1),
         "features_seconds": round(featured - started, 1),
         "scoring_seconds": round(done - featured, 1),
         "pipeline_seconds": round(done - started, 1),
         "scoring_rows_per_second_per_core": int(rows / (done - featured) / {cores})}}
"""


def run(quick: bool = False) -> list[Measurement]:
    territory = "demo_territory" if quick else "territory_1m"
    size = "demo territory" if quick else "1M requests"
    common = _COMMON.format(territory=territory)
    single = measure(f"single machine: features + scoring, {size}", common + _SINGLE)
    spark = measure(
        f"Spark local[2]: features + scoring, {size}",
        common + _SPARK.format(cores=2, partitions=8),
    )
    spark.extra["spark_over_single_machine"] = round(
        spark.extra["pipeline_seconds"] / single.extra["pipeline_seconds"], 2
    )
    return [single, spark]
