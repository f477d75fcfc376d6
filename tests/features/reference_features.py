"""A slow, obviously correct reference for the point-in-time features, for tests only.

It loops over plain Python records and states each rule literally; the fast vectorised
code in features/pointintime.py must agree with it exactly.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from features.registry import AT_STAKE_HALF_LIFE_DAYS
from features.signals import NEEDS, read_texts
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
    text: str = "demande"


@dataclass
class Event:
    household: str
    occurred: int
    recorded: int
    kind: str
    amount: float | None


def _reading(text: str) -> tuple[set[str], float]:
    """The needs a text speaks of and the amount it states (0 for none)."""
    _, mask, amount = read_texts([text])
    needs = {need for k, need in enumerate(NEEDS) if int(mask[0]) >> k & 1}
    return needs, 0.0 if math.isnan(amount[0]) else float(amount[0])


def reference_row(
    household: str, t: int, requests: list[Req], events: list[Event], text: str = ""
) -> dict:
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

    said = {id(r): _reading(r.text) for r in past}
    row["need_requests_90d"] = sum(
        1 for r in past if t - r.requested <= 90 * DAY and said[id(r)][0]
    )
    for need in NEEDS:
        row[f"need_{need}_requests_90d"] = sum(
            1 for r in past if t - r.requested <= 90 * DAY and need in said[id(r)][0]
        )
    spoke = [r.requested for r in past if said[id(r)][0]]
    row["days_since_need_request"] = (t - max(spoke)) / DAY if spoke else math.nan
    # For each need, the latest request of the year that stated an amount for it (among
    # requests of the same instant: the largest amount, then the last in table order),
    # each request counted once; the live request itself comes first.
    needs_now, amount_now = _reading(text)
    position = {id(r): i for i, r in enumerate(requests)}
    counted: dict[int, tuple[float, float]] = {}
    now = False
    for need in NEEDS:
        if need in needs_now and amount_now > 0:
            now = True
            continue
        stated = [
            r
            for r in past
            if t - r.requested <= 365 * DAY and need in said[id(r)][0] and said[id(r)][1] > 0
        ]
        if stated:
            r = max(stated, key=lambda r: (r.requested, said[id(r)][1], position[id(r)]))
            counted[id(r)] = (said[id(r)][1], (t - r.requested) / DAY)
    row["amount_at_stake"] = (amount_now if now else 0.0) + sum(
        amount * 0.5 ** (days / AT_STAKE_HALF_LIFE_DAYS) for amount, days in counted.values()
    )
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
    row["interviews_90d"] = count("entretien", 90)
    row["aid_granted_amount_90d"] = total("aide_accordee", 90)
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
