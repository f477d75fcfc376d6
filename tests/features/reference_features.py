"""A slow, obviously correct reference for the point-in-time features, for tests only.

It loops over plain Python records and states each rule literally; the fast vectorised
code in features/pointintime.py must agree with it exactly.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from features.vocabulary import EVENT_KINDS, SERVICES

DAY = 86_400


@dataclass
class Req:
    household: str
    requested: int  # seconds
    assigned: int | None
    service: str
    first_response: int | None
    closed: int | None
    reassignments: int
    complaint: bool


@dataclass
class Event:
    household: str
    occurred: int
    recorded: int
    kind: str
    amount: float | None


def reference_row(household: str, t: int, requests: list[Req], events: list[Event]) -> dict:
    row: dict[str, float] = {}
    past = [r for r in requests if r.household == household and r.requested < t]
    for days in (30, 90, 365):
        recent = [r for r in past if t - r.requested <= days * DAY]
        row[f"requests_{days}d"] = len(recent)
        for service in SERVICES:
            row[f"requests_{service}_{days}d"] = sum(
                1
                for r in recent
                if r.assigned is not None and r.assigned < t and r.service == service
            )
    row["distinct_services_365d"] = sum(1 for s in SERVICES if row[f"requests_{s}_365d"] > 0)
    row["repeat_service_30d"] = sum(max(row[f"requests_{s}_30d"] - 1, 0) for s in SERVICES)
    row["days_since_last_request"] = (
        (t - max(r.requested for r in past)) / DAY if past else math.nan
    )
    row["open_requests"] = sum(1 for r in past if r.closed is None or r.closed >= t)
    closed_in_year = [r for r in past if r.closed is not None and t - 365 * DAY <= r.closed < t]
    row["reassignments_365d"] = sum(r.reassignments for r in closed_in_year)
    row["complaints_365d"] = sum(int(r.complaint) for r in closed_in_year)
    answered = sorted(
        (r for r in past if r.first_response is not None and r.first_response < t),
        key=lambda r: (r.first_response, r.requested),
    )
    waits = [(r.first_response - r.requested) / DAY for r in answered[-5:]]
    row["median_wait_days"] = statistics.median(waits) if waits else math.nan

    known = [e for e in events if e.household == household and e.occurred < t and e.recorded < t]

    def count(kind: str, days: int) -> int:
        return sum(1 for e in known if e.kind == kind and t - e.occurred <= days * DAY)

    def total(kind: str, days: int) -> float:
        return float(
            sum(e.amount for e in known if e.kind == kind and t - e.occurred <= days * DAY)
        )

    for days in (90, 365):
        kept, missed = count("rdv_honore", days), count("rdv_manque", days)
        row[f"appointments_kept_{days}d"] = kept
        row[f"appointments_missed_{days}d"] = missed
        row[f"appointments_missed_rate_{days}d"] = (
            missed / (kept + missed) if kept + missed else math.nan
        )
    row["aid_granted_365d"] = count("aide_accordee", 365)
    row["aid_granted_amount_365d"] = total("aide_accordee", 365)
    row["aid_refused_365d"] = count("aide_refusee", 365)
    row["aid_refused_amount_365d"] = total("aide_refusee", 365)
    row["orientations_365d"] = count("orientation", 365)
    row["crises_365d"] = count("crise", 365)
    row["crises_total"] = sum(1 for e in known if e.kind == "crise")

    status = [e for e in known if e.kind in ("ouverture_accompagnement", "cloture_accompagnement")]
    latest = max(status, key=lambda e: (e.occurred, EVENT_KINDS.index(e.kind)), default=None)
    is_open = latest is not None and latest.kind == "ouverture_accompagnement"
    row["follow_up_open"] = is_open
    row["follow_up_days"] = (t - latest.occurred) / DAY if is_open else 0.0
    contacts = [e.occurred for e in known if e.kind in ("entretien", "rdv_honore")]
    row["days_since_social_contact"] = (t - max(contacts)) / DAY if contacts else math.nan
    return row
