"""From simulated request arrivals to request rows: motive, channel, text and handling.

Shocks show in the requests. A declaration (a request a new shock brought) has a motive
the shock makes likely, and its text states the shock, nearly always with an amount in
proportion to the shock's stock. A later request the shock drives (its motive is drawn,
then which part of the rate made it: the background or one of the shocks) often restates
it, with an amount in proportion to what remains of it.

Handling has real friction: each service has a weekly capacity, some months are
understaffed, the backlog carries over, delays are heavy-tailed, a share of requests is
first sent to the wrong service and every reassignment adds delay, and long waits bring
complaints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from features.synth.config import SynthConfig
from features.synth.dynamics import Simulation, months_of, motive_base, motive_weights
from features.synth.households import HouseholdDraw
from features.synth.motives import MOTIVE_CODES, MOTIVE_SERVICE, MOTIVES, SHOCKS
from features.synth.texts import render_descriptions
from features.vocabulary import AGE_BANDS, RESIDENT_CHANNELS, SERVICE_LABELS, SERVICES

ROUTE_KINDS: tuple[str, ...] = ("clair", "ambigu", "vague")

# Service standards (days): the Open311 expected_datetime of a request.
SERVICE_DEADLINE_DAYS = np.array([5, 15, 20, 10, 7, 10, 7, 15, 5, 10, 10, 7], dtype=np.float64)
# Median days to a first response and from first response to closing, when not congested.
FIRST_RESPONSE_DAYS = np.array(
    [1.5, 4.0, 5.0, 2.5, 1.5, 3.0, 2.0, 4.0, 1.5, 3.0, 3.0, 2.0], dtype=np.float64
)
RESOLUTION_DAYS = np.array(
    [6.0, 25.0, 20.0, 6.0, 5.0, 15.0, 10.0, 20.0, 6.0, 8.0, 12.0, 6.0], dtype=np.float64
)

# Probability that the front desk routes a clear request to the right service, by channel.
_CORRECT_FIRST_ROUTING = np.array([0.92, 0.88, 0.84, 0.80, 0.82, 0.86])

# Channel mix (guichet, telephone, courriel, formulaire_web, application, courrier)
# by digital access (aucun, limite, autonome).
_CHANNEL_BASE = np.log(
    np.array(
        [
            [0.50, 0.35, 0.02, 0.03, 0.005, 0.10],
            [0.30, 0.30, 0.12, 0.15, 0.05, 0.08],
            [0.12, 0.15, 0.25, 0.30, 0.15, 0.03],
        ]
    )
)
_DIGITAL_CHANNELS = np.array([0, 0, 1, 1, 1, 0], dtype=np.float64)
_OFFICE_CHANNELS = np.array([1, 1, 0, 0, 0, 1], dtype=bool)


@dataclass
class RequestDraw:
    table: pd.DataFrame
    truth: pd.DataFrame  # ground truth per request, never an input
    # In table order: the week, household index and shock stocks of each request.
    week: np.ndarray
    household: np.ndarray
    state: np.ndarray


def _choice_rows(rng: np.random.Generator, probabilities: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a (n, k) probability matrix (rows sum to 1)."""
    cumulative = np.cumsum(probabilities, axis=1)
    draws = rng.random(len(probabilities))[:, None] * cumulative[:, -1:]
    return np.minimum((draws > cumulative).sum(axis=1), probabilities.shape[1] - 1)


def motive_probabilities(
    config: SynthConfig, households: HouseholdDraw, sim: Simulation, chunk: int = 200_000
) -> np.ndarray:
    """(n_requests, n_motives): each request's motive distribution given the household's state
    (a declaration's: given the shock it declares)."""
    weights = motive_weights(config, households)
    base, driven = motive_base(config)
    months = months_of(config, sim.req_week)
    out = np.empty((len(sim.req_week), len(MOTIVES)), dtype=np.float32)
    for lo in range(0, len(out), chunk):
        hi = min(lo + chunk, len(out))
        m = months[lo:hi]
        rates = base[:, m].T + np.einsum("rj,mrj->rm", sim.req_state[lo:hi], driven[:, m, :])
        declared = sim.req_declared[lo:hi]
        shock = np.flatnonzero(declared >= 0)
        rates[shock] = driven[:, m[shock], declared[shock]].T
        rates *= weights[sim.req_household[lo:hi]]
        out[lo:hi] = rates / rates.sum(axis=1, keepdims=True)
    return out


