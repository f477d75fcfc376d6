"""Batch scoring on Apache Spark with the registered models.

The router's probabilities and the calibrated risk come from the registered versions
through ``mlflow.pyfunc.spark_udf`` (the same pyfunc models the single-machine engine
loads); each batch then gets its explanations (TreeSHAP contributions of the risk model's
booster, the estimator broadcast once to the workers) and its answers from
``training.batch_scoring.answers``. The answers equal the single-machine engine's.

pyspark is imported lazily (through ``features.spark``); serving never imports this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from features.build import KEY_COLUMNS
from features.registry import BY_NAME
from features.spark import require_pyspark, to_feature_frame
from training.batch_scoring import RegisteredModels, answers, load_explainer
from training.risk import RISK_FEATURES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_ROUTER = "_router_probabilities"
_RISK = "_risk_probabilities"


def answer_schema(models: RegisteredModels):
    """The Spark schema of ``answers``' frame."""
    require_pyspark()
    from pyspark.sql import types as st

    reason = st.StructType(
        [
            st.StructField("feature", st.StringType()),
            st.StructField("contribution", st.DoubleType()),
            st.StructField("text", st.StringType()),
        ]
    )
    fields = [
        st.StructField("service_request_id", st.StringType()),
        st.StructField("household_id", st.StringType()),
        st.StructField("requested_datetime", st.TimestampNTZType()),
        st.StructField("service", st.StringType()),
        st.StructField("abstained", st.BooleanType()),
        st.StructField("confidence", st.DoubleType()),
        *(st.StructField(name, st.DoubleType()) for name in models.probability_columns),
        st.StructField("risk", st.DoubleType()),
        st.StructField("band", st.StringType()),
        st.StructField("urgent", st.BooleanType()),
        st.StructField("reasons", st.ArrayType(reason)),
        st.StructField("router_version", st.StringType()),
        st.StructField("risk_version", st.StringType()),
    ]
    return st.StructType(fields)


def _model_input(name: str):
    """A feature column as the model signatures take it: booleans as doubles."""
    from pyspark.sql import functions as sf

    if BY_NAME[name].kind == "boolean":
        return sf.col(name).cast("double").alias(name)
    return sf.col(name)


def _explain(
    models: RegisteredModels, explainer, batches: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:  # runs in a Spark worker
    fitted = explainer.value
    for batch in batches:
        frame = to_feature_frame(batch)
        probabilities = np.array(frame[_ROUTER].tolist(), dtype=np.float64)
        risk = np.array([p[1] for p in frame[_RISK].tolist()], dtype=np.float64)
        contributions = fitted.contributions(frame)
        yield answers(frame, probabilities, risk, contributions, models)


def score_spark(features: DataFrame, models: RegisteredModels) -> DataFrame:
    """Answers for every row of a Spark feature frame (lazily: nothing runs until the
    frame is written or collected)."""
    require_pyspark()
    import mlflow
    from pyspark.sql import functions as sf
    from pyspark.sql import types as st

    spark = features.sparkSession
    probabilities = st.ArrayType(st.DoubleType())
    router = mlflow.pyfunc.spark_udf(
        spark, models.router_uri, result_type=probabilities, env_manager="local"
    )
    risk = mlflow.pyfunc.spark_udf(
        spark, models.risk_uri, result_type=probabilities, env_manager="local"
    )
    explainer = spark.sparkContext.broadcast(load_explainer(models))
    scored = features.select(
        *KEY_COLUMNS,
        *models.inputs,
        router(sf.struct(*(_model_input(n) for n in models.router_features))).alias(_ROUTER),
        risk(sf.struct(*(_model_input(n) for n in RISK_FEATURES))).alias(_RISK),
    )
    return scored.mapInPandas(partial(_explain, models, explainer), schema=answer_schema(models))
