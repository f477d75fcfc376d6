"""Accompaniment events, timelines, Open311, operations endpoints and model swaps."""

from __future__ import annotations

import datetime as dt
import gc

import pandas as pd
import pytest
from mlflow import MlflowClient

from features.vocabulary import SERVICES

pytestmark = pytest.mark.xdist_group("serving")


def _a_household(service) -> str:
    frame = pd.read_sql("SELECT household_id FROM households LIMIT 1", service.store.engine)
    return frame["household_id"].iloc[0]


def test_events_sync_is_replayable_and_shows_in_the_timeline(service):
    h = _a_household(service)
    when = (dt.datetime.now() - dt.timedelta(days=2)).replace(microsecond=0)
    events = {
        "events": [
            {
                "event_id": "synced-1",
                "household_id": h,
                "occurred_at": when.isoformat(),
                "kind": "aide_accordee",
                "service": "action_sociale",
                "amount": 150.0,
            },
            {
                "event_id": "synced-2",
                "household_id": h,
                "occurred_at": when.isoformat(),
                "kind": "crise",
                "crisis_kind": "expulsion",
            },
        ]
    }
    headers = service.headers("intake")
    first = service.client.post("/v1/accompaniment-events", json=events, headers=headers)
    assert first.json() == {"inserted": 2, "already_known": 0}
    again = service.client.post("/v1/accompaniment-events", json=events, headers=headers)
    assert again.json() == {"inserted": 0, "already_known": 2}
    timeline = service.client.get(
        f"/v1/households/{h}/timeline", headers=service.headers("admin")
    ).json()
    labels = [e["label"] for e in timeline["entries"] if e["id"] in ("synced-1", "synced-2")]
    assert labels == ["Aide accordée", "Situation de crise"]
    times = [e["at"] for e in timeline["entries"]]
    assert times == sorted(times)


def test_events_are_validated(service):
    bad = {
        "events": [
            {
                "event_id": "x",
                "household_id": _a_household(service),
                "occurred_at": "2026-01-01T00:00:00",
                "kind": "aide_accordee",
            }
        ]
    }
    response = service.client.post(
        "/v1/accompaniment-events", json=bad, headers=service.headers("intake")
    )
    assert response.status_code == 422 and "amount" in response.text


def test_synced_events_feed_the_next_requests_features(service):
    """The store is the history online features read: crises synced before a request are
    counted in its feature row (the row the risk model scored)."""
    from features.build import batch_features

    h = _a_household(service)
    headers = service.headers("intake")
    now = dt.datetime.now().replace(microsecond=0)
    events = [
        {
            "event_id": f"synced-crisis-{i}",
            "household_id": h,
            "kind": "crise",
            "crisis_kind": "expulsion",
            "occurred_at": (now - dt.timedelta(days=i + 1)).isoformat(),
            # Recorded well before the request: features compare times to the second.
            "recorded_at": (now - dt.timedelta(days=i + 1, hours=-1)).isoformat(),
        }
        for i in range(3)
    ]
    synced = service.client.post(
        "/v1/accompaniment-events", json={"events": events}, headers=headers
    )
    assert synced.json()["inserted"] == 3
    body = {"household_id": h, "channel": "telephone", "description": "Un rendez-vous, svp."}
    answer = service.client.post("/v1/triage", json=body, headers=headers).json()
    tables = service.store.history_frames([h])
    tables["requests"] = tables["requests"].drop(columns=["source"])
    frame = batch_features(tables).set_index("service_request_id")
    assert frame.loc[answer["request_id"], "crises_365d"] == 3


