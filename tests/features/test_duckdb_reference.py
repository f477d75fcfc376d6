"""An independent SQL implementation (DuckDB) of the history features agrees with ours."""

from __future__ import annotations

import numpy as np

from benchmarks.duckdb_reference import duckdb_features
from features.build import batch_features


def test_duckdb_sql_and_numpy_pipeline_agree_on_every_history_feature(small_territory):
    tables = small_territory.tables()
    ours = batch_features(tables).set_index("service_request_id").sort_index()
    reference = duckdb_features(tables).set_index("service_request_id").sort_index()
    assert len(reference.columns) >= 60
    assert ours.index.equals(reference.index)
    for column in reference.columns:
        a = ours[column].astype(float).to_numpy()
        b = reference[column].astype(float).to_numpy()
        same = np.isclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)
        assert same.all(), (column, a[~same][:5], b[~same][:5])
