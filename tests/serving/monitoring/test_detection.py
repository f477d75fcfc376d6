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


def test_outcomes_and_decisions_give_their_checks_a_verdict(
    week_copy, monitor_settings, week, territory_tables
):
    """With the 91 days after the week on record, the risk model is judged on its AUC and
    calibration; with social workers overriding half the routes in the console, the
    override check raises an alert."""
    import datetime as dt

    import pandas as pd

    from serving.monitoring.run import run_monitor
    from serving.reviews import OVERRIDE, Decision, review_row, save_review
    from serving.security import Principal, Role
    from serving.store import utcnow

    folder = week_copy(None)
    store = open_store(folder / "aiguillage.db")
    events = territory_tables["accompaniment_events"]
    later = events[events["recorded_at"] >= pd.Timestamp(week[1])]
    store.add_events(later.astype(object).where(later.notna(), None).to_dict("records"))
    worker = Principal("reviewer", Role.social_worker, "nord")
    for i, request_id in enumerate(_scored_ids(store)[:40]):
        prediction = store.request(request_id)
        other = "logement" if prediction["routed_service"] != "logement" else "action_sociale"
        decision = (
            Decision("accept") if i % 2 else Decision(OVERRIDE, other, None, "service_inadapte")
        )
        save_review(store.engine, worker, review_row(worker, request_id, prediction, decision))

    until = utcnow() + dt.timedelta(minutes=1)  # decisions are counted by when they were taken
    result = run_monitor(store, monitor_settings(folder), week[0], until, render=False)
    risk = result.check("risk_performance")
    assert risk.status == "pass" and risk.figures["rows"] >= 80, risk.figures
    assert 0.05 < risk.figures["crisis_rate"] < 0.4
    overrides = result.check("overrides")
    assert overrides.status == "fail"
    assert overrides.figures["route_override_rate"] == pytest.approx(0.5)
    assert overrides.figures["band_override_rate"] == 0.0


def _scored_ids(store) -> list[str]:
    from sqlalchemy import select

    from serving import db

    with store.engine.connect() as connection:
        return list(connection.execute(select(db.predictions.c.service_request_id)).scalars())
