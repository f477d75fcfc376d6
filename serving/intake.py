"""Taking requests in: resolve the household, store the request, compute its features from
the store, score it, and keep the prediction, in one transaction per call.

A request accepted is a request stored: if scoring fails, the request is still stored,
routed to the general desk and marked unscored.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import uuid6
from sqlalchemy.exc import IntegrityError

from features.build import LiveRequest
from features.decisions import BAND_DEADLINE_HOURS
from features.pseudonym import pseudonymise
from features.signals import READING_VERSION
from features.vocabulary import GENERAL_DESK, GENERAL_DESK_LABEL, SERVICE_LABELS
from serving.models import ModelHolder, ModelSet
from serving.schemas import (
    HouseholdReference,
    ModelVersions,
    ReasonOut,
    RouteOut,
    Suggestion,
    TriageAnswer,
    TriageRequest,
    as_local_aware,
    local_now,
)
from serving.scoring import Answer, score
from serving.security import Principal, audit_rows
from serving.store import Store, utcnow

log = logging.getLogger("aiguillage.intake")


class UnknownHouseholdError(ValueError):
    """Strict mode: some requests name households the store does not know."""

    def __init__(self, positions: list[int]):
        super().__init__("unknown household")
        self.positions = positions


class IdempotencyConflictError(ValueError):
    """An Idempotency-Key reused with a different body."""


def new_request_id() -> str:
    """A request id that sorts in time order (UUIDv7, hex): the requests stored by a call
    land on the last pages of every index keyed by request (requests, predictions, text
    readings), where random ids touched one page per request in each."""
    return uuid6.uuid7().hex


def service_label(code: str) -> str:
    return GENERAL_DESK_LABEL if code == GENERAL_DESK else SERVICE_LABELS.get(code, code)


def _plain(value):
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def answer_payload(request_id: str, row: dict, answer: Answer) -> dict:
    """The answer as the API gives it (a ``TriageAnswer``), in plain values ready for JSON:
    validating it would give back the same values and JSON (tested on real answers), so
    it is not validated on the hot path, where validating and dumping 1,000 answers cost
    four times their serialisation. The stored prediction reuses its parts."""
    r = answer.route
    return {
        "request_id": request_id,
        "household_id": row["household_id"],
        "received_at": as_local_aware(row["requested_datetime"]),
        "route": {
            "service": r.service,
            "label": service_label(r.service),
            "abstained": r.abstained,
            "confidence": r.confidence if r.suggestions else None,
            "suggestions": [
                {"service": s, "label": service_label(s), "probability": p}
                for s, p in r.suggestions
            ],
        },
        "risk": answer.risk,
        "band": answer.band,
        "band_deadline_hours": BAND_DEADLINE_HOURS.get(answer.band) if answer.band else None,
        "urgent": answer.urgent,
        "reasons": [
            {
                "feature": x.feature,
                "value": _plain(x.value),
                "contribution": x.contribution,
                "direction": x.direction,
                "text": x.text,
            }
            for x in answer.reasons
        ],
        "scored": answer.scored,
        "unscored_reason": answer.unscored_reason,
        "model_versions": {"router": answer.router_version, "risk": answer.risk_version},
    }


def _request_row(request_id: str, household_id: str, request: TriageRequest, source: str):
    received = request.received_at or local_now()
    return {
        "service_request_id": request_id,
        "household_id": household_id,
        "channel": request.channel.value,
        "requested_datetime": received,
        "description": request.description,
        "motive": None,
        "initial_service_code": None,
        "service_code": None,
        "agency_responsible": None,
        "status": "open",
        "assigned_datetime": None,
        "first_response_datetime": None,
        "closed_datetime": None,
        "expected_datetime": None,
        "updated_datetime": received,
        "reassignment_count": 0,
        "complaint": False,
        "source": source,
    }


def _prediction_row(request_id: str, answer: Answer, payload: dict) -> dict:
    """The stored prediction: the answer's route, risk and reasons as given (``payload``)."""
    return {
        "service_request_id": request_id,
        "routed_service": answer.route.service,
        "abstained": answer.route.abstained,
        "confidence": payload["route"]["confidence"],
        "suggestions": payload["route"]["suggestions"],
        "risk": answer.risk,
        "band": answer.band,
        "urgent": answer.urgent,
        "reasons": payload["reasons"],
        "scored": answer.scored,
        "unscored_reason": answer.unscored_reason,
        "router_version": answer.router_version,
        "risk_version": answer.risk_version,
        "created_at": utcnow(),
    }


