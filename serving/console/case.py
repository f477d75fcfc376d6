"""One case as the console shows it: the request, its stored triage answer with the reasons
drawn to scale, the household's timeline with earlier decisions, the decisions on this
request. Reading a case is audited (the request, and the household's timeline)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from features.decisions import BAND_DEADLINE_HOURS
from features.vocabulary import (
    AUDIT_ONLY_ATTRIBUTES,
    CHANNEL_LABELS,
    CRISIS_KIND_LABELS,
    EVENT_KIND_LABELS,
)
from serving.intake import service_label
from serving.reviews import OVERRIDE_REASONS, reviews_of
from serving.schemas import LOCAL_TIME
from serving.security import Principal, audit_rows
from serving.store import Store


@dataclass(frozen=True)
class ReasonBar:
    text: str
    contribution: float
    share: float  # of the listed reasons' total size, 0..1
    scale: float  # |contribution| / the largest one, 0..1: the bar's length

    @property
    def raises(self) -> bool:
        return self.contribution > 0


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str  # "demande", "suivi" or "decision"
    title: str
    detail: str
    current: bool = False


def local_from_utc(value: dt.datetime) -> dt.datetime:
    """A stored UTC time (decisions, audit) as the territory's wall-clock time, like request
    and event times."""
    return value.replace(tzinfo=dt.UTC).astimezone(LOCAL_TIME).replace(tzinfo=None)


def reason_bars(reasons: list[dict]) -> list[ReasonBar]:
    sizes = [abs(r["contribution"]) for r in reasons]
    largest, total = max(sizes, default=0.0), sum(sizes)
    return [
        ReasonBar(
            text=r["text"],
            contribution=r["contribution"],
            share=size / total if total else 0.0,
            scale=size / largest if largest else 0.0,
        )
        for r, size in zip(reasons, sizes, strict=True)
    ]


def visible_request(store: Store, principal: Principal, request_id: str) -> dict | None:
    """The stored request with its prediction, if it exists and ``principal`` may see it
    (otherwise None: a case out of reach does not exist, as in the API)."""
    row = store.request(request_id)
    if row is None:
        return None
    territory = store.household_territories([row["household_id"]]).get(row["household_id"])
    return row if principal.sees_territory(territory) else None


def decision_summary(review: dict) -> str:
    """One decision in French, for the history."""
    if review["decision"] == "accept":
        text = "Proposition acceptée"
    else:
        changes = []
        if review["route_overridden"]:
            changes.append(
                f"service : {service_label(review['suggested_service'])} → "
                f"{service_label(review['service'])}"
            )
        if review["band_overridden"]:
            changes.append(f"priorité : {review['suggested_band']} → {review['band']}")
        text = "Proposition modifiée (" + " ; ".join(changes) + ")"
        text += f". Motif : {OVERRIDE_REASONS.get(review['reason_code'], review['reason_code'])}"
    if review["handled"]:
        text += ". Demande marquée traitée"
    return text + "."


def described(review: dict) -> dict:
    """A decision with its French summary and its local time, for display."""
    return {
        **review,
        "summary": decision_summary(review),
        "at": local_from_utc(review["created_at"]),
    }


def household_timeline(store: Store, household_id: str, current_id: str) -> list[TimelineItem]:
    rows = store.timeline(household_id)
    items = [
        TimelineItem(
            at=r["requested_datetime"],
            kind="demande",
            title=f"Demande ({CHANNEL_LABELS.get(r['channel'], r['channel'])})",
            detail=_request_detail(r),
            current=r["service_request_id"] == current_id,
        )
        for r in rows["requests"]
    ]
    items += [
        TimelineItem(at=e["occurred_at"], kind="suivi", title=_event_title(e), detail="")
        for e in rows["events"]
    ]
    reviews = reviews_of(store.engine, [r["service_request_id"] for r in rows["requests"]])
    items += [
        TimelineItem(
            at=local_from_utc(review["created_at"]),
            kind="decision",
            title="Décision d'un travailleur social",
            detail=decision_summary(review),
            current=review["service_request_id"] == current_id,
        )
        for review in reviews
    ]
    return sorted(items, key=lambda item: item.at, reverse=True)


def _request_detail(row: dict) -> str:
    service = row["service_code"] or row["routed_service"]
    parts = [f"Service : {service_label(service)}" if service else "Service non renseigné"]
    if row["band"]:
        parts.append(f"priorité proposée {row['band']}")
    parts.append("close" if row["status"] == "closed" else "ouverte")
    return ", ".join(parts)


def _event_title(event: dict) -> str:
    title = EVENT_KIND_LABELS.get(event["kind"], event["kind"])
    if event["crisis_kind"]:
        title += f" : {CRISIS_KIND_LABELS.get(event['crisis_kind'], event['crisis_kind'])}"
    if event["service"]:
        title += f" ({service_label(event['service'])})"
    if event["amount"] is not None:
        title += f", {event['amount']:.0f} €"
    return title


def household_summary(store: Store, household_id: str | None) -> dict | None:
    """The household as a case shows it: never the attributes kept for fairness audits."""
    household = store.household(household_id) if household_id else None
    if household is None:
        return None
    return {k: v for k, v in household.items() if k not in AUDIT_ONLY_ATTRIBUTES}


def load_case(store: Store, principal: Principal, row: dict, now: dt.datetime) -> dict:
    """What the case page shows, with the reads audited."""
    request_id, household_id = row["service_request_id"], row["household_id"]
    audit = audit_rows(principal, "read_request", "request", [request_id])
    if household_id:
        audit += audit_rows(principal, "read_timeline", "household", [household_id])
    store.audit(audit)
    reviews = reviews_of(store.engine, [request_id])
    latest = reviews[-1] if reviews else None
    band = latest["band"] if latest else row["band"]
    deadline = BAND_DEADLINE_HOURS.get(band) if band else None
    age = now - row["requested_datetime"]
    handled = bool(latest and latest["handled"])
    return {
        "request": row,
        "household": household_summary(store, household_id),
        "reasons": reason_bars(row["reasons"] or []),
        "timeline": household_timeline(store, household_id, request_id) if household_id else [],
        "reviews": [described(r) for r in reversed(reviews)],
        "latest": latest,
        "band": band,
        "deadline_hours": deadline,
        "age": age,
        "late": not handled and deadline is not None and age > dt.timedelta(hours=deadline),
        "handled": handled,
    }
