"""A person's data: one request with its explanation, a household's timeline, and the
accompaniment events synced from case-management tools. Every read is audited."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool

from features.vocabulary import AUDIT_ONLY_ATTRIBUTES, CHANNEL_LABELS, EVENT_KIND_LABELS
from serving.api.deps import AUTH_ERRORS, NOT_FOUND, CaseReader, IntakeCaller, State
from serving.intake import service_label, stored_answer
from serving.schemas import (
    EventBatch,
    EventSyncAnswer,
    RequestDetail,
    Timeline,
    TimelineEntry,
    as_local_aware,
    local_now,
)
from serving.security import Principal, audit_rows
from serving.store import Store

router = APIRouter(prefix="/v1", tags=["cases"], responses=AUTH_ERRORS | NOT_FOUND)

OUT_OF_REACH = "Introuvable, ou hors de votre territoire."


def _check_territory(store: Store, principal: Principal, household_id: str | None) -> None:
    """A social worker reads only households of their territory; to anyone else the case
    does not exist (404 rather than 403: ids are not confirmed to outsiders)."""
    territory = store.household_territories([household_id]).get(household_id)
    if not principal.sees_territory(territory):
        raise HTTPException(404, OUT_OF_REACH)


@router.get("/requests/{request_id}", response_model=RequestDetail, summary="Une demande")
def get_request(request_id: str, state: State, principal: CaseReader) -> RequestDetail:
    row = state.store.request(request_id)
    if row is None:
        raise HTTPException(404, OUT_OF_REACH)
    _check_territory(state.store, principal, row["household_id"])
    state.store.audit(audit_rows(principal, "read_request", "request", [request_id]))
    return RequestDetail(
        request_id=row["service_request_id"],
        household_id=row["household_id"],
        channel=row["channel"],
        received_at=row["requested_datetime"],
        description=row["description"],
        status=row["status"],
        service_code=row["service_code"],
        source=row["source"],
        triage=stored_answer(row),
    )


@router.get(
    "/households/{household_id}/timeline",
    response_model=Timeline,
    summary="Historique d'un foyer",
)
def timeline(household_id: str, state: State, principal: CaseReader) -> Timeline:
    _check_territory(state.store, principal, household_id)
    state.store.audit(audit_rows(principal, "read_timeline", "household", [household_id]))
    # Attributes kept for fairness audits are never shown with a case.
    household = state.store.household(household_id)
    if household is not None:
        household = {k: v for k, v in household.items() if k not in AUDIT_ONLY_ATTRIBUTES}
    rows = state.store.timeline(household_id)
    entries = [
        TimelineEntry(
            at=r["requested_datetime"],
            type="demande",
            id=r["service_request_id"],
            label=f"Demande ({CHANNEL_LABELS.get(r['channel'], r['channel'])})"
            + (f" → {service_label(r['routed_service'])}" if r["routed_service"] else ""),
            detail={
                "description": r["description"],
                "status": r["status"],
                "service_code": r["service_code"],
                "band": r["band"],
                "risk": r["risk"],
            },
        )
        for r in rows["requests"]
    ] + [
        TimelineEntry(
            at=e["occurred_at"],
            type="suivi",
            id=e["event_id"],
            label=EVENT_KIND_LABELS.get(e["kind"], e["kind"]),
            detail={
                "recorded_at": as_local_aware(e["recorded_at"]).isoformat(),
                "service": e["service"],
                "amount": e["amount"],
                "crisis_kind": e["crisis_kind"],
            },
        )
        for e in rows["events"]
    ]
    entries.sort(key=lambda entry: entry.at)
    return Timeline(household_id=household_id, household=household, entries=entries)


@router.post(
    "/accompaniment-events",
    response_model=EventSyncAnswer,
    summary="Synchroniser des événements de suivi",
)
async def sync_events(batch: EventBatch, state: State, principal: IntakeCaller) -> EventSyncAnswer:
    """Events from a case-management tool; an event id already stored is skipped, so a sync
    can be replayed safely."""
    now = local_now()
    rows = [
        {
            "event_id": e.event_id,
            "household_id": state.intake.household_id(e),
            "occurred_at": e.occurred_at,
            "recorded_at": e.recorded_at or now,
            "kind": e.kind.value,
            "service": e.service.value if e.service else None,
            "amount": e.amount,
            "crisis_kind": e.crisis_kind.value if e.crisis_kind else None,
        }
        for e in batch.events
    ]
    inserted, known = await run_in_threadpool(state.store.add_events, rows)
    return EventSyncAnswer(inserted=inserted, already_known=known)
