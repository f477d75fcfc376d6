"""Shared fixtures: a small seeded synthetic territory, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import TEST_KEY

# Small but large enough for the realism checks to be statistically meaningful.
SMALL_TERRITORY = {"households": 4_000, "years": 3.0, "seed": 7}


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch, tmp_path):
    """Every test runs with a known key and never touches the developer's key file."""
    monkeypatch.setenv("AIGUILLAGE_PSEUDONYM_KEY", TEST_KEY.decode())
    monkeypatch.setenv("AIGUILLAGE_PSEUDONYM_KEY_FILE", str(tmp_path / "no-such-key"))


@pytest.fixture(scope="session")
def small_territory():
    from features.synth.config import SynthConfig
    from features.synth.generator import generate

    return generate(SynthConfig(**SMALL_TERRITORY), TEST_KEY)


@pytest.fixture(scope="session")
def small_territory_dir(small_territory, tmp_path_factory) -> Path:
    from features.synth.generator import write

    out = tmp_path_factory.mktemp("territory")
    write(small_territory, out)
    return out
