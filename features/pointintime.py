"""Point-in-time features: the one code path for batch and online.

``compute`` takes queries (household, instant t, channel, text) and a ``History`` and
returns every registry feature, each from what occurred *and* was recorded before t:

- an accompaniment event counts at t only if ``recorded_at < t`` (which implies
  ``occurred_at < t``); its window is placed on ``occurred_at``;
- a past request counts from its arrival (with what its text says: needs, amount); its
  initial service once it was assigned, its reassignments and complaint once it was closed,
  its waiting time once it was answered.

Batch scoring passes every request of a period with the whole territory's history;
the live service passes one request with its household's history: same function, same
values. Windowed counts expand (query, past item) pairs within 365 days and reduce them
with ``bincount``; unbounded look-backs use binary searches on the sorted keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.history import DAY, HOUSEHOLD_CATEGORIES, HOUSEHOLD_FLAGS, KIND, History
from features.registry import AT_STAKE_HALF_LIFE_DAYS, WINDOWS_DAYS
from features.signals import NEEDS, need_flags
from features.vocabulary import SERVICES

LOOKBACK = 365 * DAY
RECENT_ANSWERS = 5  # median waiting time over the household's last answered requests
_N_SERVICES = len(SERVICES)


@dataclass(frozen=True)
class Queries:
    """The requests to describe, each as of its own instant ``time`` (int64 seconds)."""

    household: np.ndarray  # household codes from History.household_codes
    time: np.ndarray
    channel: np.ndarray  # channel codes, -1 when unknown
    description: np.ndarray  # raw texts (object array)


def _expand(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All (query, item) pairs with item in [lo[q], hi[q])."""
    counts = hi - lo
    query = np.repeat(np.arange(len(lo)), counts)
    starts = np.repeat(lo - np.cumsum(counts) + counts, counts)
    return query, starts + np.arange(len(query))


