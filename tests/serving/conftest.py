"""Serving fixtures: a store holding the territory's history up to a cut-off, and an app with
one key per role (the champion models, `registry_uri`, are in tests/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HOLDOUT_DAYS = 30
TERRITORY = "nord"  # the social worker's territory


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
