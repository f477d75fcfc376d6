"""Batch scoring: on Spark (mlflow.pyfunc.spark_udf, local mode) the answers equal the
single-machine engine's, which equal the online service's, on the same rows."""

from __future__ import annotations

import mlflow
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from aiguillage import app

# Shares the serving tests' worker: their trained registry (registry_uri) and one JVM.
pytestmark = pytest.mark.xdist_group("serving")
runner = CliRunner()
PERIOD = ["--from", "2025-09-01", "--to", "2025-11-01"]
FLOATS = ("confidence", "risk")


@pytest.fixture(scope="module")
def scored(registry_uri, small_territory_dir, spark, tmp_path_factory):
    """`score batch` on both engines, features computed from the tables by each engine."""
    out = tmp_path_factory.mktemp("scored")
    frames = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", registry_uri)
        for engine in ("pandas", "spark"):
            path = out / f"{engine}.parquet"
            result = runner.invoke(
                app,
                ["score", "batch", "--data", str(small_territory_dir), *PERIOD,
                 "--engine", engine, "--master", "local[2]", "--out", str(path)],
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            frame = pd.read_parquet(path).sort_values("service_request_id", kind="stable")
            frames[engine] = frame.reset_index(drop=True)
    return frames


def test_spark_answers_equal_single_machine_answers(scored):
    here, spark = scored["pandas"], scored["spark"]
    assert list(spark.columns) == list(here.columns)
    assert 300 < len(here) == len(spark)
    probabilities = [c for c in here.columns if c.startswith("p_")]
    for column in here.columns:
        if column in (*FLOATS, *probabilities):
            np.testing.assert_allclose(spark[column], here[column], rtol=1e-9, atol=1e-12)
        elif column == "reasons":
            for mine, theirs in zip(spark[column], here[column], strict=True):
                assert [r["text"] for r in mine] == [r["text"] for r in theirs]
                np.testing.assert_allclose(
                    [r["contribution"] for r in mine], [r["contribution"] for r in theirs]
                )
        else:
            assert spark[column].astype(object).tolist() == here[column].astype(object).tolist()


def test_the_answers_are_answers(scored):
    """Not a vacuous equality: routes, abstentions, bands and reasons all occur."""
    here = scored["pandas"]
    probabilities = here[[c for c in here.columns if c.startswith("p_")]].to_numpy()
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    assert 0 < here["abstained"].mean() < 0.5
    assert (here.loc[here["abstained"], "service"] == "accueil_general").all()
    assert here["band"].nunique() >= 3 and here["risk"].between(0, 1).all()
    assert here["reasons"].map(len).min() >= 1
    first = here["reasons"].iloc[0][0]
    assert set(first) == {"feature", "contribution", "text"} and first["text"]


def test_batch_answers_equal_the_online_service_answers(scored, registry_uri, small_territory_dir):
    """The same rows scored by the service's models (serving.models) give the same risk,
    contributions and route."""
    from mlflow import MlflowClient

    from features.build import batch_features, model_inputs
    from features.decisions import route
    from features.tables import read_tables
    from serving.models import load_risk, load_router
    from training.risk import ENCODED_FEATURES

    tables = read_tables(small_territory_dir, ("households", "requests", "accompaniment_events"))
    frame = batch_features(tables, pd.Timestamp(PERIOD[1]), pd.Timestamp(PERIOD[3]))
    frame = frame.sort_values("service_request_id", kind="stable").reset_index(drop=True)
    mlflow.set_tracking_uri(registry_uri)
    client = MlflowClient(registry_uri)
    risk_model, router = load_risk(client, "champion"), load_router(client, "champion")
    risk, contributions = risk_model.score(frame)
    here = scored["pandas"]
    np.testing.assert_allclose(here["risk"], risk, rtol=1e-9)
    top = [ENCODED_FEATURES[i] for i in np.abs(contributions[:, :-1]).argmax(axis=1)]
    assert here["reasons"].map(lambda r: r[0]["feature"]).tolist() == top
    routes = route(
        router.predict_proba(model_inputs(frame, router.features)), router.classes,
        router.thresholds,
    )  # fmt: skip
    assert here["service"].tolist() == [r.service for r in routes]


def test_a_feature_file_scores_like_the_tables(scored, registry_uri, small_territory_dir, tmp_path):
    """`score batch --features` on a frame written by `features build --engine spark`."""
    features = tmp_path / "features.parquet"
    build = ["features", "build", "--data", str(small_territory_dir), *PERIOD]
    assert runner.invoke(app, [*build, "--out", str(features), "--engine", "spark"]).exit_code == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", registry_uri)
        out = tmp_path / "scored.parquet"
        result = runner.invoke(
            app, ["score", "batch", "--features", str(features), "--out", str(out)]
        )
    assert result.exit_code == 0, result.output
    got = pd.read_parquet(out).sort_values("service_request_id", kind="stable")
    expected = scored["pandas"]
    np.testing.assert_allclose(got["risk"], expected["risk"], rtol=1e-9)
    assert got["band"].tolist() == expected["band"].tolist()
