"""POST /v1/triage and /v1/triage/batch: store, score and explain residents' requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Response
from pydantic import BaseModel
from pydantic_core import to_json

from serving.api.deps import AUTH_ERRORS, IntakeCaller, State
from serving.intake import (
    IdempotencyConflictError,
    Submission,
    UnknownHouseholdError,
    body_digest,
)
from serving.schemas import TriageAnswer, TriageBatch, TriageBatchAnswer, TriageRequest

router = APIRouter(prefix="/v1", tags=["triage"], responses=AUTH_ERRORS)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Rend les réessais sûrs : même clé, même réponse, une seule demande stockée.",
    ),
]


def _unknown(error: UnknownHouseholdError, prefix: tuple) -> HTTPException:
    """A 422 per unknown household; ``prefix`` is the location of the request list in the
    body (None for a single request)."""
    return HTTPException(
        422,
        [
            {
                "loc": ["body", "household_id"] if prefix is None else [*prefix, i, "household_id"],
                "msg": "unknown household (strict mode)",
                "type": "unknown_household",
            }
            for i in error.positions
        ],
    )


def _conflict() -> HTTPException:
    return HTTPException(
        422,
        [
            {
                "loc": ["header", "Idempotency-Key"],
                "msg": "Idempotency-Key already used with a different body",
                "type": "idempotency_conflict",
            }
        ],
    )


def _json(answer: dict, headers: dict | None = None) -> Response:
    """Answers are built in the response model's own terms (serving.intake.answer_payload):
    serialised once, in pydantic's core, rather than validated and encoded by FastAPI."""
    return Response(to_json(answer), media_type="application/json", headers=headers)


# A batch call keeps one worker process busy for a few hundred milliseconds. The worker
# processes share the listening socket, and a kept-alive connection would pin its client to
# the worker that first accepted it. After a batch the connection is closed: the client's
# next call is accepted by a worker that is free (a busy worker's event loop is scoring and
# accepts nothing; serving.grouping), for the cost of one loopback handshake.
AFTER_BATCH = {"Connection": "close"}


def record(state, answers: list[dict]) -> None:
    for a in answers:
        route = a["route"]
        outcome = "unscored" if not a["scored"] else "abstained" if route["abstained"] else "routed"
        state.metrics.triaged.labels(outcome).inc()


async def run_triage(state, principal, requests, key, body: BaseModel, prefix, source="api"):
    """Triage with the calls waiting alongside (serving.grouping); the body is hashed only
    when an Idempotency-Key asks."""
    digest = body_digest(body.model_dump(mode="json")) if key is not None else None
    try:
        answers = await state.scorer.submit(
            Submission(principal, tuple(requests), source, key, digest)
        )
    except UnknownHouseholdError as error:
        raise _unknown(error, prefix) from None
    except IdempotencyConflictError:
        raise _conflict() from None
    record(state, answers)
    return answers


@router.post("/triage", response_model=TriageAnswer, summary="Trier une demande")
async def triage_one(
    request: TriageRequest, state: State, principal: IntakeCaller, key: IdempotencyKey = None
) -> Response:
    """Store one request, compute its features from the store and answer with its route
    (or the abstention and the top 3), its calibrated risk, band and reasons."""
    answers = await run_triage(state, principal, [request], key, request, None)
    return _json(answers[0])


@router.post("/triage/batch", response_model=TriageBatchAnswer, summary="Trier un lot")
async def triage_batch(
    batch: TriageBatch, state: State, principal: IntakeCaller, key: IdempotencyKey = None
) -> Response:
    """Up to 1,000 requests in one call, stored in one transaction: all or none."""
    limit = state.settings.max_batch
    if len(batch.requests) > limit:
        raise HTTPException(
            422,
            [
                {
                    "loc": ["body", "requests"],
                    "msg": f"at most {limit} requests per batch",
                    "type": "too_long",
                }
            ],
        )
    answers = await run_triage(state, principal, batch.requests, key, batch, ("body", "requests"))
    return _json({"results": answers}, AFTER_BATCH)
