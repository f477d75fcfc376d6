"""Features on Spark (local mode, two cores) equal the single-machine frame, row for row."""

from __future__ import annotations

import datetime as dt
import sys

import pandas as pd
import pytest
from typer.testing import CliRunner

from aiguillage import app
from features.build import batch_features
from features.spark import read_feature_tables, spark_features, to_feature_frame

# The Spark tests share one JVM and, for scoring, the trained registry of the serving tests.
pytestmark = pytest.mark.xdist_group("serving")
runner = CliRunner()
FEATURE_TABLES = ("households", "requests", "accompaniment_events")


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("service_request_id", kind="stable").reset_index(drop=True)


@pytest.fixture(scope="module")
def tables(small_territory_dir):
    from features.tables import read_tables

    return read_tables(small_territory_dir, FEATURE_TABLES)


def test_the_spark_frame_equals_the_single_machine_frame(spark, small_territory_dir, tables):
    # Three groups of about 1,300 households each: histories must not leak between groups.
    frame = spark_features(read_feature_tables(spark, small_territory_dir), groups=3)
    on_spark = sorted_rows(to_feature_frame(frame.toPandas()))
    expected = sorted_rows(batch_features(tables))
    assert len(expected) == len(tables["requests"])
    pd.testing.assert_frame_equal(on_spark, expected, check_exact=True)


def test_features_build_on_spark_writes_the_same_rows_for_a_period(small_territory_dir, tmp_path):
    period = ["--from", "2025-03-01", "--to", "2025-05-01"]
    common = ["features", "build", "--data", str(small_territory_dir), *period]
    on_spark = tmp_path / "spark.parquet"
    result = runner.invoke(
        app, [*common, "--out", str(on_spark), "--engine", "spark", "--master", "local[2]"]
    )
    assert result.exit_code == 0, result.output
    assert on_spark.is_dir()  # Spark writes a folder of Parquet files
    here = tmp_path / "pandas.parquet"
    assert runner.invoke(app, [*common, "--out", str(here)]).exit_code == 0
    expected = sorted_rows(pd.read_parquet(here))
    got = sorted_rows(to_feature_frame(pd.read_parquet(on_spark)))
    assert 0 < len(expected) < 2_000
    times = expected["requested_datetime"]
    assert times.min() >= dt.datetime(2025, 3, 1) and times.max() < dt.datetime(2025, 5, 1)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_without_pyspark_the_spark_engine_says_how_to_install_it(
    small_territory_dir, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # what `import pyspark` finds: nothing
    result = runner.invoke(
        app,
        ["features", "build", "--data", str(small_territory_dir), "--engine", "spark",
         "--out", str(tmp_path / "features.parquet")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "pip install 'aiguillage[spark]'" in result.output
    assert not (tmp_path / "features.parquet").exists()
