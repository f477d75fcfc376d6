"""A background thread that calls a function at a fixed interval until stopped: the model
poller and the monitoring cadence. A failing call is logged (its kind only: errors may
quote data) and tried again at the next turn."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable


class Periodic:
    def __init__(
        self,
        name: str,
        work: Callable[[], object],
        seconds: float,
        log: logging.Logger,
        first_at_once: bool = False,
    ):
        self.name = name
        self.work = work
        self.seconds = seconds
        self.log = log
        self.first_at_once = first_at_once  # call at start, or only after a first interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        if not self.first_at_once and self._stop.wait(self.seconds):
            return
        while not self._stop.is_set():
            try:
                self.work()
            except Exception as error:  # the registry or the store may be briefly away
                self.log.warning(f"{self.name} failed", extra={"error": type(error).__name__})
            self._stop.wait(self.seconds)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
