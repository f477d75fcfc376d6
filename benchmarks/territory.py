"""Large territories for benchmarks, generated once and cached under .bench/."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from features.synth.config import SynthConfig
from features.synth.generator import generate, write
from features.tables import read_tables

CACHE = Path(".bench")
BENCH_KEY = b"benchmark-key-not-a-secret-000000"
# The generator makes about 4.5 requests per household over 3 years since shocks bring
# requests (255,000 households made 1.14M).
HOUSEHOLDS_FOR_1M_REQUESTS = 223_000


def demo_territory() -> Path:
    """The demo scale: 20,000 households over 3 years (seed 42)."""
    folder = CACHE / "territory-demo"
    if not (folder / "requests.parquet").exists():
        write(generate(SynthConfig(households=20_000, years=3, seed=42), BENCH_KEY), folder)
    return folder


def territory_1m() -> Path:
    """About 1,000,000 requests over 3 years (seed 1); cached per household count."""
    folder = CACHE / f"territory-1m-{HOUSEHOLDS_FOR_1M_REQUESTS}"
    if not (folder / "requests.parquet").exists():
        write(
            generate(
                SynthConfig(households=HOUSEHOLDS_FOR_1M_REQUESTS, years=3, seed=1), BENCH_KEY
            ),
            folder,
        )
    return folder


def with_events(tables: dict[str, pd.DataFrame], target: int, seed: int = 0) -> dict:
    """Add copies of existing events, shifted by 1 to 20 days, up to ``target`` events.

    The generator makes about 1.5 events per request; the feature benchmark asks for 3."""
    events = tables["accompaniment_events"]
    missing = target - len(events)
    if missing <= 0:
        return tables
    rng = np.random.default_rng(seed)
    extra = events.sample(missing, replace=missing > len(events), random_state=seed)
    shift = pd.to_timedelta(rng.integers(86_400, 20 * 86_400, missing), unit="s")
    extra = extra.assign(
        event_id=[f"X{i:09d}" for i in range(missing)],
        occurred_at=extra["occurred_at"] + shift,
        recorded_at=extra["recorded_at"] + shift,
    )
    return {**tables, "accompaniment_events": pd.concat([events, extra], ignore_index=True)}


def load_1m_with_3m_events() -> dict[str, pd.DataFrame]:
    tables = read_tables(territory_1m(), ("households", "requests", "accompaniment_events"))
    return with_events(tables, 3_000_000)