def _last_known(times, recorded: np.ndarray, household: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Index of the household's latest item (by occurrence) recorded before t, or -1."""
    found = np.full(len(t), -1, dtype=np.int64)
    if not len(times.key):
        return found
    position = times.before(household, t) - 1
    active = np.arange(len(t))
    while active.size:
        p = position[active]
        safe = np.maximum(p, 0)
        valid = (p >= 0) & (times.household[safe] == household[active])
        known = valid & (recorded[safe] < t[active])
        found[active[known]] = p[known]
        pending = valid & ~known
        position[active[pending]] -= 1
        active = active[pending]
    return found


def _last_per_query(query: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Of selected (query, item) pairs (indices into pairs grouped by query, items in time
    order), the last one of each query."""
    if not pairs.size:
        return pairs
    q = query[pairs]
    return pairs[np.r_[q[1:] != q[:-1], True]]


def _days_since(t: np.ndarray, then: np.ndarray, index: np.ndarray) -> np.ndarray:
    out = np.full(len(t), np.nan)
    hit = index >= 0
    out[hit] = (t[hit] - then[index[hit]]) / DAY
    return out


def _row_nanmedian(values: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an all-NaN row); nanmedian is slow on
    small inputs."""
    ordered = np.sort(values, axis=1)  # NaN sort last
    valid = (~np.isnan(values)).sum(axis=1)
    rows = np.arange(len(values))
    low = ordered[rows, np.maximum(valid - 1, 0) // 2]
    high = ordered[rows, np.maximum(valid, 1) // 2 if values.shape[1] else 0]
    high = np.where(valid % 2 == 1, low, high)
    return np.where(valid > 0, (low + high) / 2, np.nan)


def _request_features(
    history: History,
    q: Queries,
    needs_now: np.ndarray,
    amount_now: np.ndarray,
    out: dict[str, np.ndarray],
) -> None:
    r = history.requests
    n, hh, t = len(q.time), q.household, q.time
    arrivals = r.by_arrival
    first = arrivals.starts(hh)
    before = arrivals.before(hh, t)
    lo = arrivals.before(hh, t - LOOKBACK)
    qi, ri = _expand(lo, before)
    age = t[qi] - arrivals.time[ri]
    service_known = r.assigned[ri] < t[qi]
    slot = qi * _N_SERVICES + r.service[ri]
    per_service = {}
    for days in WINDOWS_DAYS:
        within = age <= days * DAY
        out[f"requests_{days}d"] = np.bincount(qi[within], minlength=n)
        mask = within & service_known
        counts = np.bincount(slot[mask], minlength=n * _N_SERVICES).reshape(n, _N_SERVICES)
        per_service[days] = counts
        for s, service in enumerate(SERVICES):
            out[f"requests_{service}_{days}d"] = counts[:, s]
    out["distinct_services_365d"] = (per_service[365] > 0).sum(axis=1)
    out["repeat_service_30d"] = np.maximum(per_service[30] - 1, 0).sum(axis=1)
    previous = np.where(before > first, before - 1, -1)
    out["days_since_last_request"] = _days_since(t, arrivals.time, previous)

    # What past requests said: needs and amounts (known from their arrival).
    needs, amount = r.needs[ri], r.amount[ri]
    recent = age <= 90 * DAY
    out["need_requests_90d"] = np.bincount(qi[recent & (needs > 0)], minlength=n)
    # Amount at stake: the latest amount stated for each need (pairs run in time order, the
    # largest amount last among requests of the same instant), each request counted once
    # however many needs it is the latest for; the request's own amount first.
    latest: list[np.ndarray] = []
    now = np.zeros(n, dtype=bool)
    for k, need in enumerate(NEEDS):
        said = (needs >> np.uint8(k)) & 1 == 1
        out[f"need_{need}_requests_90d"] = np.bincount(qi[recent & said], minlength=n)
        said_now = ((needs_now >> np.uint8(k)) & 1 == 1) & (amount_now > 0)
        now |= said_now
        chosen = _last_per_query(qi, np.flatnonzero(said & (amount > 0)))
        latest.append(chosen[~said_now[qi[chosen]]])
    pairs = np.unique(np.concatenate(latest))
    half_life = AT_STAKE_HALF_LIFE_DAYS * DAY
    at_stake = np.bincount(
        qi[pairs], weights=amount[pairs] * 0.5 ** (age[pairs] / half_life), minlength=n
    ).astype(np.float64)  # bincount of nothing is integer
    at_stake[now] += amount_now[now]
    out["amount_at_stake"] = at_stake
    said = r.by_need
    last = said.before(hh, t)
    out["days_since_need_request"] = _days_since(
        t, said.time, np.where(last > said.starts(hh), last - 1, -1)
    )

    closing = r.by_closing
    closed_before = closing.before(hh, t)
    out["open_requests"] = (before - first) - (closed_before - closing.starts(hh))
    closed_lo = closing.before(hh, t - LOOKBACK)
    out["reassignments_365d"] = (
        r.reassignments_cumsum[closed_before] - r.reassignments_cumsum[closed_lo]
    )
    out["complaints_365d"] = r.complaints_cumsum[closed_before] - r.complaints_cumsum[closed_lo]

    answers = r.by_response
    answered_before = answers.before(hh, t)
    answered_first = answers.starts(hh)
    waits = np.full((n, RECENT_ANSWERS), np.nan)
    for k in range(1, RECENT_ANSWERS + 1):
        index = answered_before - k
        ok = index >= answered_first
        waits[ok, k - 1] = r.wait_days[index[ok]]
    out["median_wait_days"] = _row_nanmedian(waits)


def _event_features(history: History, q: Queries, out: dict[str, np.ndarray]) -> None:
    e = history.events
    n, hh, t = len(q.time), q.household, q.time
    lo = e.by_occurrence.before(hh, t - LOOKBACK)
    hi = e.by_occurrence.before(hh, t)
    qi, ei = _expand(lo, hi)
    known = e.recorded[ei] < t[qi]
    qi, ei = qi[known], ei[known]
    age = t[qi] - e.by_occurrence.time[ei]
    kind = e.kind[ei]

    def count(event_kind: str, days: int, weights: np.ndarray | None = None) -> np.ndarray:
        mask = (kind == KIND[event_kind]) & (age <= days * DAY)
        w = None if weights is None else weights[mask]
        return np.bincount(qi[mask], weights=w, minlength=n)

    for days in (90, 365):
        kept = count("rdv_honore", days)
        missed = count("rdv_manque", days)
        out[f"appointments_kept_{days}d"] = kept
        out[f"appointments_missed_{days}d"] = missed
        total = kept + missed
        rate = np.full(n, np.nan)
        np.divide(missed, total, out=rate, where=total > 0)
        out[f"appointments_missed_rate_{days}d"] = rate
    amount = e.amount[ei]
    out["interviews_90d"] = count("entretien", 90)
    out["aid_granted_amount_90d"] = count("aide_accordee", 90, amount)
    out["aid_granted_365d"] = count("aide_accordee", 365)
    out["aid_granted_amount_365d"] = count("aide_accordee", 365, amount)
    out["aid_refused_365d"] = count("aide_refusee", 365)
    out["aid_refused_amount_365d"] = count("aide_refusee", 365, amount)
    out["orientations_365d"] = count("orientation", 365)
    out["crises_365d"] = count("crise", 365)
    crises = e.crises_by_recording
    out["crises_total"] = crises.before(hh, t) - crises.starts(hh)

    status = _last_known(e.status, e.status_recorded, hh, t)
    is_open = np.zeros(n, dtype=bool)
    is_open[status >= 0] = e.status_is_opening[status[status >= 0]]
    out["follow_up_open"] = is_open
    out["follow_up_days"] = np.where(is_open, _days_since(t, e.status.time, status), 0.0)
    contact = _last_known(e.contacts, e.contacts_recorded, hh, t)
    out["days_since_social_contact"] = _days_since(t, e.contacts.time, contact)


def _calendar(t: np.ndarray, out: dict[str, np.ndarray]) -> None:
    out["hour"] = (t % DAY) // 3600
    out["weekday"] = (t // DAY + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
    months = t.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    out["month"] = months % 12 + 1


def _household_features(history: History, q: Queries, out: dict[str, np.ndarray]) -> None:
    h = history.households
    for name in HOUSEHOLD_CATEGORIES:
        out[name] = h.categories[name][q.household]
    out["n_children"] = h.n_children[q.household]
    for name in HOUSEHOLD_FLAGS:
        out[name] = h.flags[name][q.household]


def compute(history: History, queries: Queries, arrow_text: bool = False) -> dict[str, np.ndarray]:
    """Every feature of the registry for each query, as numpy arrays (categories as codes);
    with ``arrow_text``, the normalised texts may come as an Arrow string array instead
    (a batch's texts, all read when the history was built)."""
    text, needs, amount = history.requests.texts.read(queries.description, arrow=arrow_text)
    out: dict[str, np.ndarray] = {"text": text, "channel": queries.channel.astype(np.int8)}
    for need, flags in need_flags(needs).items():
        out[f"need_{need}"] = flags
    out["stated_amount"] = amount
    _calendar(queries.time, out)
    _request_features(history, queries, needs, amount, out)
    _event_features(history, queries, out)
    _household_features(history, queries, out)
    return out
