"""Prometheus gauges of monitoring, read from the store's latest run at scrape time, so
that every worker process and a run made by cron report the same figures."""

from __future__ import annotations

import math
import threading
import time

from prometheus_client import CollectorRegistry, Gauge

from serving.monitoring.records import open_alerts, runs
from serving.store import Store, utcnow

CACHE_SECONDS = 10.0
FIGURES = {
    "drift_share": "Share of feature columns drifted in the latest monitoring run.",
    "abstention_rate": "Router abstention rate in the latest monitoring run's window.",
    "override_rate": "Share of reviewed requests whose route was overridden (latest run).",
}


class _Latest:
    """The latest run and the open alerts, re-read at most every CACHE_SECONDS."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._read_at = -math.inf
        self._run: dict | None = None
        self._alerts = 0

    def _refresh(self) -> None:
        with self._lock:
            if time.monotonic() - self._read_at < CACHE_SECONDS:
                return
            latest = runs(self.store, limit=1)
            self._run = latest[0] if latest else None
            self._alerts = len(open_alerts(self.store))
            self._read_at = time.monotonic()

    def figure(self, name: str) -> float:
        self._refresh()
        value = self._run.get(name) if self._run else None
        return math.nan if value is None else float(value)

    def age(self) -> float:
        self._refresh()
        if self._run is None:
            return math.nan
        return (utcnow() - self._run["created_at"]).total_seconds()

    def alerts(self) -> float:
        self._refresh()
        return float(self._alerts)


def register_gauges(registry: CollectorRegistry, store: Store) -> None:
    latest = _Latest(store)
    for name, documentation in FIGURES.items():
        gauge = Gauge(f"aiguillage_monitoring_{name}", documentation, registry=registry)
        gauge.set_function(lambda name=name: latest.figure(name))
    Gauge(
        "aiguillage_monitoring_seconds_since_last_run",
        "Seconds since the latest monitoring run (NaN: never run).",
        registry=registry,
    ).set_function(latest.age)
    Gauge(
        "aiguillage_monitoring_open_alerts",
        "Monitoring alerts not yet resolved by a passing run.",
        registry=registry,
    ).set_function(latest.alerts)
