"""Week-by-week life of the households: shocks, crises, requests and social follow-up.

The latent state of a household is its vulnerability ``u`` plus one decaying stock per
kind of shock ``s_j``. Each week:

1. new shocks arrive: ``N_j ~ Poisson(r_j(u, month))``, each of size ``A ~ Exp(m_j)``, and
   ``s_j <- rho_j * s_j + sum(A)``;
2. a crisis happens with probability ``1 - exp(-h)``, ``h = b(u) + sum_j w_j s_j``;
3. most new shocks bring a request within a few weeks (a *declaration* of the shock,
   whose text states it); other requests arrive at a rate that grows with the shocks
   (per motive, see motives.py);
4. the social follow-up opens, closes and produces events depending on the state:
   interviews grow with the shock load, aid amounts with the money shocks.

Crises never feed back into ``h`` before the next crisis and follow-up never changes
``h``, so the probability of a crisis in the 13 weeks after a request has a closed form
given the state at the request (``crisis_probability``): the oracle is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from features.synth.config import SynthConfig
from features.synth.households import HouseholdDraw
from features.synth.motives import (
    ACTIVITY,
    MOTIVES,
    SHOCKS,
    WINTER,
    season_matrix,
    shock_affinity_matrix,
)
from features.vocabulary import AGE_BANDS, CRISIS_KINDS, EVENT_KINDS, SERVICES

HORIZON_WEEKS = 13  # "within 90 days": the 13 weeks after the week of the request

# Crisis kind given the shock that caused it (rows: SHOCKS, then the base hazard).
_CRISIS_MIX = np.array(
    [
        # expulsion, coupure_energie, hebergement_urgence, information_preoccupante, hospitalisation
        [0.35, 0.25, 0.20, 0.10, 0.10],  # perte_emploi
        [0.10, 0.00, 0.45, 0.35, 0.10],  # separation
        [0.03, 0.02, 0.05, 0.10, 0.80],  # maladie
        [0.75, 0.00, 0.20, 0.05, 0.00],  # impaye_loyer
        [0.05, 0.85, 0.05, 0.05, 0.00],  # dette_energie
        [0.20, 0.20, 0.20, 0.20, 0.20],  # base hazard
    ],
    dtype=np.float64,
)
_CHILD_CRISIS = CRISIS_KINDS.index("information_preoccupante")
_EVENT = {kind: i for i, kind in enumerate(EVENT_KINDS)}
_SERVICE = {service: i for i, service in enumerate(SERVICES)}
_MONEY_SHOCKS = [SHOCKS.index(s) for s in ("perte_emploi", "impaye_loyer", "dette_energie")]


@dataclass
class Simulation:
    """Everything the weekly loop produced, as flat arrays (weeks counted from the start)."""

    # Requests (one row per request).
    req_household: np.ndarray
    req_week: np.ndarray
    req_state: np.ndarray  # (n_requests, n_shocks) shock stocks at the request's week
    req_declared: np.ndarray  # shock kind a request declares (index into SHOCKS), or -1
    # Crises.
    crisis_household: np.ndarray
    crisis_week: np.ndarray
    crisis_kind: np.ndarray
    # Accompaniment events (crises excluded, they are added from the crisis arrays).
    event_household: np.ndarray
    event_week: np.ndarray
    event_kind: np.ndarray
    event_service: np.ndarray  # index into SERVICES, -1 for none
    event_amount: np.ndarray  # NaN when not an aid


def months_of(config: SynthConfig, weeks: np.ndarray) -> np.ndarray:
    """Month index (0-11) of each simulated week; week 0 starts on ``config.start``."""
    start = np.datetime64(config.start, "D")
    days = start + 7 * np.asarray(weeks, dtype=np.int64) + 3  # mid-week
    return (days.astype("datetime64[M]").astype(np.int64) % 12).astype(np.int8)


def shock_household_rate(config: SynthConfig, shock: str, u: np.ndarray) -> np.ndarray:
    """Weekly rate of new shocks of one kind outside winter, for vulnerabilities ``u``."""
    p = config.shocks[shock]
    return p.weekly_rate * np.exp(p.vulnerability_slope * u)


def shock_season(config: SynthConfig, shock: str, months: np.ndarray) -> np.ndarray:
    """Multiplier of that rate in the given months (winter raises energy debts)."""
    winter = np.maximum(np.asarray(WINTER, dtype=np.float64)[months] - 1.0, 0.0)
    return 1 + config.shocks[shock].winter_boost * winter


def shock_rate(config: SynthConfig, shock: str, u: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Weekly rate of new shocks of one kind, for vulnerabilities ``u`` in ``months``."""
    return shock_household_rate(config, shock, u) * shock_season(config, shock, months)


