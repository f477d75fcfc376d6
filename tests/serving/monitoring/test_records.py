"""Monitoring rows on both store backends (SQLite, and PostgreSQL when a server answers):
runs, alerts opened once and resolved by a later pass, gauges read from the latest run."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from tests.serving.test_store import store, store_url  # noqa: F401 (fixtures)

pytestmark = pytest.mark.xdist_group("serving")


def run_row(run_id: str, status: str, minutes_ago: float = 0.0) -> dict:
    from serving.store import utcnow

    now = utcnow() - dt.timedelta(minutes=minutes_ago)
    return {
        "run_id": run_id,
        "created_at": now,
        "since": now - dt.timedelta(days=7),
        "until": now,
        "status": status,
        "checks": {"data_drift": status},
        "rows": 100,
        "drift_share": 0.1 if status == "fail" else 0.0,
        "abstention_rate": 0.05,
        "override_rate": None,
        "router_version": "1",
        "risk_version": "1",
        "report_dir": "nowhere",
    }


def test_alerts_open_once_and_resolve_when_the_check_passes_again(store):  # noqa: F811
    from serving.monitoring.records import open_alerts, run, runs, save_run

    save_run(store, run_row("a", "fail", 20), {"data_drift": "Dérive."}, [])
    save_run(store, run_row("b", "fail", 10), {"data_drift": "Dérive."}, [])  # same alert
    assert [a["run_id"] for a in open_alerts(store)] == ["a"]
    save_run(store, run_row("c", "pass"), {}, ["data_drift"])
    assert open_alerts(store) == []
    assert [r["run_id"] for r in runs(store)] == ["c", "b", "a"]
    assert run(store, "b")["checks"] == {"data_drift": "fail"}


def test_gauges_read_the_latest_run(store):  # noqa: F811
    from prometheus_client import CollectorRegistry, generate_latest

    from serving.monitoring.gauges import register_gauges
    from serving.monitoring.records import save_run

    registry = CollectorRegistry()
    register_gauges(registry, store)
    before = generate_latest(registry).decode()
    assert "aiguillage_monitoring_drift_share NaN" in before
    save_run(store, run_row("a", "fail", 5), {"data_drift": "Dérive."}, [])
    registry = CollectorRegistry()  # a fresh reader: the first one caches for 10 s
    register_gauges(registry, store)
    values = {
        line.split()[0]: float(line.split()[1])
        for line in generate_latest(registry).decode().splitlines()
        if line.startswith("aiguillage_monitoring_")
    }
    assert values["aiguillage_monitoring_drift_share"] == pytest.approx(0.1)
    assert values["aiguillage_monitoring_open_alerts"] == 1.0
    assert 290 <= values["aiguillage_monitoring_seconds_since_last_run"] < 400
    assert math.isnan(values["aiguillage_monitoring_override_rate"])
