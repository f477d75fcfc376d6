"""The API's payloads: what intake systems send and what they get back.

Every input model forbids extra fields, so a typo is a 422 naming the field rather than a
silently ignored value. Codes are validated against the domain vocabularies.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from features.contracts import MAX_DESCRIPTION_CHARS
from features.pseudonym import PSEUDONYM_PATTERN
from features.vocabulary import CHANNELS, CRISIS_KINDS, EVENT_KINDS, SERVICES

Channel = enum.StrEnum("Channel", {c: c for c in CHANNELS})
Service = enum.StrEnum("Service", {s: s for s in SERVICES})
EventKind = enum.StrEnum("EventKind", {k: k for k in EVENT_KINDS})
CrisisKind = enum.StrEnum("CrisisKind", {k: k for k in CRISIS_KINDS})

PseudonymousId = Annotated[str, StringConstraints(pattern=PSEUDONYM_PATTERN)]
SourceId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
RequestText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_DESCRIPTION_CHARS),
]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64)]

# The territory's clock: request times are local wall-clock times, as in the training data
# (hour-of-day features must mean the same thing online).
LOCAL_TIME = ZoneInfo("Europe/Paris")
EARLIEST = dt.datetime(2000, 1, 1)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def local_now() -> dt.datetime:
    return dt.datetime.now(LOCAL_TIME).replace(tzinfo=None)


def _local_past_time(value: dt.datetime) -> dt.datetime:
    """Aware times are converted to local time; naive ones are taken as local."""
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TIME).replace(tzinfo=None)
    if value < EARLIEST:
        raise ValueError(f"must not be before {EARLIEST:%Y-%m-%d}")
    if value > local_now() + FUTURE_TOLERANCE:
        raise ValueError("must not be in the future")
    return value


PastTime = Annotated[dt.datetime, AfterValidator(_local_past_time)]


def as_local_aware(value: dt.datetime) -> dt.datetime:
    """Stored (naive, local) times leave with their offset: RFC 3339 date-times."""
    return value.replace(tzinfo=LOCAL_TIME) if value.tzinfo is None else value


LocalTime = Annotated[dt.datetime, AfterValidator(as_local_aware)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HouseholdReference(Strict):
    """A household by its pseudonymous id, or by the source id the intake system knows
    (pseudonymised on arrival, never stored in clear)."""

    household_id: PseudonymousId | None = Field(
        None, description="Identifiant pseudonyme du foyer (h_ suivi de 20 caractères hex)."
    )
    household_source_id: SourceId | None = Field(
        None, description="Identifiant du foyer dans le système source ; pseudonymisé."
    )

    @model_validator(mode="after")
    def _one_reference(self):
        if (self.household_id is None) == (self.household_source_id is None):
            raise ValueError("give exactly one of household_id or household_source_id")
        return self


class TriageRequest(HouseholdReference):
    channel: Channel
    description: RequestText = Field(description="Texte de la demande, en français.")
    received_at: PastTime | None = Field(
        None, description="Date de réception ; maintenant par défaut. Jamais dans le futur."
    )


class TriageBatch(Strict):
    requests: list[TriageRequest] = Field(min_length=1)


class Suggestion(BaseModel):
    service: str
    label: str
    probability: float


class RouteOut(BaseModel):
    service: str
    label: str
    abstained: bool
    confidence: float | None
    suggestions: list[Suggestion]


class ReasonOut(BaseModel):
    feature: str
    value: str | float | int | bool | None
    contribution: float
    direction: str
    text: str


class ModelVersions(BaseModel):
    router: str | None
    risk: str | None


class TriageAnswer(BaseModel):
    request_id: str
    household_id: str | None
    received_at: LocalTime
    route: RouteOut
    risk: float | None
    band: str | None
    band_deadline_hours: int | None
    urgent: bool
    reasons: list[ReasonOut]
    scored: bool
    unscored_reason: str | None
    model_versions: ModelVersions


class TriageBatchAnswer(BaseModel):
    results: list[TriageAnswer]


class AccompanimentEvent(HouseholdReference):
    event_id: Identifier
    occurred_at: PastTime
    recorded_at: PastTime | None = Field(None, description="Maintenant par défaut.")
    kind: EventKind
    service: Service | None = None
    amount: float | None = Field(None, ge=0, le=1_000_000)
    crisis_kind: CrisisKind | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.kind.value in ("aide_accordee", "aide_refusee") and self.amount is None:
            raise ValueError("aide_accordee and aide_refusee events need an amount")
        if self.recorded_at is not None and self.recorded_at < self.occurred_at:
            raise ValueError("recorded_at must not be before occurred_at")
        if (self.kind.value == "crise") != (self.crisis_kind is not None):
            raise ValueError("crisis_kind is required for crise events and only for them")
        return self


class EventBatch(Strict):
    events: list[AccompanimentEvent] = Field(min_length=1)


class EventSyncAnswer(BaseModel):
    inserted: int
    already_known: int


class RequestDetail(BaseModel):
    request_id: str
    household_id: str | None
    channel: str
    received_at: LocalTime
    description: str
    status: str
    service_code: str | None
    source: str
    triage: TriageAnswer | None


class TimelineEntry(BaseModel):
    at: LocalTime
    type: str  # "demande" or "suivi"
    id: str
    label: str
    detail: dict


class Timeline(BaseModel):
    household_id: str
    household: dict | None
    entries: list[TimelineEntry]


class Problem(BaseModel):
    detail: str | list | dict
