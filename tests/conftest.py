"""Shared fixtures: a small seeded synthetic territory, built once per test session."""

from __future__ import annotations

import os
import sys
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


MLFLOW_GLOBALS = ("MLFLOW_TRACKING_URI", "MLFLOW_EXPERIMENT_ID", "MLFLOW_EXPERIMENT_NAME")


@pytest.fixture(autouse=True)
def _mlflow_globals():
    """mlflow.set_tracking_uri and set_experiment write os.environ (and module globals):
    restore them after each test so no test inherits another's tracking store."""
    saved = {name: os.environ.get(name) for name in MLFLOW_GLOBALS}
    yield
    if "mlflow" in sys.modules:
        import mlflow

        mlflow.set_tracking_uri(saved["MLFLOW_TRACKING_URI"])  # None unsets it
        mlflow.tracking.fluent._active_experiment_id = None
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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


# A quick training: one router candidate, a small risk model. Real training, real registry.
QUICK = {"router": {"candidates": ["linear"]}, "risk": {"rounds": 60}}


@pytest.fixture(scope="session")
def registry_uri(small_territory_dir, tmp_path_factory) -> str:
    """An MLflow registry whose @champion aliases name freshly trained models."""
    from training.config import RISK_MODEL, ROUTER_MODEL, TrainConfig
    from training.pipeline import train
    from training.tracking import CHAMPION, set_alias

    mlflow_dir = tmp_path_factory.mktemp("registry")
    with pytest.MonkeyPatch.context() as patch:
        # Undone on exit: mlflow writes both into os.environ while training.
        patch.delenv("MLFLOW_TRACKING_URI", raising=False)
        patch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
        patch.setenv("AIGUILLAGE_PSEUDONYM_KEY", TEST_KEY.decode())
        result = train(small_territory_dir, TrainConfig.model_validate(QUICK), mlflow_dir)
        set_alias(ROUTER_MODEL, CHAMPION, result.router_version)
        set_alias(RISK_MODEL, CHAMPION, result.risk_version)
    return f"sqlite:///{mlflow_dir / 'mlflow' / 'mlflow.db'}"


@pytest.fixture(scope="session")
def spark():
    """A local Spark session on two cores (pyspark and Java 17 are in the test environment)."""
    from features.spark import session

    spark = session(
        "local[2]",
        "aiguillage-tests",
        {
            "spark.sql.shuffle.partitions": "4",
            "spark.ui.enabled": "false",
            "spark.ui.showConsoleProgress": "false",
        },
    )
    yield spark
    spark.stop()