def base_hazard(config: SynthConfig, u: np.ndarray) -> np.ndarray:
    return np.exp(config.base_crisis_log_hazard + config.base_crisis_vulnerability_slope * u)


def crisis_probability(
    config: SynthConfig, u: np.ndarray, state: np.ndarray, week: np.ndarray
) -> np.ndarray:
    """Exact P(crisis in weeks week+1 .. week+13 | state at ``week``), vectorised.

    Summing the hazard over the horizon gives the current stocks' decayed share plus the
    future shocks' share; future shocks are compound Poisson with exponential sizes, whose
    Laplace transform is closed-form: E[exp(-c N A)] = exp(-r c m / (1 + c m)).
    """
    u = np.asarray(u, dtype=np.float64)
    log_survival = -HORIZON_WEEKS * base_hazard(config, u)
    for j, name in enumerate(SHOCKS):
        p = config.shocks[name]
        rho, w, m = p.weekly_decay, p.crisis_weight, p.mean_size
        decayed = rho * (1 - rho**HORIZON_WEEKS) / (1 - rho)  # sum_{d=1..T} rho^d
        log_survival -= w * state[:, j].astype(np.float64) * decayed
        for d in range(1, HORIZON_WEEKS + 1):
            rate = shock_rate(config, name, u, months_of(config, week + d))
            c = w * (1 - rho ** (HORIZON_WEEKS - d + 1)) / (1 - rho)  # w * sum_{i=0..T-d} rho^i
            log_survival -= rate * c * m / (1 + c * m)
    return -np.expm1(log_survival)


def motive_weights(config: SynthConfig, households: HouseholdDraw) -> np.ndarray:
    """(n_households, n_motives) household-specific motive weights (eligibility x vulnerability)."""
    age = households.age_band[:, None]
    min_age = np.array([m.min_age_band for m in MOTIVES])[None, :]
    max_age = np.array([m.max_age_band for m in MOTIVES])[None, :]
    needs_children = np.array([m.needs_children for m in MOTIVES])[None, :]
    social = np.array([m.social for m in MOTIVES], dtype=np.float32)[None, :]
    eligible = (
        (age >= min_age) & (age <= max_age) & (~needs_children | households.has_children[:, None])
    )
    vulnerability = np.exp(config.social_vulnerability_slope * households.u[:, None] * social)
    return (eligible * vulnerability).astype(np.float32)


def motive_base(config: SynthConfig) -> tuple[np.ndarray, np.ndarray]:
    """(n_motives, 12) background rates and (n_motives, 12, n_shocks) shock-driven rates."""
    base = np.array([m.base for m in MOTIVES], dtype=np.float32)[:, None] * season_matrix()
    driven = base[:, :, None] * config.shock_request_gain * shock_affinity_matrix()[:, None, :]
    return base, driven


