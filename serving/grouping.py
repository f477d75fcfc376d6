"""Scoring calls that arrive together are scored together.

Scoring is CPU-bound Python: threads of one process only fight over the GIL (and over
SQLite's writer lock), so each worker process scores one group at a time (use one worker
process per core: `serve up --workers`): small groups on the event loop, large ones in a
thread off it (see INLINE_REQUESTS). The calls that
arrive while a group is being scored wait in a queue; the next group takes all of them,
up to ``max_requests`` requests: one read of the history, one pass through the models and
one commit for the lot (a group commit). An idle service scores a lone call at once; a busy
one spends its fixed costs once per group rather than once per call.

Every call still gets its own answers or its own error, and each request is committed
before its answer is sent.
"""

from __future__ import annotations

import asyncio
from collections import deque

import anyio

from serving.intake import Intake, Submission

SCORING_SLOTS = anyio.CapacityLimiter(1)  # one group scored at a time per process
# Groups up to this many requests are scored on the event loop itself: a few milliseconds
# of work, for which the hop to a thread and back cost about 0.4 ms more (measured), while
# the calls arriving meanwhile wait in the socket buffers either way. Larger groups (batch
# calls) go to a thread, so that /health and /ready still answer while they are scored.
INLINE_REQUESTS = 64


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
                    if size <= INLINE_REQUESTS:
                        outcomes = self.intake.triage_together(submissions)
                    else:
                        outcomes = await anyio.to_thread.run_sync(
                            self.intake.triage_together, submissions, limiter=SCORING_SLOTS
                        )
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
