"""Serving fixtures: champion models trained once on the small territory, a store holding
its history up to a cut-off, and an app with one key per role."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support import TEST_KEY

HOLDOUT_DAYS = 30
TERRITORY = "nord"  # the social worker's territory
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
def territory_tables(small_territory_dir):
    from features.tables import read_tables

    return read_tables(small_territory_dir)


@pytest.fixture(scope="session")
def history_store_file(territory_tables, tmp_path_factory) -> Path:
    """A SQLite store holding the territory's history before the held-out period."""
    from serving.db import make_engine
    from serving.demo import history_before, holdout_start
    from serving.migrate import upgrade
    from serving.store import Store

    path = tmp_path_factory.mktemp("store") / "aiguillage.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    cutoff = holdout_start(territory_tables["requests"], HOLDOUT_DAYS)
    Store(engine).load_tables(history_before(territory_tables, cutoff))
    engine.dispose()
    return path


@pytest.fixture
def service_dir(history_store_file, tmp_path) -> Path:
    """A data folder with its own copy of the history store."""
    shutil.copy(history_store_file, tmp_path / "aiguillage.db")
    return tmp_path


@pytest.fixture
def settings(service_dir, registry_uri):
    from serving.config import Settings

    return Settings(data_dir=service_dir, mlflow_tracking_uri=registry_uri, model_poll_seconds=0)


class Service:
    """A running app (in process), its store and a key per role."""

    def __init__(self, client, app):
        from serving.security import Role, create_key

        self.client = client
        self.app = app
        self.state = app.state.service
        self.store = self.state.store
        self.keys = {
            role.value: create_key(
                self.store, role, TERRITORY if role == Role.social_worker else None
            )
            for role in Role
        }

    def headers(self, role: str) -> dict[str, str]:
        return {"X-API-Key": self.keys[role]}


@pytest.fixture
def make_service():
    from fastapi.testclient import TestClient

    from serving.app import create_app

    clients = []

    def make(settings) -> Service:
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return Service(client, client.app)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def service(make_service, settings) -> Service:
    return make_service(settings)
