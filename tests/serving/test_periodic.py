"""The background cadence shared by the model poller and the monitoring schedule."""

from __future__ import annotations

import logging
import threading
import time

from serving.periodic import Periodic


def test_a_failing_call_is_logged_by_its_kind_and_tried_again(caplog):
    calls = []
    third = threading.Event()

    def work():
        calls.append(len(calls))
        if len(calls) == 3:
            third.set()
        if len(calls) == 1:
            raise ValueError("household h_123 broke it")  # text that must not be logged

    periodic = Periodic("test work", work, 0.01, logging.getLogger("t"), first_at_once=True)
    with caplog.at_level(logging.WARNING, logger="t"):
        periodic.start()
        assert third.wait(5)
        periodic.stop()
    assert len(calls) >= 3
    (failure,) = [r for r in caplog.records if r.getMessage() == "test work failed"]
    assert failure.error == "ValueError" and "h_123" not in str(failure.__dict__)
    stopped_at = len(calls)
    time.sleep(0.1)  # ten intervals: a running loop would have called again
    assert not periodic._thread.is_alive() and len(calls) == stopped_at


def test_without_first_at_once_nothing_runs_before_an_interval():
    calls = []
    periodic = Periodic("late", lambda: calls.append(1), 30.0, logging.getLogger("t"))
    periodic.start()
    periodic.stop()  # within the first interval
    assert calls == [] and not periodic._thread.is_alive()
