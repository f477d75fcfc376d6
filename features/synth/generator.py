"""The synthetic territory: households, requests, accompaniment events, outcomes and the
ground truth beside them, from one seed.

Each stage draws from its own child of the seed, so that the same seed gives the same
bytes and changing one stage's code does not reshuffle the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from features.synth.accompaniment import build_events, build_outcomes
from features.synth.card import data_card, render_card_markdown
from features.synth.config import SynthConfig
from features.synth.dynamics import crisis_probability, simulate
from features.synth.households import draw_households
from features.synth.requests import draw_requests
from features.synth.shifts import Shift, apply_shifts
from features.tables import write_table

TRUTH_FOLDER = "truth"
_STAGES = ("households", "dynamics", "requests", "events")


@dataclass
class Territory:
    config: SynthConfig
    households: pd.DataFrame
    requests: pd.DataFrame
    accompaniment_events: pd.DataFrame
    outcomes: pd.DataFrame
    request_truth: pd.DataFrame  # ground truth per request, never a model input
    household_truth: pd.DataFrame

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "households": self.households,
            "requests": self.requests,
            "accompaniment_events": self.accompaniment_events,
            "outcomes": self.outcomes,
        }


def generate(
    config: SynthConfig,
    key: bytes,
    progress: Callable[[str], None] | None = None,
    shifts: tuple[Shift, ...] = (),
) -> Territory:
    """Simulate a territory. ``key`` pseudonymises the household ids; ``shifts`` rewrite the
    requests received from their start (features/synth/shifts.py)."""
    say = progress or (lambda _stage: None)
    rngs = dict(
        zip(
            _STAGES,
            (
                np.random.default_rng(s)
                for s in np.random.SeedSequence(config.seed).spawn(len(_STAGES))
            ),
            strict=True,
        )
    )
    say("households")
    households = draw_households(config, rngs["households"], key)
    say("dynamics")
    sim = simulate(config, households, rngs["dynamics"])
    say("requests")
    requests = draw_requests(config, households, sim, rngs["requests"])
    say("events")
    household_ids = households.table["household_id"].to_numpy()
    events, crisis_at = build_events(config, sim, household_ids, rngs["events"])
    outcomes = build_outcomes(
        config,
        sim,
        requests.table["service_request_id"],
        requests.week,
        requests.household,
        crisis_at,
    )
    truth = requests.truth.assign(
        p_crisis_90d=crisis_probability(
            config, households.u[requests.household], requests.state, requests.week
        ),
        latent_vulnerability=households.u[requests.household].astype(np.float64),
    )
    household_truth = pd.DataFrame(
        {
            "household_id": household_ids,
            "latent_vulnerability": households.u.astype(np.float64),
            "contact_propensity": households.propensity.astype(np.float64),
        }
    )
    return Territory(
        config=config,
        households=households.table,
        requests=apply_shifts(requests.table, shifts, config.seed) if shifts else requests.table,
        accompaniment_events=events,
        outcomes=outcomes,
        request_truth=truth,
        household_truth=household_truth,
    )


def write(territory: Territory, out: Path | str) -> dict:
    """Write the four contract tables, the ground truth and the data card; return the card."""
    out = Path(out)
    for table, frame in territory.tables().items():
        write_table(frame, out, table)
    truth = out / TRUTH_FOLDER
    truth.mkdir(parents=True, exist_ok=True)
    territory.request_truth.to_parquet(
        truth / "request_truth.parquet", index=False, compression="zstd"
    )
    territory.household_truth.to_parquet(
        truth / "household_truth.parquet", index=False, compression="zstd"
    )
    card = data_card(territory)
    (out / "data_card.json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n")
    (out / "data_card.md").write_text(render_card_markdown(card))
    return card