def _shock_causes(
    config: SynthConfig, rng: np.random.Generator, sim: Simulation, motive: np.ndarray
) -> np.ndarray:
    """The shock behind each request (index into SHOCKS) or -1: a declaration's own shock;
    for other requests, which part of their motive's rate (background or a shock) made them."""
    base, driven = motive_base(config)
    months = months_of(config, sim.req_week)
    parts = np.column_stack(
        [base[motive, months], driven[motive, months, :] * sim.req_state]
    ).astype(np.float64)
    cause = _choice_rows(rng, parts / parts.sum(axis=1, keepdims=True)) - 1
    declared = sim.req_declared >= 0
    cause[declared] = sim.req_declared[declared]
    return cause


def _nice_amounts(euros: np.ndarray) -> np.ndarray:
    """Amounts as people state them: to 5 EUR below 100, to 10 below 1,000, then to 50."""
    step = np.where(euros < 100, 5.0, np.where(euros < 1000, 10.0, 50.0))
    return np.maximum(np.round(euros / step) * step, 20.0)


def _stated_shocks(
    config: SynthConfig,
    rng: np.random.Generator,
    sim: Simulation,
    cause: np.ndarray,
    vague: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Which shock each text states (-1: none) and the amount it gives (NaN: none): what is
    at stake now, in proportion to the shock's stock at the request (the debt, the income
    lost, the costs left to pay)."""
    n = len(cause)
    declared = sim.req_declared >= 0
    share = np.where(declared, config.declaration_cause_share, config.return_cause_share)
    stated = (cause >= 0) & ~vague & (rng.random(n) < share)
    stock = sim.req_state[np.arange(n), np.maximum(cause, 0)].astype(np.float64)
    euros_per_unit = np.array([config.shocks[name].euros for name in SHOCKS])
    euros = _nice_amounts(
        stock * euros_per_unit[np.maximum(cause, 0)] * rng.lognormal(0.0, config.amount_noise, n)
    )
    with_amount = stated & (rng.random(n) < config.amount_share)
    return np.where(stated, cause, -1), np.where(with_amount, euros, np.nan)


def _service_probabilities(motive_p: np.ndarray) -> np.ndarray:
    out = np.zeros((len(motive_p), len(SERVICES)), dtype=np.float64)
    for s in range(len(SERVICES)):
        out[:, s] = motive_p[:, s == MOTIVE_SERVICE].sum(axis=1)
    return out


def _draw_channels(
    rng: np.random.Generator, households: HouseholdDraw, hh: np.ndarray, motive: np.ndarray
) -> np.ndarray:
    tilt = np.log(np.array([m.digital_tilt for m in MOTIVES]))[motive]
    logits = _CHANNEL_BASE[households.digital[hh]] + np.outer(tilt, 2 * _DIGITAL_CHANNELS - 1)
    elderly = households.age_band[hh] == AGE_BANDS.index("75+")
    logits[elderly] -= 0.8 * _DIGITAL_CHANNELS
    gumbel = -np.log(-np.log(rng.random(logits.shape)))
    return np.argmax(logits + gumbel, axis=1).astype(np.int8)


def _arrival_times(
    config: SynthConfig, rng: np.random.Generator, week: np.ndarray, channel: np.ndarray
) -> np.ndarray:
    """Arrival instants: office channels on weekdays in opening hours, others any time."""
    n = len(week)
    office = _OFFICE_CHANNELS[channel]
    day = np.where(office, rng.integers(0, 5, n), rng.integers(0, 7, n))
    hour = np.where(
        office, rng.uniform(8.5, 17.0, n), np.clip(rng.normal(14.0, 4.5, n), 0.0, 23.99)
    )
    start = np.datetime64(config.start, "s")
    seconds = ((7 * week + day) * 86_400 + hour * 3600).astype(np.int64)
    return start + seconds.astype("timedelta64[s]")


def _backlog_factor(
    config: SynthConfig, rng: np.random.Generator, service: np.ndarray, week: np.ndarray
) -> np.ndarray:
    """Per request, how much its service's backlog multiplies waiting that week."""
    n_weeks, n_services = config.weeks, len(SERVICES)
    load = np.zeros((n_services, n_weeks))
    np.add.at(load, (service, week), 1.0)
    capacity = 1.12 * np.maximum(load.mean(axis=1, keepdims=True), 1.0) * np.ones((1, n_weeks))
    months = months_of(config, np.arange(n_weeks))
    capacity[:, months == 7] *= 0.8  # August: half the staff on leave
    n_short = rng.poisson(config.understaffed_months_per_year * config.years, n_services)
    for s in range(n_services):
        for first in rng.integers(0, max(n_weeks - 4, 1), n_short[s]):
            capacity[s, first : first + 4 + rng.integers(0, 5)] *= rng.uniform(0.55, 0.8)
    backlog = np.zeros((n_services, n_weeks))
    carried = np.zeros(n_services)
    for k in range(n_weeks):
        carried = np.maximum(0.0, carried + load[:, k] - capacity[:, k])
        backlog[:, k] = carried
    return 1.0 + backlog[service, week] / capacity[service, week]


