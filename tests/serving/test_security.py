"""Keys, roles, territories, audit, rate limits, headers and logs without personal data."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from tests.serving.conftest import TERRITORY

pytestmark = pytest.mark.xdist_group("serving")

BODY = {"household_source_id": "S-1", "channel": "courriel", "description": "Bonjour."}


def _household_in(service, territory: str, inside: bool) -> str:
    frame = pd.read_sql("SELECT household_id, territory FROM households", service.store.engine)
    pick = frame[(frame["territory"] == territory) == inside]
    return pick["household_id"].iloc[0]


def _audit(service) -> pd.DataFrame:
    return pd.read_sql("SELECT * FROM audit_log", service.store.engine)


def test_without_a_valid_key_nothing_is_served_or_stored(service):
    before = service.store.count("requests")
    for headers in ({}, {"X-API-Key": "aig_nope_nope"}, {"X-API-Key": "garbage"}):
        assert service.client.post("/v1/triage", json=BODY, headers=headers).status_code == 401
    key = service.keys["intake"]
    forged = key[: key.rindex("_") + 1] + "x" * 43
    assert (
        service.client.post("/v1/triage", json=BODY, headers={"X-API-Key": forged}).status_code
        == 401
    )
    assert service.store.count("requests") == before


def test_a_revoked_key_stops_working(service):
    key = service.keys["intake"]
    assert (
        service.client.post("/v1/triage", json=BODY, headers={"X-API-Key": key}).status_code == 200
    )
    assert service.store.revoke_key(key.split("_")[1])
    assert (
        service.client.post("/v1/triage", json=BODY, headers={"X-API-Key": key}).status_code == 401
    )


@pytest.mark.parametrize(
    ("role", "method", "path", "allowed"),
    [
        ("social_worker", "post", "/v1/triage", False),
        ("data_scientist", "post", "/v1/triage", False),
        ("intake", "get", "/v1/models", False),
        ("social_worker", "get", "/v1/models", False),
        ("data_scientist", "get", "/v1/models", True),
        ("intake", "get", "/v1/households/{h}/timeline", False),
        ("data_scientist", "get", "/v1/households/{h}/timeline", False),
        ("social_worker", "get", "/v1/households/{h}/timeline", True),
        ("admin", "get", "/v1/households/{h}/timeline", True),
        ("data_scientist", "post", "/v1/admin/models/reload", False),
        ("admin", "post", "/v1/admin/models/reload", True),
    ],
)
def test_roles(service, role, method, path, allowed):
    h = _household_in(service, TERRITORY, inside=True)
    kwargs = {"json": BODY} if method == "post" and "triage" in path else {}
    response = getattr(service.client, method)(
        path.format(h=h), headers=service.headers(role), **kwargs
    )
    assert (response.status_code == 200) == allowed, response.text
    if not allowed:
        assert response.status_code == 403


def test_social_workers_read_only_their_territory_and_every_read_is_audited(service):
    mine = _household_in(service, TERRITORY, inside=True)
    other = _household_in(service, TERRITORY, inside=False)
    headers = service.headers("social_worker")
    before = len(_audit(service))
    timeline = service.client.get(f"/v1/households/{mine}/timeline", headers=headers)
    assert timeline.status_code == 200
    assert timeline.json()["entries"], "the loaded history shows in the timeline"
    household = timeline.json()["household"]
    assert household["territory"] == TERRITORY
    assert not {"language", "disability", "nationality", "qpv"} & set(household)
    assert (
        service.client.get(f"/v1/households/{other}/timeline", headers=headers).status_code == 404
    )
    audit = _audit(service).iloc[before:]
    assert list(audit["subject_id"]) == [mine]  # the refused read revealed nothing
    assert audit["action"].iloc[0] == "read_timeline"
    assert audit["actor"].iloc[0] == service.keys["social_worker"].split("_")[1]


def test_reading_a_request_and_its_explanation_is_audited(service):
    h = _household_in(service, TERRITORY, inside=True)
    body = {"household_id": h, "channel": "guichet", "description": "Demande d'aide pour le loyer."}
    answer = service.client.post("/v1/triage", json=body, headers=service.headers("intake")).json()
    audit = _audit(service)
    assert ((audit["action"] == "score") & (audit["subject_id"] == h)).any()
    detail = service.client.get(
        f"/v1/requests/{answer['request_id']}", headers=service.headers("social_worker")
    )
    assert detail.status_code == 200
    assert detail.json()["triage"]["reasons"] == answer["reasons"]
    audit = _audit(service)
    assert (
        (audit["action"] == "read_request") & (audit["subject_id"] == answer["request_id"])
    ).any()
    outsider = service.client.get(
        f"/v1/requests/{answer['request_id']}", headers=service.headers("data_scientist")
    )
    assert outsider.status_code == 403


def test_rate_limits_are_per_key(make_service, settings):
    limited = settings.model_copy(update={"rate_limit_per_second": 0.01, "rate_limit_burst": 3})
    service = make_service(limited)
    codes = [
        service.client.post("/v1/triage", json=BODY, headers=service.headers("intake")).status_code
        for _ in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    refused = service.client.post("/v1/triage", json=BODY, headers=service.headers("intake"))
    assert int(refused.headers["Retry-After"]) >= 1
    other = service.client.get("/v1/models", headers=service.headers("data_scientist"))
    assert other.status_code == 200


def test_security_headers_and_closed_cors(service):
    response = service.client.get("/health", headers={"Origin": "https://evil.example"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "access-control-allow-origin" not in response.headers
    preflight = service.client.options(
        "/v1/triage",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_logs_carry_no_text_and_no_ids(service, caplog):
    secret_text = "Mon voisin Jean-Baptiste Lemoine me menace"
    body = {"household_source_id": "SRC-777-XYZ", "channel": "courriel", "description": secret_text}
    with caplog.at_level(logging.DEBUG):
        answer = service.client.post(
            "/v1/triage", json=body, headers=service.headers("intake")
        ).json()
        service.client.get(f"/v1/requests/{answer['request_id']}", headers=service.headers("admin"))
    from serving.logs import JsonFormatter

    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in caplog.records if r.name.startswith("aiguillage")]
    assert any('"route": "/v1/requests/{request_id}"' in line for line in lines)
    text = "\n".join(lines)
    for private in ("Lemoine", "SRC-777-XYZ", answer["household_id"], answer["request_id"]):
        assert private not in text
