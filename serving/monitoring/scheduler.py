"""The in-service cadence: a background thread that runs the monitor when the latest run is
older than ``monitor_every_hours``. Several workers may share a store: each looks at the
latest run first, so a run made by one (or by cron) counts for all."""

from __future__ import annotations

import datetime as dt
import logging

from serving.config import Settings
from serving.monitoring.records import last_run_at
from serving.monitoring.run import run_monitor
from serving.periodic import Periodic
from serving.store import Store, utcnow

log = logging.getLogger("aiguillage.monitoring")
LOOK_EVERY_SECONDS = 60.0


class MonitorSchedule:
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings
        self.every = dt.timedelta(hours=settings.monitor_every_hours)
        wait = min(LOOK_EVERY_SECONDS, self.every.total_seconds())
        self._looker = Periodic("monitoring run", self.tick, wait, log, first_at_once=True)

    def due(self) -> bool:
        last = last_run_at(self.store)
        return last is None or utcnow() - last >= self.every

    def tick(self) -> bool:
        """Run the monitor if it is due; True when a run was made."""
        if not self.due():
            return False
        result = run_monitor(self.store, self.settings)
        log.info("monitoring run", extra={"status": result.status, "count": len(result.alerts)})
        return True

    def start(self) -> None:
        if self.settings.monitor_every_hours > 0:
            self._looker.start()

    def stop(self) -> None:
        self._looker.stop()
