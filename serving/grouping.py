"""Scoring calls that arrive together are scored together.

Scoring is CPU-bound Python: threads of one process only fight over the GIL (and over
SQLite's writer lock), so each worker process scores one group at a time (use one worker
process per core: `serve up --workers`). The calls that arrive while a group is being
scored wait; the next group takes all of them, up to ``max_requests`` requests: one read of
the history, one pass through the models and one commit for the lot (a group commit). An
idle service scores a lone call at once; a busy one spends its fixed costs once per group
rather than once per call.

Groups are scored on the event loop itself, not in a thread. Worker processes share the
listening socket, and a connection goes to whichever event loop accepts it first: a busy
worker whose loop stayed free (its scoring in a thread) kept accepting calls it could not
start, while another worker idled, and a worker finding several connections pending took
them all. With the loop busy while it scores, only free workers accept: 1,000-request
batches from 4 clients went from 3,100-5,400 requests/s (as connections happened to
spread) to 6,100-6,800 on 2 workers, both busy. A worker's /health waits for the group in
hand (a 1,000-request batch is about a quarter of a second); the hop to a thread and back
also cost about 0.4 ms per group.

Every call still gets its own answers or its own error, and each request is committed
before its answer is sent.
"""

from __future__ import annotations

import asyncio
from collections import deque

from serving.intake import Intake, Submission


class GroupScorer:
    def __init__(self, intake: Intake, max_requests: int = 256, on_group=None):
        self.intake = intake
        self.max_requests = max_requests
        self.on_group = on_group  # called with each group's number of requests
        self._waiting: deque[tuple[Submission, asyncio.Future]] = deque()
        self._draining = False
        self._task: asyncio.Task | None = None  # held: the loop keeps only weak references

    async def submit(self, submission: Submission) -> list[dict]:
        """The answers to one call's requests, scored with whatever calls wait with it."""
        future = asyncio.get_running_loop().create_future()
        self._waiting.append((submission, future))
        if not self._draining:
            self._draining = True
            self._task = asyncio.get_running_loop().create_task(self._drain())
        return await future

    def _next_group(self) -> list[tuple[Submission, asyncio.Future]]:
        group = [self._waiting.popleft()]
        size = len(group[0][0].requests)
        while self._waiting and size + len(self._waiting[0][0].requests) <= self.max_requests:
            size += len(self._waiting[0][0].requests)
            group.append(self._waiting.popleft())
        return group

    async def _drain(self) -> None:
        try:
            while self._waiting:
                await asyncio.sleep(0)  # the calls already read join this group
                group = self._next_group()
                submissions = [s for s, _ in group]
                size = sum(len(s.requests) for s in submissions)
                try:
                    outcomes = self.intake.triage_together(submissions)  # on the loop (docstring)
                except Exception as error:  # e.g. the store is down: every caller hears it
                    outcomes = [error] * len(group)
                if self.on_group is not None:
                    self.on_group(size)
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    if future.done():  # the caller went away; its requests are stored
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self._draining = False
