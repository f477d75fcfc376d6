"""End to end over real HTTP: a real uvicorn on a loopback port, a real SQLite store, the
champion models from a real MLflow registry."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from mlflow import MlflowClient

from tests.serving.conftest import HOLDOUT_DAYS, TERRITORY
from tests.serving.server import Server

pytestmark = [pytest.mark.xdist_group("serving"), pytest.mark.slow]


@pytest.fixture
def keys(service_dir):
    from serving.db import make_engine
    from serving.security import Role, create_key
    from serving.store import Store

    engine = make_engine(f"sqlite:///{service_dir / 'aiguillage.db'}")
    store = Store(engine)
    made = {
        r.value: create_key(store, r, TERRITORY if r == Role.social_worker else None) for r in Role
    }
    engine.dispose()
    return made


@pytest.fixture
def server(service_dir, registry_uri):
    running = Server(service_dir, registry_uri, AIGUILLAGE_MODEL_POLL_SECONDS="0.5").start()
    yield running
    running.stop()


def _store(service_dir):
    from serving.db import make_engine
    from serving.store import Store

    return Store(make_engine(f"sqlite:///{service_dir / 'aiguillage.db'}"))


def test_main_flows_over_http(server, keys):
    with httpx.Client(base_url=server.url, timeout=30) as http:
        intake = {"X-API-Key": keys["intake"]}
        body = {
            "household_source_id": "e2e-1",
            "channel": "formulaire_web",
            "description": "C'est urgent : je ne peux plus payer le gaz, coupure demain.",
        }
        answer = http.post("/v1/triage", json=body, headers=intake).json()
        assert answer["scored"] and answer["urgent"] and answer["band"] in ("P1", "P2")
        single = http.post("/v1/triage", json=body, headers=intake)
        assert single.headers.get("connection") != "close"  # kept alive
        batched = http.post("/v1/triage/batch", json={"requests": [body] * 3}, headers=intake)
        # closed after a batch, so that the next call goes to a free worker
        assert batched.headers["connection"] == "close"
        batch = batched.json()
        assert len(batch["results"]) == 3
        admin = {"X-API-Key": keys["admin"]}
        detail = http.get(f"/v1/requests/{answer['request_id']}", headers=admin).json()
        assert detail["triage"]["risk"] == answer["risk"]
        timeline = http.get(
            f"/v1/households/{answer['household_id']}/timeline", headers=admin
        ).json()
        assert len(timeline["entries"]) == 5
        schema = http.get("/openapi.json").json()
        assert "/v1/triage" in schema["paths"] and "/open311/v2/requests.json" in schema["paths"]
        assert http.get("/ready").json()["ready"]


def _replay_in_thread(url, key, data, limit, rate, out):
    from serving.demo import replay

    def run():
        out["figures"] = replay(url, key, data, HOLDOUT_DAYS, rate, limit, 4, None)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_kill_9_during_a_replay_loses_no_acknowledged_request(
    service_dir, registry_uri, keys, small_territory_dir
):
    server = Server(service_dir, registry_uri).start()
    store = _store(service_dir)
    before = store.count("requests")
    out: dict = {}
    thread = _replay_in_thread(server.url, keys["intake"], small_territory_dir, 150, 60, out)
    try:
        while store.count("requests") < before + 40:  # well into the replay
            time.sleep(0.05)
        server.kill()
        killed_at = store.count("requests") - before
        time.sleep(1)
        server = Server(service_dir, registry_uri, port=server.port).start()
        thread.join(timeout=300)
    finally:
        server.stop()
    figures = out["figures"]
    assert figures.failed == 0 and len(figures.answers) == 150
    assert 40 <= killed_at < 150  # the kill happened mid-replay
    acknowledged = {a["request_id"] for a in figures.answers}
    assert len(acknowledged) == 150  # one request id per replayed request, retries included
    with store.engine.connect() as connection:
        rows = (
            connection.exec_driver_sql(
                "SELECT service_request_id FROM requests WHERE source = 'api'"
            )
            .scalars()
            .all()
        )
    assert len(rows) == len(set(rows)) == 150  # exactly once each
    assert acknowledged == set(rows)


def test_moving_the_champion_during_a_replay_fails_no_request(
    server, keys, registry_uri, small_territory_dir
):
    import mlflow

    from serving.config import RISK_MODEL, ROUTER_MODEL

    mlflow.set_tracking_uri(registry_uri)  # new versions resolve their source through it
    client = MlflowClient(registry_uri)
    old = {
        name: client.get_model_version_by_alias(name, "champion")
        for name in (ROUTER_MODEL, RISK_MODEL)
    }
    out: dict = {}
    thread = _replay_in_thread(server.url, keys["intake"], small_territory_dir, 200, 40, out)
    time.sleep(1.5)
    new = {}
    try:
        for name, version in old.items():
            new[name] = client.create_model_version(name, version.source, version.run_id).version
            client.set_registered_model_alias(name, "champion", new[name])
        thread.join(timeout=300)
    finally:
        for name, version in old.items():
            client.set_registered_model_alias(name, "champion", version.version)
    figures = out["figures"]
    assert figures.failed == 0 and len(figures.answers) == 200
    routers = [a["model_versions"]["router"] for a in figures.answers]
    assert routers[0] == str(old[ROUTER_MODEL].version)
    assert routers[-1] == str(new[ROUTER_MODEL])
    assert all(a["scored"] for a in figures.answers)


def test_demo_replay_prints_the_figures_seen_through_the_api(server, keys, small_territory_dir):
    from typer.testing import CliRunner

    from aiguillage import app

    result = CliRunner().invoke(
        app,
        ["demo", "replay", "--key", keys["intake"], "--url", server.url, "--rate", "50",
         "--limit", "60", "--data", str(small_territory_dir)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "60 requests sent" in result.output and "0 failed" in result.output
    assert "coverage" in result.output and "risk AUC" in result.output
    # The held-out month ends a full outcome window early: its AUC is known.
    assert "risk AUC nan" not in result.output
