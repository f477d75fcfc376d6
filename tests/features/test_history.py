"""History building: the paths for a store's column tuples and for sorting give what
pandas' and numpy's general functions give."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from features.history import STRIDE, SortedTimes, codes, floats
from features.vocabulary import SERVICES


def test_sorted_times_break_ties_as_a_lexsort_would():
    rng = np.random.default_rng(7)
    tied = 0
    for n, spread in ((0, 1), (1, 1), (2, 1), (500, 3), (500, 40), (5_000, 10**6)):
        household = rng.integers(0, 20, n)
        time = rng.integers(0, spread, n).astype(np.int64)
        kind = rng.integers(0, 3, n).astype(np.int8)
        amount = rng.random(n).round(1)
        key = household * STRIDE + time
        tied += len(key) - len(np.unique(key))
        for breakers in ((), (kind,), (kind, amount)):
            built, order = SortedTimes.build(household, time, *breakers)
            expected = (
                np.lexsort((*reversed(breakers), key))
                if breakers
                else np.argsort(key, kind="stable")
            )
            assert np.array_equal(order, expected)
            assert np.array_equal(built.key, key[expected])
            assert np.array_equal(built.time, time[expected])
    assert tied > 500  # ties were there to break


def test_codes_of_python_values_equal_pandas_positions():
    values = (*SERVICES, None, float("nan"), "inconnu", "", SERVICES[0].upper()) * 20
    values += (np.str_(SERVICES[1]),)
    expected = pd.Index(SERVICES, dtype=object).get_indexer(np.asarray(values, dtype=object))
    assert (expected == -1).any() and (expected >= 0).any()
    for n in (3, len(values)):  # a household's few rows, a call's many
        got = codes(values[:n], SERVICES)
        assert got.dtype == np.int8 and got.tolist() == expected[:n].tolist()


def test_floats_of_python_values_equal_an_object_arrays():
    values = (1, 2.5, None, True, False, float("nan"), 0, 10**6, -3, -0.0) * 20
    for column in (
        values[:5],  # a household's few rows
        values,  # a call's many
        (*values, Decimal("1.25"), "3.5", 2**53 + 1),  # what Arrow will not convert exactly
    ):
        expected = np.asarray(column, dtype=object).astype(np.float64)
        got = floats(column)
        assert got.dtype == np.float64 and got.flags.writeable
        np.testing.assert_array_equal(got, expected)  # NaN where NaN, -0.0 as 0.0 would be
        assert np.array_equal(np.signbit(got), np.signbit(expected))
    assert np.isnan(floats(values)).sum() == 40
