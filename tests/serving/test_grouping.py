"""Calls that arrive together are scored together (serving.grouping), and each still gets
its own answers, its own errors and its own stored rows."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from serving.demo import payload
from tests.serving.conftest import HOLDOUT_DAYS

pytestmark = pytest.mark.xdist_group("serving")


@pytest.fixture(scope="module")
def held_out(territory_tables) -> pd.DataFrame:
    from serving.demo import holdout_start

    requests = territory_tables["requests"]
    period = requests[requests["requested_datetime"] >= holdout_start(requests, HOLDOUT_DAYS)]
    return period.sort_values("requested_datetime").head(48)


def _group_sizes(service) -> tuple[float, float]:
    """(groups scored, requests in them) from the service's metrics."""
    metric = service.state.metrics.group_size.collect()[0]
    values = {s.name: s.value for s in metric.samples}
    return values["aiguillage_scoring_group_requests_count"], values[
        "aiguillage_scoring_group_requests_sum"
    ]


def test_concurrent_calls_are_grouped_and_each_gets_its_own_answer(service, held_out):
    rows = list(held_out.itertuples())
    answers: dict[int, dict] = {}
    barrier = threading.Barrier(len(rows))

    def call(i: int) -> None:
        barrier.wait()
        response = service.client.post(
            "/v1/triage", json=payload(rows[i]), headers=service.headers("intake")
        )
        assert response.status_code == 200, response.text
        answers[i] = response.json()

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(rows))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == len(rows)
    groups, requests = _group_sizes(service)
    assert requests == len(rows)
    assert groups < len(rows)  # some calls waited and were scored together
    ids = [a["request_id"] for a in answers.values()]
    assert len(set(ids)) == len(ids)
    for i, answer in answers.items():  # each answer is its own request's, stored once
        stored = service.store.request(answer["request_id"])
        assert stored["household_id"] == rows[i].household_id == answer["household_id"]
        assert stored["description"] == rows[i].description
        assert stored["risk"] == pytest.approx(answer["risk"])
    assert service.store.count("predictions") == len(rows)


def test_one_submission_s_error_is_its_own(service, held_out, monkeypatch):
    """In one group: a good call, an unknown household in strict mode, and two calls
    reusing one Idempotency-Key with different bodies."""
    from serving.intake import (
        IdempotencyConflictError,
        Intake,
        Submission,
        UnknownHouseholdError,
    )
    from serving.schemas import TriageRequest
    from serving.security import Principal, Role

    state = service.state
    strict = Intake(state.store, state.models, state.intake.pseudonym_key, True)
    caller = Principal(key_id="k-intake", role=Role.intake, territory=None)
    good, other = (TriageRequest.model_validate(payload(r)) for r in held_out.head(2).itertuples())
    stranger = good.model_copy(update={"household_id": "h_" + "f" * 20})
    before = state.store.count("requests")
    lookups = []
    territories = state.store.household_territories
    monkeypatch.setattr(
        state.store, "household_territories", lambda ids: lookups.append(ids) or territories(ids)
    )
    outcomes = strict.triage_together(
        [
            Submission(caller, (good,)),
            Submission(caller, (stranger,)),
            Submission(caller, (good,), idempotency_key="same", body_hash="one"),
            Submission(caller, (other,), idempotency_key="same", body_hash="two"),
        ]
    )
    assert isinstance(outcomes[0], list) and outcomes[0][0]["household_id"] == good.household_id
    assert isinstance(outcomes[1], UnknownHouseholdError) and outcomes[1].positions == [0]
    assert isinstance(outcomes[2], list)
    assert isinstance(outcomes[3], IdempotencyConflictError)
    assert state.store.count("requests") == before + 2  # the good one and the keyed one
    assert len(lookups) == 1  # strict mode looks the group's households up at once
    # The keyed answer is the one replayed for its key.
    (replayed,) = strict.triage(caller, [good], idempotency_key="same", body_hash="one")
    assert replayed["request_id"] == outcomes[2][0]["request_id"]


def test_groups_are_scored_on_the_event_loop_even_batches(service, held_out, monkeypatch):
    """Every group is scored on the event loop, a full batch included: a worker busy
    scoring must not accept connections (serving.grouping), so it cannot score in a
    thread while its loop stays free."""
    import asyncio

    seen = []
    intake = service.state.intake
    triage_together = intake.triage_together

    def spy(submissions):
        try:
            asyncio.get_running_loop()
            where = "loop"
        except RuntimeError:
            where = "thread"
        seen.append((where, sum(len(s.requests) for s in submissions)))
        return triage_together(submissions)

    monkeypatch.setattr(intake, "triage_together", spy)
    rows = [payload(r) for r in held_out.itertuples()]
    big = (rows * (1000 // len(rows) + 1))[:1000]
    for batch in (rows[:3], big):
        response = service.client.post(
            "/v1/triage/batch", json={"requests": batch}, headers=service.headers("intake")
        )
        assert response.status_code == 200 and len(response.json()["results"]) == len(batch)
    assert seen == [("loop", 3), ("loop", 1000)]
