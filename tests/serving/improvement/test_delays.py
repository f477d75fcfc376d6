"""Delays, late shares, backlog, reassignment cost and complaints, checked against plain
pandas over the raw requests table and against the generator's own mechanisms."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from serving.improvement import delays

DAY = pd.Timedelta(days=1)


def test_volumes_and_medians_per_service_match_plain_pandas(small_cases, small_requests):
    table = delays.delay_table(small_cases, "service").set_index("service")
    raw = small_requests
    assert table["requests"].sum() == len(raw)
    assert table["requests"].to_dict() == raw["service_code"].value_counts().to_dict()
    first = (raw["first_response_datetime"] - raw["requested_datetime"]) / DAY
    closing = (raw["closed_datetime"] - raw["requested_datetime"]) / DAY
    expected_first = first.groupby(raw["service_code"]).median()
    expected_p90 = closing.groupby(raw["service_code"]).quantile(0.9)
    pd.testing.assert_series_equal(
        table["first_response_median_days"], expected_first, check_names=False
    )
    pd.testing.assert_series_equal(table["closing_p90_days"], expected_p90, check_names=False)
    reassigned = (raw["reassignment_count"] > 0).groupby(raw["service_code"]).mean()
    pd.testing.assert_series_equal(table["reassigned_share"], reassigned, check_names=False)


def test_late_share_follows_the_deadline(small_cases, small_requests):
    raw = small_requests
    horizon = small_cases.horizon
    answered = raw["first_response_datetime"].fillna(raw["closed_datetime"])
    late = np.where(
        answered.notna(), answered > raw["expected_datetime"], horizon > raw["expected_datetime"]
    )
    expected = pd.Series(late, index=raw.index).groupby(raw["channel"]).mean()
    table = delays.delay_table(small_cases, "channel").set_index("channel")
    pd.testing.assert_series_equal(table["late_share"], expected, check_names=False)
    assert 0 < table["late_share"].min() < table["late_share"].max() < 1


def test_small_groups_show_no_delay(small_cases):
    frame = small_cases.frame.assign(motive=small_cases.frame["motive"].astype("str"))
    frame.loc[frame.index[:3], "motive"] = "motif_rare"
    table = delays.delay_table(replace(small_cases, frame=frame), "motive").set_index("motive")
    assert table.loc["motif_rare", "requests"] == 3
    assert table.loc[["motif_rare"]].drop(columns=["requests", "open"]).isna().all(axis=None)
    assert table.drop(index="motif_rare")["first_response_median_days"].notna().all()


def test_backlog_counts_the_requests_open_at_each_month_end(small_cases, small_requests):
    backlog = delays.backlog(small_cases)
    raw = small_requests
    service = raw["service_code"].value_counts().index[0]
    mine = raw[raw["service_code"] == service]
    series = backlog[backlog["service"] == service].set_index("month")["backlog"]
    for month in ("2023-03", "2024-08", series.index[-1]):
        end = pd.Period(month, "M").end_time
        still_open = (mine["requested_datetime"] <= end) & ~(mine["closed_datetime"] <= end)
        assert series[month] == still_open.sum() > 0


def test_reassignment_cost_recovers_the_generators_delay(small_cases):
    """The generator adds a lognormal(log 3 days, 0.6) delay per reassignment to the first
    response (features/synth/requests.py): its mean is 3 exp(0.18) days."""
    cost = delays.reassignment_cost(small_cases)
    truth = 3.0 * np.exp(0.6**2 / 2)
    assert cost.reassigned > 1_000
    assert abs(cost.days - truth) < 3 * cost.standard_error
    assert cost.standard_error < 0.5
    assert set(cost.per_service["service"]) == set(small_cases.frame["service"])


def test_reassignment_cost_is_nil_when_reassignments_are_shuffled(small_cases):
    """Shuffled within each service and month, reassignments no longer delay anything."""
    frame = small_cases.frame.copy()
    rng = np.random.default_rng(3)
    frame["reassignments"] = frame.groupby(["service", "month"])["reassignments"].transform(
        lambda s: rng.permutation(s.to_numpy())
    )
    cost = delays.reassignment_cost(replace(small_cases, frame=frame))
    assert abs(cost.days) < 3 * cost.standard_error


def test_complaints_grow_with_the_wait(small_cases, small_requests):
    table = delays.complaints_by_wait(small_cases)
    assert table["requests"].sum() == small_cases.frame["answer_days"].notna().sum()
    assert (
        table["complaints"].sum()
        == small_requests["complaint"].sum()
        - (
            small_requests["complaint"]
            & small_requests["first_response_datetime"].isna()
            & small_requests["closed_datetime"].isna()
        ).sum()
    )
    shares = table["complaint_share"].to_numpy()
    assert shares[-1] > 5 * shares[0]
    assert np.all(np.diff(shares[1:]) > 0)


def test_an_export_without_reassignments_or_complaints_says_so(small_cases):
    frame = small_cases.frame.assign(reassignments=0, complaint=False, initial_service=None)
    export = replace(small_cases, frame=frame, has_reassignments=False, has_complaints=False)
    assert delays.reassignment_cost(export) is None
    assert delays.complaints_by_wait(export) is None
    table = delays.delay_table(export, "service")
    assert table[["reassigned_share", "complaint_share"]].isna().all(axis=None)


@pytest.mark.parametrize("dimension", delays.DIMENSIONS)
def test_every_dimension_covers_every_request(small_cases, dimension):
    table = delays.delay_table(small_cases, dimension)
    assert table["requests"].sum() == len(small_cases.frame)
    assert table[dimension].is_unique
