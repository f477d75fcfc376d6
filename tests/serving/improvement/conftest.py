"""Improvement fixtures: the small territory as a Cases frame, and its contract tables."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def small_cases(small_territory_dir):
    from serving.improvement.cases import cases_from_folder

    return cases_from_folder(small_territory_dir)


@pytest.fixture(scope="session")
def small_requests(small_territory_dir):
    """The raw requests table, read with plain pandas (the independent side of checks)."""
    import pandas as pd

    return pd.read_parquet(small_territory_dir / "requests.parquet")