def test_open311_services_post_and_get(service):
    services = service.client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == list(SERVICES)
    headers = service.headers("intake")
    receipt = service.client.post(
        "/open311/v2/requests.json",
        data={"description": "Il y a un nid de poule énorme devant l'école.", "account_id": "A-1"},
        headers=headers,
    )
    assert receipt.status_code == 200, receipt.text
    (first,) = receipt.json()
    assert first["service_notice"].startswith("Votre demande a été transmise")
    got = service.client.get(
        f"/open311/v2/requests/{first['service_request_id']}.json", headers=headers
    )
    (request,) = got.json()
    assert request["status"] == "open" and "description" not in request
    stored = service.store.request(first["service_request_id"])
    assert stored["source"] == "open311" and request["service_code"] == stored["routed_service"]
    missing = service.client.post(
        "/open311/v2/requests.json", data={"account_id": "A-1"}, headers=headers
    )
    assert missing.status_code == 422 and "description" in missing.text


def test_health_ready_metrics_and_models(service):
    assert service.client.get("/health").json() == {"status": "ok"}
    ready = service.client.get("/ready")
    assert ready.status_code == 200 and ready.json()["ready"], ready.text
    body = {
        "household_source_id": "m-1",
        "channel": "courriel",
        "description": "Inscription à la crèche.",
    }
    service.client.post("/v1/triage", json=body, headers=service.headers("intake"))
    metrics = service.client.get("/metrics").text
    assert "aiguillage_triaged_requests_total{outcome=" in metrics
    assert 'route="/v1/triage"' in metrics
    models = service.client.get("/v1/models", headers=service.headers("data_scientist")).json()
    assert models["alias"] == "champion"
    assert models["router"] == service.state.models.current.versions["router"]
    assert len(models["band_cutoffs"]) == 3


def test_moving_the_alias_swaps_the_models_without_restart(service, registry_uri):
    import mlflow

    from serving.config import RISK_MODEL, ROUTER_MODEL

    mlflow.set_tracking_uri(registry_uri)  # new versions resolve their source through it
    client = MlflowClient(registry_uri)
    old = service.state.models.current.versions
    for name in (ROUTER_MODEL, RISK_MODEL):
        current = client.get_model_version_by_alias(name, "champion")
        new = client.create_model_version(name, current.source, current.run_id)
        client.set_registered_model_alias(name, "champion", new.version)
    try:
        reloaded = service.client.post(
            "/v1/admin/models/reload", headers=service.headers("admin")
        ).json()
        assert reloaded["swapped"]
        body = {
            "household_source_id": "s-1",
            "channel": "courriel",
            "description": "Carte d'identité.",
        }
        answer = service.client.post(
            "/v1/triage", json=body, headers=service.headers("intake")
        ).json()
        assert answer["model_versions"]["router"] != old["router"]
        assert answer["model_versions"] == service.state.models.current.versions
        # The models swapped in are out of the garbage collector's sight (gc.freeze): full
        # collections do not walk them again and again while requests wait.
        estimator = service.state.models.current.router.estimator
        assert gc.is_tracked(estimator)
        assert not any(o is estimator for o in gc.get_objects())
    finally:
        for name, key in ((ROUTER_MODEL, "router"), (RISK_MODEL, "risk")):
            client.set_registered_model_alias(name, "champion", old[key])


def test_a_model_needing_features_the_code_lacks_is_refused(make_service, settings, monkeypatch):
    """A model trained by another version of the feature code is not loaded: the service
    says why and keeps answering (routed, unscored) instead of failing every request."""
    from features.registry import FEATURE_NAMES

    monkeypatch.setattr(
        "serving.models.FEATURE_NAMES", tuple(n for n in FEATURE_NAMES if n != "crises_total")
    )
    service = make_service(settings)
    ready = service.client.get("/ready").json()
    assert ready["models"]["risk"] is None and ready["models"]["router"] is not None
    assert any("crises_total" in reason for reason in ready["reasons"])
    body = {"household_source_id": "f-1", "channel": "courriel", "description": "État civil."}
    answer = service.client.post("/v1/triage", json=body, headers=service.headers("intake"))
    assert answer.status_code == 200
    assert not answer.json()["scored"] and answer.json()["route"]["suggestions"]