def body_digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _degraded(models: ModelSet, why: str) -> ModelSet:
    return ModelSet(None, None, {**models.problems, "scoring": why})


@dataclass(frozen=True)
class Submission:
    """One caller's requests, as one call to the API brought them."""

    principal: Principal
    requests: tuple[TriageRequest, ...]
    source: str = "api"
    idempotency_key: str | None = None
    body_hash: str | None = None


@dataclass(frozen=True)
class _Pending:
    position: int  # in the list of submissions
    submission: Submission
    households: list[str]
    rows: list[dict]


def _live(row: dict) -> LiveRequest:
    return LiveRequest(
        household_id=row["household_id"],
        requested_datetime=row["requested_datetime"],
        channel=row["channel"],
        description=row["description"],
        service_request_id=row["service_request_id"],
    )


def _merged(writes) -> tuple[list, ...]:
    """Several submissions' writes as one transaction's."""
    return tuple([item for w in writes for item in w[k]] for k in range(1, len(writes[0])))


def _reading_row(request_id: str, answer: Answer) -> dict:
    return {
        "service_request_id": request_id,
        "needs": answer.text_needs,
        "amount": answer.text_amount,
        "version": READING_VERSION,
    }


@dataclass
class Intake:
    store: Store
    models: ModelHolder
    pseudonym_key: bytes
    strict_households: bool = False

    def household_id(self, reference: HouseholdReference) -> str:
        if reference.household_id is not None:
            return reference.household_id
        return pseudonymise(reference.household_source_id, self.pseudonym_key)

    def _score(self, live: list[LiveRequest], rows: list[dict], models: ModelSet):
        tables = self.store.history_columns(r.household_id for r in live)
        requests = tables["requests"]  # the live requests join their households' history
        for name, column in requests.items():  # live texts are read with the history
            requests[name] = (*column, *(row.get(name) for row in rows))
        try:
            return score(live, tables, models)
        except Exception as error:  # never lose a request: store it unscored
            log.exception("scoring failed", extra={"error": type(error).__name__})
            return score(live, tables, _degraded(models, "erreur interne de notation"))

    def triage(
        self,
        principal: Principal,
        requests: Sequence[TriageRequest],
        source: str = "api",
        idempotency_key: str | None = None,
        body_hash: str | None = None,
    ) -> list[dict]:
        """Store, score and explain one caller's requests (all or none); the answers as
        ``answer_payload`` gives them."""
        submission = Submission(principal, tuple(requests), source, idempotency_key, body_hash)
        (outcome,) = self.triage_together([submission])
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def triage_together(self, submissions: Sequence[Submission]) -> list[list[dict] | Exception]:
        """Several callers' submissions scored together and stored in one transaction (a
        group commit): one read of the households' history, one pass through the models,
        one commit. Each submission gets its own answers, or its own error (an unknown
        household in strict mode, an Idempotency-Key reused with another body)."""
        outcomes: list = [None] * len(submissions)
        pending: list[_Pending] = []
        households = [[self.household_id(r) for r in s.requests] for s in submissions]
        known = (  # strict mode: one look-up for the whole group
            self.store.household_territories({h for ids in households for h in ids})
            if self.strict_households
            else None
        )
        for k, submission in enumerate(submissions):
            try:
                prepared = self._prepare(submission, households[k], known)
            except (UnknownHouseholdError, IdempotencyConflictError) as error:
                outcomes[k] = error
                continue
            if isinstance(prepared, list):  # answered before: the stored answer
                outcomes[k] = prepared
            else:
                pending.append(_Pending(k, submission, *prepared))
        if not pending:
            return outcomes
        rows = [row for p in pending for row in p.rows]
        answers = iter(self._score([_live(row) for row in rows], rows, self.models.current))
        writes = [self._writes(p, [next(answers) for _ in p.rows]) for p in pending]
        try:
            saved = self.store.save_scored_requests(*_merged(writes))
        except IntegrityError:
            if len(pending) == 1:
                raise
            saved = False  # two submissions of the group share an Idempotency-Key
        if saved:
            for p, (answered, *_) in zip(pending, writes, strict=True):
                outcomes[p.position] = answered
            return outcomes
        # An Idempotency-Key was taken meanwhile, by a concurrent call or within the group:
        # each submission on its own, the later ones of a key answered as replays.
        for p, (answered, *write) in zip(pending, writes, strict=True):
            s = p.submission
            if self.store.save_scored_requests(*write):
                outcomes[p.position] = answered
                continue
            try:
                outcomes[p.position] = self.replay(s.principal, s.idempotency_key, s.body_hash)
            except IdempotencyConflictError as error:
                outcomes[p.position] = error
        return outcomes

    def _prepare(self, submission: Submission, households: list[str], known: dict | None):
        """The stored answer of a replayed submission, or its households and request rows.
        ``known`` holds the households the store knows, in strict mode (None otherwise)."""
        s = submission
        if s.idempotency_key is not None:
            stored = self.replay(s.principal, s.idempotency_key, s.body_hash)
            if stored is not None:
                return stored
        if known is not None:
            unknown = [i for i, h in enumerate(households) if h not in known]
            if unknown:
                raise UnknownHouseholdError(unknown)
        rows = [
            _request_row(new_request_id(), h, r, s.source)
            for h, r in zip(households, s.requests, strict=True)
        ]
        return households, rows

    def _writes(self, pending: _Pending, answers: list[Answer]):
        """The answers of one submission, and what storing it writes: request rows,
        predictions, audit rows, the idempotency record and the texts' readings (as
        lists, in the order of Store.save_scored_requests)."""
        s, rows = pending.submission, pending.rows
        ids = [row["service_request_id"] for row in rows]
        out = [answer_payload(i, r, a) for i, r, a in zip(ids, rows, answers, strict=True)]
        for row, answer in zip(rows, answers, strict=True):
            if not answer.route.abstained:
                row["initial_service_code"] = answer.route.service
        predictions = [_prediction_row(i, a, p) for i, a, p in zip(ids, answers, out, strict=True)]
        # The caller reads each household's explained score: that read is audited.
        audit = audit_rows(s.principal, "score", "household", pending.households)
        idempotency = []
        if s.idempotency_key is not None:
            idempotency.append(
                {
                    "key_id": s.principal.key_id,
                    "idempotency_key": s.idempotency_key,
                    "body_sha256": s.body_hash,
                    "status_code": 200,
                    "response": out,  # read back with its times as strings, as JSON has them
                    "created_at": utcnow(),
                }
            )
        readings = [_reading_row(i, a) for i, a in zip(ids, answers, strict=True)]
        return out, rows, predictions, audit, idempotency, readings

    def replay(self, principal: Principal, key: str, body_hash: str | None):
        """The stored answer of an earlier call with the same Idempotency-Key."""
        stored = self.store.idempotent_answer(principal.key_id, key)
        if stored is None:
            return None
        if stored["body_sha256"] != body_hash:
            raise IdempotencyConflictError(key)
        return stored["response"]


def stored_answer(row: dict) -> TriageAnswer | None:
    """The triage answer kept with a stored request (None if it was never scored)."""
    if row.get("routed_service") is None:
        return None
    band = row["band"]
    return TriageAnswer(
        request_id=row["service_request_id"],
        household_id=row["household_id"],
        received_at=row["requested_datetime"],
        route=RouteOut(
            service=row["routed_service"],
            label=service_label(row["routed_service"]),
            abstained=row["abstained"],
            confidence=row["confidence"],
            suggestions=[Suggestion(**s) for s in row["suggestions"]],
        ),
        risk=row["risk"],
        band=band,
        band_deadline_hours=BAND_DEADLINE_HOURS.get(band) if band else None,
        urgent=row["urgent"],
        reasons=[ReasonOut(**x) for x in row["reasons"]],
        scored=row["scored"],
        unscored_reason=row["unscored_reason"],
        model_versions=ModelVersions(router=row["router_version"], risk=row["risk_version"]),
    )
