"""Bottleneck detection: a jump injected into one service's month is found with its
evidence; the same month without the jump is not flagged."""

from __future__ import annotations

from dataclasses import replace

import pytest

from serving.improvement.bottlenecks import BottleneckRule, detect_bottlenecks, flag_months

MONTH = "2024-10"


def _with_jump(cases, service: str, month: str, factor: float):
    frame = cases.frame.copy()
    rows = (frame["service"] == service) & (frame["month"] == month)
    frame.loc[rows, "answer_days"] *= factor
    return replace(cases, frame=frame)


@pytest.fixture(scope="module")
def busiest(small_cases) -> str:
    return small_cases.frame["service"].value_counts().index[0]


def test_an_injected_jump_is_found_with_its_evidence(small_cases, busiest):
    before = detect_bottlenecks(small_cases)
    assert not ((before["service"] == busiest) & (before["first_month"] == MONTH)).any()

    episodes = detect_bottlenecks(_with_jump(small_cases, busiest, MONTH, 4.0))
    found = episodes[(episodes["service"] == busiest) & (episodes["first_month"] == MONTH)]
    assert len(found) == 1
    episode = found.iloc[0]
    frame = small_cases.frame
    in_month = frame[(frame["service"] == busiest) & (frame["month"] == MONTH)]
    assert episode["last_month"] == MONTH and episode["months"] == 1
    assert episode["requests"] == len(in_month)
    assert episode["median_days"] == pytest.approx(4.0 * in_month["answer_days"].median())
    assert episode["ratio"] == pytest.approx(episode["median_days"] / episode["usual_days"])
    assert episode["ratio"] >= BottleneckRule().min_ratio
    assert episode["extra_days"] == pytest.approx(episode["median_days"] - episode["usual_days"])
    assert episode["z"] >= BottleneckRule().min_z


def test_consecutive_jumps_form_one_episode(small_cases, busiest):
    jumped = _with_jump(small_cases, busiest, MONTH, 4.0)
    jumped = _with_jump(jumped, busiest, "2024-11", 4.0)
    episodes = detect_bottlenecks(jumped)
    mine = episodes[(episodes["service"] == busiest) & (episodes["first_month"] == MONTH)]
    assert mine[["last_month", "months"]].values.tolist() == [["2024-11", 2]]


def test_thin_months_are_never_flagged(small_cases):
    rule = BottleneckRule(min_requests=10_000)
    assert detect_bottlenecks(small_cases, rule).empty
    assert not flag_months(small_cases, rule)["jump"].any()
