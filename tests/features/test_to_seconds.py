"""Times as seconds: a household's few datetimes (plain arithmetic) and a territory's
(pandas) give numpy's datetime64[s] values, NEVER for a missing time."""

from __future__ import annotations

import datetime as dt

import numpy as np

from features.history import NEVER, SMALL, to_seconds


def _numpy_reference(values) -> np.ndarray:
    array = np.array(
        [np.datetime64("NaT") if v is None else np.datetime64(v) for v in values],
        dtype="datetime64[s]",
    )
    return np.where(np.isnat(array), NEVER, array.astype(np.int64))


def test_few_and_many_datetimes_give_numpys_seconds():
    rng = np.random.default_rng(3)
    start = dt.datetime(1990, 1, 1)
    values = [
        None if rng.random() < 0.2 else start + dt.timedelta(microseconds=int(m))
        for m in rng.integers(0, 60 * 365 * 86_400 * 10**6, 3 * SMALL)
    ]
    values[0] = dt.datetime(2024, 3, 1, 10, 0, 0, 999_999)  # truncated, not rounded
    few, many = values[: SMALL - 1], values
    assert np.array_equal(to_seconds(tuple(few)), _numpy_reference(few))
    assert np.array_equal(to_seconds(tuple(many)), _numpy_reference(many))
    assert to_seconds(tuple(few))[0] == 1_709_287_200
    assert (to_seconds(tuple(few)) == NEVER).any()