def simulate(
    config: SynthConfig, households: HouseholdDraw, rng: np.random.Generator
) -> Simulation:
    n = config.households
    u = households.u.astype(np.float64)
    n_shocks = len(SHOCKS)
    burn_in, weeks = config.burn_in_weeks, config.weeks
    months = months_of(config, np.arange(-burn_in, weeks))

    weights = motive_weights(config, households)
    base, driven = motive_base(config)
    # Per household and month: total background rate and per-shock added rate.
    weights *= households.propensity[:, None]
    background = np.ascontiguousarray((weights @ base).T)  # (12, n)
    per_shock = np.ascontiguousarray(  # (12, n, n_shocks)
        np.einsum("hm,mkj->khj", weights, driven, optimize=True)
    )
    scale = config.requests_per_household_year / 52.0 / float(background.mean())
    activity = np.asarray(ACTIVITY, dtype=np.float64)

    decay = np.array([config.shocks[s].weekly_decay for s in SHOCKS])
    size = np.array([config.shocks[s].mean_size for s in SHOCKS])
    hazard_w = np.array([config.shocks[s].crisis_weight for s in SHOCKS])
    b = base_hazard(config, u)
    senior = households.age_band >= AGE_BANDS.index("60-74")

    # Shock rates factor into a per-household part and a per-month part.
    shock_base = np.column_stack([shock_household_rate(config, name, u) for name in SHOCKS])
    shock_months = np.column_stack(
        [shock_season(config, name, np.arange(12)) for name in SHOCKS]
    )  # (12, n_shocks)
    ones = np.ones(n_shocks)
    state = np.zeros((n, n_shocks), dtype=np.float64)
    follow_up = np.zeros(n, dtype=bool)
    crisis_last_week = np.zeros(n, dtype=bool)
    out: dict[str, list[np.ndarray]] = {
        k: [] for k in ("rh", "rw", "rs", "rd", "ch", "cw", "ck", "eh", "ew", "ek", "es", "ea")
    }
    # Declarations waiting for their week: step -> [(households, shock kinds)].
    pending: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}

    def emit(
        mask_or_idx: np.ndarray,
        week: int,
        kind: str,
        service: np.ndarray | int,
        amount: np.ndarray | None = None,
    ) -> None:
        idx = np.flatnonzero(mask_or_idx) if mask_or_idx.dtype == bool else mask_or_idx
        if idx.size == 0:
            return
        out["eh"].append(idx.astype(np.int32))
        out["ew"].append(np.full(idx.size, week, dtype=np.int32))
        out["ek"].append(np.full(idx.size, _EVENT[kind], dtype=np.int8))
        svc = np.broadcast_to(np.asarray(service, dtype=np.int8), idx.shape)
        out["es"].append(np.array(svc, dtype=np.int8))
        out["ea"].append(np.full(idx.size, np.nan) if amount is None else amount.astype(np.float64))

    for step in range(burn_in + weeks):
        week = step - burn_in
        month = int(months[step])
        counts = rng.poisson(shock_base * shock_months[month])
        hit = counts > 0
        jumps = np.zeros_like(state)
        struck, kind_struck = np.nonzero(hit)
        jumps[hit] = rng.gamma(counts[hit], size[kind_struck])
        state = decay * state + jumps
        # Most shocks are declared within a few weeks (geometric delay, capped).
        declared = rng.random(struck.size) < config.declaration_share
        delay = np.minimum(
            rng.geometric(config.declaration_weekly_share, struck.size) - 1,
            config.declaration_max_delay_weeks,
        )
        for d in np.unique(delay[declared]):
            chosen = declared & (delay == d)
            pending.setdefault(step + int(d), []).append((struck[chosen], kind_struck[chosen]))
        due = pending.pop(step, [])
        due_household = np.concatenate([d[0] for d in due]) if due else np.zeros(0, np.int64)

        hazard = b + state @ hazard_w
        crisis = rng.random(n) < -np.expm1(-hazard)

        load = state @ ones
        fragility = u + load
        rate = (
            scale
            * activity[month]
            * (background[month] + np.einsum("hj,hj->h", per_shock[month], state))
        )
        n_requests = rng.poisson(rate)
        asked = n_requests > 0
        asked[due_household] = True

        if week >= 0:
            # Requests: shock-driven and background ones, then declarations.
            who = np.flatnonzero(n_requests)
            if who.size:
                who = np.repeat(who, n_requests[who])
                out["rh"].append(who.astype(np.int32))
                out["rw"].append(np.full(who.size, week, dtype=np.int32))
                out["rs"].append(state[who].astype(np.float32))
                out["rd"].append(np.full(who.size, -1, dtype=np.int8))
            if due:
                out["rh"].append(due_household.astype(np.int32))
                out["rw"].append(np.full(due_household.size, week, dtype=np.int32))
                out["rs"].append(state[due_household].astype(np.float32))
                out["rd"].append(np.concatenate([d[1] for d in due]).astype(np.int8))
            # Crises, with a kind drawn in proportion to what caused them.
            cidx = np.flatnonzero(crisis)
            if cidx.size:
                parts = np.column_stack([state[cidx] * hazard_w, b[cidx]])
                mix = parts @ _CRISIS_MIX
                mix[~households.has_children[cidx], _CHILD_CRISIS] = 0.0
                mix /= mix.sum(axis=1, keepdims=True)
                kind = (rng.random(cidx.size)[:, None] > np.cumsum(mix, axis=1)).sum(axis=1)
                out["ch"].append(cidx.astype(np.int32))
                out["cw"].append(np.full(cidx.size, week, dtype=np.int32))
                out["ck"].append(np.minimum(kind, len(CRISIS_KINDS) - 1).astype(np.int8))

        # Social follow-up: opens with fragility, crises and social requests; closes as it eases.
        opening = ~follow_up & (
            rng.random(n) < _sigmoid(-8.0 + 1.1 * fragility + 2.5 * crisis_last_week + 1.0 * asked)
        )
        closing = follow_up & (rng.random(n) < _sigmoid(-3.0 - 0.6 * fragility))
        if week >= 0:
            social = _SERVICE["action_sociale"]
            emit(opening, week, "ouverture_accompagnement", social)
            emit(closing, week, "cloture_accompagnement", social)
            active = follow_up & ~closing
            interview = rng.random(n) < np.minimum(0.1 + 0.15 * load, 0.8)
            emit(active & interview, week, "entretien", social)
            rdv = active & (rng.random(n) < 0.25)
            missed = rdv & (rng.random(n) < _sigmoid(-1.8 + 0.75 * fragility))
            emit(rdv & ~missed, week, "rdv_honore", social)
            emit(missed, week, "rdv_manque", social)
            money = state[:, _MONEY_SHOCKS].sum(axis=1)
            aid_rate = np.where(active, 0.02 + 0.08 * money, 0.001 + 0.02 * money)
            aid = rng.random(n) < np.minimum(aid_rate, 0.9)
            aid_idx = np.flatnonzero(aid)
            if aid_idx.size:
                energy = state[aid_idx, SHOCKS.index("dette_energie")]
                rent = state[aid_idx, SHOCKS.index("impaye_loyer")]
                service = np.where(
                    energy > np.maximum(rent, 0.3),
                    _SERVICE["energie_precarite"],
                    np.where(rent > 0.3, _SERVICE["logement"], _SERVICE["action_sociale"]),
                ).astype(np.int8)
                # Aid follows the size of the money shocks.
                amount = np.round(
                    rng.lognormal(np.log(120 + 250 * money[aid_idx]), 0.4, aid_idx.size), 2
                )
                granted = rng.random(aid_idx.size) < _sigmoid(
                    1.3 - 0.35 * fragility[aid_idx] - 0.0015 * amount
                )
                emit(aid_idx[granted], week, "aide_accordee", service[granted], amount[granted])
                emit(aid_idx[~granted], week, "aide_refusee", service[~granted], amount[~granted])
            orient = active & (rng.random(n) < 0.03)
            oidx = np.flatnonzero(orient)
            if oidx.size:
                choices = np.array(
                    [
                        _SERVICE[s]
                        for s in (
                            "emploi_insertion",
                            "sante_handicap",
                            "logement",
                            "acces_droits_numerique",
                        )
                    ],
                    dtype=np.int8,
                )
                target = choices[rng.integers(0, len(choices), oidx.size)]
                target[senior[oidx]] = _SERVICE["seniors_autonomie"]
                emit(oidx, week, "orientation", target)
        follow_up = (follow_up | opening) & ~closing
        crisis_last_week = crisis

    def cat(key: str, dtype, width: int | None = None) -> np.ndarray:
        if out[key]:
            return np.concatenate(out[key])
        return np.zeros((0, width) if width else 0, dtype=dtype)

    return Simulation(
        req_household=cat("rh", np.int32),
        req_week=cat("rw", np.int32),
        req_state=cat("rs", np.float32, n_shocks),
        req_declared=cat("rd", np.int8),
        crisis_household=cat("ch", np.int32),
        crisis_week=cat("cw", np.int32),
        crisis_kind=cat("ck", np.int8),
        event_household=cat("eh", np.int32),
        event_week=cat("ew", np.int32),
        event_kind=cat("ek", np.int8),
        event_service=cat("es", np.int8),
        event_amount=cat("ea", np.float64),
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
