"""Every invalid payload is a 422 naming the field, and nothing is stored half-way."""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = pytest.mark.xdist_group("serving")

GOOD = {
    "household_source_id": "S-9",
    "channel": "courriel",
    "description": "Bonjour, une question.",
}
TOMORROW = (dt.datetime.now() + dt.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "pigeon"}, "channel"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "a" * 20_000}, "description"),
        ({"received_at": "pas une date"}, "received_at"),
        ({"received_at": "2026-13-45T10:00:00"}, "received_at"),
        ({"received_at": TOMORROW}, "received_at"),
        ({"received_at": "1899-05-01T10:00:00"}, "received_at"),
        ({"description": 12345}, "description"),
        ({"channel": ["courriel"]}, "channel"),
        ({"household_id": "not-a-pseudonym", "household_source_id": None}, "household_id"),
        ({"nickname": "Jo"}, "nickname"),
    ],
)
def test_invalid_payloads_name_the_field(service, change, field):
    before = service.store.count("requests")
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    response = service.client.post("/v1/triage", json=body, headers=service.headers("intake"))
    assert response.status_code == 422, response.text
    locations = [e["loc"] for e in response.json()["detail"]]
    assert any(field in loc for loc in locations), locations
    assert service.store.count("requests") == before


def test_both_or_no_household_reference_is_refused(service):
    for body in (
        {**GOOD, "household_id": "h_" + "0" * 20},
        {k: v for k, v in GOOD.items() if k != "household_source_id"},
    ):
        response = service.client.post("/v1/triage", json=body, headers=service.headers("intake"))
        assert response.status_code == 422
        assert "household" in response.text


def test_unknown_households_are_refused_in_strict_mode(make_service, settings):
    service = make_service(settings.model_copy(update={"strict_households": True}))
    before = service.store.count("requests")
    response = service.client.post("/v1/triage", json=GOOD, headers=service.headers("intake"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "household_id"]
    assert service.store.count("requests") == before


def test_a_body_above_the_limit_is_413_and_nothing_is_stored(make_service, settings):
    service = make_service(settings.model_copy(update={"max_body_bytes": 5_000}))
    before = service.store.count("requests")
    big = {"requests": [GOOD] * 200}
    response = service.client.post("/v1/triage/batch", json=big, headers=service.headers("intake"))
    assert response.status_code == 413
    assert service.store.count("requests") == before


def test_a_batch_above_the_limit_is_refused(make_service, settings):
    service = make_service(settings.model_copy(update={"max_batch": 5}))
    response = service.client.post(
        "/v1/triage/batch", json={"requests": [GOOD] * 6}, headers=service.headers("intake")
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == [
        "body",
        "requests",
    ]


def test_not_json_is_422(service):
    response = service.client.post(
        "/v1/triage",
        content=b"{not json",
        headers={**service.headers("intake"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