def _shock_names(index: np.ndarray) -> np.ndarray:
    names = np.asarray((*SHOCKS, None), dtype=object)
    return names[np.where(index >= 0, index, len(SHOCKS))]


def draw_requests(
    config: SynthConfig, households: HouseholdDraw, sim: Simulation, rng: np.random.Generator
) -> RequestDraw:
    n = len(sim.req_week)
    hh, week = sim.req_household, sim.req_week
    motive_p = motive_probabilities(config, households, sim)
    service_p = _service_probabilities(motive_p)

    primary = _choice_rows(rng, motive_p)
    route_kind = np.zeros(n, dtype=np.int8)
    u = rng.random(n)
    route_kind[u < config.vague_share] = 2
    route_kind[(u >= config.vague_share) & (u < config.vague_share + config.ambiguous_share)] = 1

    # Ambiguous requests mention a second need, handled by another service.
    secondary = np.full(n, -1, dtype=np.int64)
    amb = np.flatnonzero(route_kind == 1)
    other = motive_p[amb].astype(np.float64)
    other[MOTIVE_SERVICE[primary[amb]][:, None] == MOTIVE_SERVICE[None, :]] = 0.0
    has_other = other.sum(axis=1) > 0
    route_kind[amb[~has_other]] = 0
    amb, other = amb[has_other], other[has_other]
    secondary[amb] = _choice_rows(rng, other / other.sum(axis=1, keepdims=True))

    final_motive = primary.copy()
    second_wins = np.zeros(n, dtype=bool)
    second_wins[amb] = rng.random(amb.size) >= config.first_mentioned_wins
    final_motive[second_wins] = secondary[second_wins]
    final = MOTIVE_SERVICE[final_motive].astype(np.int64)

    oracle = np.ones(n)
    oracle[amb] = config.first_mentioned_wins
    vague = route_kind == 2
    oracle[vague] = service_p[vague].max(axis=1)

    channel = _draw_channels(rng, households, hh, primary)
    received = _arrival_times(config, rng, week, channel)
    cause = _shock_causes(config, rng, sim, primary)
    stated_shock, stated_amount = _stated_shocks(config, rng, sim, cause, vague)
    texts = render_descriptions(
        primary, secondary, vague, channel, rng, cause=stated_shock, amount=stated_amount
    )

    # Front-desk routing: right first time, or reassigned once (sometimes twice).
    initial = final.copy()
    wrong = rng.random(n) >= _CORRECT_FIRST_ROUTING[channel]
    wrong[amb] = second_wins[amb] | (rng.random(amb.size) < 0.1)
    wrong[vague] = rng.random(int(vague.sum())) < 0.45
    shift = rng.integers(1, len(SERVICES), n)
    initial[wrong] = (final[wrong] + shift[wrong]) % len(SERVICES)
    first_said = MOTIVE_SERVICE[primary].astype(np.int64)
    amb_wrong = np.zeros(n, dtype=bool)
    amb_wrong[amb] = second_wins[amb]
    initial[amb_wrong] = first_said[amb_wrong]
    reassignments = wrong.astype(np.int64) + (wrong & (rng.random(n) < 0.15))

    # Delays in days, heavy-tailed, longer when the service is congested.
    congestion = _backlog_factor(config, rng, final, week)
    tail = np.where(rng.random(n) < 0.06, 1.0 + rng.pareto(1.3, n), 1.0)
    reassignment_delay = np.zeros(n)
    for k in range(2):
        reassignment_delay += np.where(reassignments > k, rng.lognormal(np.log(3.0), 0.6, n), 0.0)
    assign_hours = rng.lognormal(np.log(3.0), 1.0, n)
    first_response_days = (
        FIRST_RESPONSE_DAYS[final] * congestion * rng.lognormal(0.0, 0.7, n) * tail
        + reassignment_delay
    )
    closing_days = first_response_days + RESOLUTION_DAYS[final] * rng.lognormal(0.0, 0.8, n)
    lateness = first_response_days / SERVICE_DEADLINE_DAYS[final]
    complaint = rng.random(n) < 1 / (1 + np.exp(-(-4.0 + 1.6 * np.log(np.maximum(lateness, 1e-3)))))

    def after(days: np.ndarray) -> np.ndarray:
        return received + (days * 86_400).astype("timedelta64[s]")

    horizon = np.datetime64(config.end, "s")
    assigned = after(assign_hours / 24.0)
    first_response = after(first_response_days)
    closed = after(closing_days)
    is_closed = closed <= horizon
    nat = np.datetime64("NaT", "s")
    first_response = np.where(first_response <= horizon, first_response, nat)
    assigned = np.where(assigned <= horizon, assigned, nat)
    closed = np.where(is_closed, closed, nat)
    updated = np.where(
        is_closed,
        closed,
        np.where(
            ~np.isnat(first_response),
            first_response,
            np.where(~np.isnat(assigned), assigned, received),
        ),
    )

    order = np.lexsort((hh, received))
    territory = households.table["territory"].to_numpy()[hh]
    service_names = np.asarray(SERVICES, dtype=object)
    labels = np.asarray([SERVICE_LABELS[s] for s in SERVICES], dtype=object)
    table = pd.DataFrame(
        {
            "service_request_id": [f"D{i:08d}" for i in range(1, n + 1)],
            "household_id": households.table["household_id"].to_numpy()[hh[order]],
            "channel": np.asarray(RESIDENT_CHANNELS, dtype=object)[channel[order]],
            "requested_datetime": received[order],
            "description": texts["description"].to_numpy()[order],
            "motive": np.asarray(MOTIVE_CODES, dtype=object)[final_motive[order]],
            "initial_service_code": service_names[initial[order]],
            "service_code": service_names[final[order]],
            "agency_responsible": labels[final[order]] + " — secteur " + territory[order],
            "status": np.where(is_closed[order], "closed", "open"),
            "assigned_datetime": assigned[order],
            "first_response_datetime": first_response[order],
            "closed_datetime": closed[order],
            "expected_datetime": after(SERVICE_DEADLINE_DAYS[final])[order],
            "updated_datetime": updated[order],
            "reassignment_count": reassignments[order].astype("int64"),
            "complaint": complaint[order],
        }
    )
    for column in (
        "household_id",
        "channel",
        "description",
        "motive",
        "initial_service_code",
        "service_code",
        "agency_responsible",
        "status",
    ):
        table[column] = table[column].astype(str)
    truth = pd.DataFrame(
        {
            "service_request_id": table["service_request_id"],
            "route_kind": np.asarray(ROUTE_KINDS, dtype=object)[route_kind[order]],
            "primary_motive": np.asarray(MOTIVE_CODES, dtype=object)[primary[order]],
            "secondary_motive": np.where(
                secondary[order] >= 0,
                np.asarray(MOTIVE_CODES, dtype=object)[np.maximum(secondary[order], 0)],
                None,
            ),
            "oracle_route_confidence": oracle[order],
            "declared_shock": _shock_names(np.where(sim.req_declared >= 0, cause, -1)[order]),
            "cause_shock": _shock_names(cause[order]),
            "stated_shock": _shock_names(stated_shock[order]),
            "stated_amount": stated_amount[order],
            "style": texts["style"].to_numpy()[order],
            "has_typo": texts["has_typo"].to_numpy()[order],
            "accents_stripped": texts["accents_stripped"].to_numpy()[order],
        }
    )
    return RequestDraw(
        table=table,
        truth=truth,
        week=week[order],
        household=hh[order],
        state=sim.req_state[order],
    )
