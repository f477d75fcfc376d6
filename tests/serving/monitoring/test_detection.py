"""An unchanged week raises no alert; each shift injected on purpose is caught by the check
made for it, within one week of data, through the real service path."""

from __future__ import annotations

import pytest

from tests.serving.monitoring.scenario import open_store

pytestmark = pytest.mark.xdist_group("serving")

# The shift and the check that must catch it.
DETECTED_BY = {
    "new_motive": "text_drift",
    "channel_online": "data_drift",
    "energy_crisis": "prediction_drift",
    "reorganisation": "router_performance",
}


def _monitor(folder, settings, week):
    from serving.monitoring.run import run_monitor

    store = open_store(folder / "aiguillage.db")
    return run_monitor(store, settings(folder), *week, render=False), store


def test_an_unchanged_week_raises_no_alert(week_copy, monitor_settings, week):
    from serving.monitoring.records import open_alerts, runs

    result, store = _monitor(week_copy(None), monitor_settings, week)
    statuses = {c.name: c.status for c in result.checks}
    # Every check that can judge a week judged it, and found nothing.
    for name in DETECTED_BY.values():
        assert statuses[name] == "pass", (name, result.check(name).figures)
    assert result.status == "pass" and result.alerts == []
    assert not open_alerts(store)
    (row,) = runs(store)
    assert row["status"] == "pass" and row["rows"] == result.check("data_drift").figures["rows"]
    assert row["rows"] >= 80  # a week of the small territory


@pytest.mark.parametrize("kind", sorted(DETECTED_BY))
def test_a_shift_is_caught_by_its_check_within_a_week(kind, week_copy, monitor_settings, week):
    from serving.monitoring.records import open_alerts

    result, store = _monitor(week_copy(kind), monitor_settings, week)
    check = result.check(DETECTED_BY[kind])
    assert check.status == "fail", check.figures
    assert DETECTED_BY[kind] in {a["check_name"] for a in open_alerts(store)}
    if kind == "energy_crisis":
        shares, before = check.figures["route_shares"], check.figures["reference_route_shares"]
        assert shares["energie_precarite"] > before["energie_precarite"] + 0.1
    if kind == "new_motive":
        assert check.figures["unknown_words_shares"].get("4+", 0) > 0.08
    if kind == "reorganisation":
        figures = check.figures
        assert figures["accuracy"] < figures["reference_accuracy"] - 0.05
