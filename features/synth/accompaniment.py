"""Accompaniment events and crisis outcomes as contract tables.

Events happen on weekdays in office hours; a share is recorded days after it occurred, as
in real case-management tools, so features must use both occurred_at and recorded_at.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.synth.config import SynthConfig
from features.synth.dynamics import HORIZON_WEEKS, Simulation
from features.vocabulary import CRISIS_KINDS, EVENT_KINDS, SERVICES

CRISIS_LATE_SHARE = 0.5


def _instants(config: SynthConfig, rng: np.random.Generator, week: np.ndarray, weekdays: int):
    n = len(week)
    day = rng.integers(0, weekdays, n)
    hour = rng.uniform(8.5, 17.5, n)
    seconds = ((7 * week.astype(np.int64) + day) * 86_400 + hour * 3600).astype(np.int64)
    return np.datetime64(config.start, "s") + seconds.astype("timedelta64[s]")


def _recording_lag(rng: np.random.Generator, n: int, late_share: float) -> np.ndarray:
    """Seconds between an event and its recording: minutes usually, days for a share."""
    late = rng.random(n) < late_share
    days = np.minimum(1.0 + rng.exponential(8.0, n), 90.0)
    minutes = rng.exponential(45.0, n)
    seconds = np.where(late, days * 86_400, minutes * 60)
    return seconds.astype(np.int64).astype("timedelta64[s]")


def build_events(
    config: SynthConfig,
    sim: Simulation,
    household_ids: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, np.ndarray]:
    """The accompaniment_events table, and each crisis's occurred_at (in sim crisis order)."""
    crisis_at = _instants(config, rng, sim.crisis_week, 7)
    event_at = _instants(config, rng, sim.event_week, 5)
    occurred = np.concatenate([event_at, crisis_at])
    n_events, n_crises = len(event_at), len(crisis_at)
    lag = np.concatenate(
        [
            _recording_lag(rng, n_events, config.late_recording_share),
            _recording_lag(rng, n_crises, CRISIS_LATE_SHARE),
        ]
    )
    kind = np.concatenate([sim.event_kind, np.full(n_crises, EVENT_KINDS.index("crise"))])
    service = np.concatenate([sim.event_service, np.full(n_crises, -1, dtype=np.int8)])
    amount = np.concatenate([sim.event_amount, np.full(n_crises, np.nan)])
    crisis_kind = np.concatenate([np.full(n_events, -1, dtype=np.int8), sim.crisis_kind])
    household = np.concatenate([sim.event_household, sim.crisis_household])

    order = np.lexsort((kind, household, occurred))
    services = np.asarray((*SERVICES, None), dtype=object)
    crisis_kinds = np.asarray((*CRISIS_KINDS, None), dtype=object)
    table = pd.DataFrame(
        {
            "event_id": [f"E{i:09d}" for i in range(1, len(order) + 1)],
            "household_id": household_ids[household[order]],
            "occurred_at": occurred[order],
            "recorded_at": (occurred + lag)[order],
            "kind": np.asarray(EVENT_KINDS, dtype=object)[kind[order]],
            "service": services[service[order]],
            "amount": amount[order],
            "crisis_kind": crisis_kinds[crisis_kind[order]],
        }
    )
    for column in ("household_id", "kind", "service", "crisis_kind"):
        table[column] = table[column].astype("str").where(table[column].notna(), None)
    return table, crisis_at


def build_outcomes(
    config: SynthConfig,
    sim: Simulation,
    request_ids: pd.Series,
    request_week: np.ndarray,
    request_household: np.ndarray,
    crisis_at: np.ndarray,
) -> pd.DataFrame:
    """First crisis in the 13 weeks after each request's week (the risk label)."""
    # Crises keyed by (household, week) in sorted order: the first crisis in weeks
    # w+1 .. w+13 of a request is a searchsorted away.
    stride = config.weeks + 1
    key = sim.crisis_household.astype(np.int64) * stride + sim.crisis_week
    order = np.lexsort((crisis_at, key))
    key, at, kind = key[order], crisis_at[order], sim.crisis_kind[order]
    base = request_household.astype(np.int64) * stride
    first = base + request_week + 1
    last = base + np.minimum(request_week + HORIZON_WEEKS, config.weeks - 1)
    position = np.searchsorted(key, first, side="left")
    found = position < len(key)
    position = np.where(found, position, 0)
    if len(key):
        found &= key[position] <= last
    crisis_datetime = np.full(len(first), np.datetime64("NaT", "s"))
    crisis_kind = np.full(len(first), None, dtype=object)
    crisis_datetime[found] = at[position[found]]
    crisis_kind[found] = np.asarray(CRISIS_KINDS, dtype=object)[kind[position[found]]]
    return pd.DataFrame(
        {
            "service_request_id": request_ids.to_numpy(),
            "crisis_within_90d": found,
            "crisis_datetime": crisis_datetime,
            "crisis_kind": pd.array(crisis_kind, dtype="str"),
            "window_complete": request_week + HORIZON_WEEKS < config.weeks,
        }
    )
