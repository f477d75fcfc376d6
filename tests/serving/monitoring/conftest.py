"""Monitoring fixtures: weeks of traffic scored by the real service path (store, features,
champion models trained in a real MLflow registry), unchanged or shifted on purpose."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.serving.conftest import HOLDOUT_DAYS
from tests.serving.monitoring.scenario import close, open_store, score
from tests.support import TEST_KEY

WEEK = dt.timedelta(days=7)


@pytest.fixture(scope="session")
def week(territory_tables) -> tuple[dt.datetime, dt.datetime]:
    """The first week after the history held by the store: where shifts start."""
    from serving.demo import holdout_start

    start = holdout_start(territory_tables["requests"], HOLDOUT_DAYS).to_pydatetime()
    return start, start + WEEK


@pytest.fixture(scope="session")
def champion_models(registry_uri):
    from serving.models import ModelHolder

    holder = ModelHolder(registry_uri, "champion")
    holder.refresh()
    assert not holder.current.problems
    return holder


def shifted_tables(kind: str | None, start: dt.datetime) -> dict:
    from features.synth.config import SynthConfig
    from features.synth.generator import generate
    from features.synth.shifts import Shift
    from tests.conftest import SMALL_TERRITORY

    shifts = (Shift(kind, start),) if kind else ()
    return generate(SynthConfig(**SMALL_TERRITORY), TEST_KEY, shifts=shifts).tables()


@pytest.fixture(scope="session")
def scored_week(history_store_file, champion_models, week, tmp_path_factory):
    """kind (None: unchanged) -> (data folder whose store holds the history and the week
    scored, with final routes arrived; the week's rows with their stored ids). Built once
    per kind; copy the folder before writing to it."""
    built: dict = {}

    def build(kind: str | None):
        if kind not in built:
            folder = tmp_path_factory.mktemp(f"week-{kind or 'unchanged'}")
            shutil.copy(history_store_file, folder / "aiguillage.db")
            store = open_store(folder / "aiguillage.db")
            rows = score(store, champion_models, shifted_tables(kind, week[0]), *week)
            close(store, rows)
            store.engine.dispose()
            built[kind] = (folder, rows)
        return built[kind]

    return build


@pytest.fixture
def week_copy(scored_week, tmp_path):
    """A private copy of a scored week's data folder."""

    def copy(kind: str | None) -> Path:
        folder, _ = scored_week(kind)
        shutil.copy(folder / "aiguillage.db", tmp_path / "aiguillage.db")
        return tmp_path

    return copy


@pytest.fixture
def monitor_settings(registry_uri):
    from serving.config import Settings

    def make(data_dir: Path, **overrides):
        return Settings(
            data_dir=data_dir, mlflow_tracking_uri=registry_uri, model_poll_seconds=0, **overrides
        )

    return make
