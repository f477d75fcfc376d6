"""POST /v1/triage and /batch against real champion models and a real SQLite store."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.vocabulary import GENERAL_DESK, SERVICES
from serving.demo import payload
from serving.models import AGREEMENT
from tests.serving.conftest import HOLDOUT_DAYS
from tests.support import live_requests

pytestmark = pytest.mark.xdist_group("serving")


@pytest.fixture(scope="module")
def held_out(territory_tables) -> pd.DataFrame:
    from serving.demo import holdout_start

    requests = territory_tables["requests"]
    cutoff = holdout_start(requests, HOLDOUT_DAYS)
    period = requests[requests["requested_datetime"] >= cutoff]
    return period.sort_values("requested_datetime").head(120)


def test_a_triage_answers_route_risk_band_reasons_and_versions(service, held_out):
    row = next(held_out.itertuples())
    response = service.client.post(
        "/v1/triage", json=payload(row), headers=service.headers("intake")
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["household_id"] == row.household_id
    assert answer["route"]["service"] in (*SERVICES, GENERAL_DESK)
    assert len(answer["route"]["suggestions"]) == 3
    assert 0 < answer["risk"] < 1 and answer["band"] in ("P1", "P2", "P3", "P4")
    assert answer["scored"] and answer["unscored_reason"] is None
    assert answer["reasons"] and all(r["text"] for r in answer["reasons"])
    contributions = [abs(r["contribution"]) for r in answer["reasons"]]
    assert contributions == sorted(contributions, reverse=True)
    versions = service.state.models.current.versions
    assert answer["model_versions"] == versions and versions["router"] is not None
    # Stored before the answer, with its prediction.
    stored = service.store.request(answer["request_id"])
    assert (
        stored["description"] == row.description
        and stored["routed_service"] == answer["route"]["service"]
    )
    assert stored["risk"] == pytest.approx(answer["risk"])


def test_routes_and_abstentions_follow_the_thresholds(service, held_out):
    batch = {"requests": [payload(r) for r in held_out.itertuples()]}
    response = service.client.post(
        "/v1/triage/batch", json=batch, headers=service.headers("intake")
    )
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert len(results) == len(held_out)
    thresholds = service.state.models.current.router.thresholds
    abstained = [r for r in results if r["route"]["abstained"]]
    routed = [r for r in results if not r["route"]["abstained"]]
    assert abstained and routed  # both happen on a real period
    for r in routed:
        assert r["route"]["confidence"] >= thresholds[r["route"]["service"]]
        assert r["route"]["suggestions"][0]["service"] == r["route"]["service"]
    for r in abstained:
        top = r["route"]["suggestions"]
        assert r["route"]["service"] == GENERAL_DESK
        assert top[0]["probability"] < thresholds[top[0]["service"]]
        assert [s["probability"] for s in top] == sorted(
            (s["probability"] for s in top), reverse=True
        )
    accuracy = np.mean(
        [
            r["route"]["service"] == t
            for r, t in zip(results, held_out["service_code"], strict=True)
            if not r["route"]["abstained"]
        ]
    )
    assert accuracy > 0.8
    for r in results[::3]:  # the stored prediction is the answer given, part for part
        stored = service.store.request(r["request_id"])
        assert stored["suggestions"] == r["route"]["suggestions"]
        assert stored["reasons"] == r["reasons"] and len(r["reasons"]) == 5
        assert stored["confidence"] == r["route"]["confidence"]


def test_answer_payloads_are_what_the_answer_model_validates_and_dumps(service, held_out):
    """Answers are built as plain values, in the response model's terms: validating one
    gives back the same values, and the same JSON byte for byte (so the hot path skips
    validation, and the stored prediction reuses its parts)."""
    from pydantic_core import to_json

    from serving.intake import answer_payload
    from serving.schemas import TriageAnswer
    from serving.scoring import score

    rows = held_out.head(60)
    live = live_requests(rows)
    tables = service.store.history_columns(rows["household_id"])
    for name in ("household_id", "requested_datetime", "description"):
        column = tables["requests"][name]
        tables["requests"][name] = (*column, *(getattr(r, name) for r in live))
    live_values = {"reassignment_count": 0, "complaint": False}  # as intake stores them
    for name in tables["requests"]:
        if len(tables["requests"][name]) < len(tables["requests"]["description"]):
            value = live_values.get(name)
            tables["requests"][name] = (*tables["requests"][name], *([value] * len(live)))
    answers = score(live, tables, service.state.models.current)
    assert {a.route.abstained for a in answers} == {True, False}
    for request, answer in zip(live, answers, strict=True):
        row = {"household_id": request.household_id,
               "requested_datetime": request.requested_datetime}  # fmt: skip
        payload = answer_payload(request.service_request_id, row, answer)
        model = TriageAnswer.model_validate(payload)
        assert model.model_dump() == payload
        assert model.model_dump_json().encode() == to_json(payload)


def test_a_triaged_request_keeps_the_reading_of_its_text(service, held_out):
    """What the text says is kept with the request, for its household's later requests."""
    from sqlalchemy import select

    from features.signals import NEEDS, READING_VERSION, read_texts
    from serving import db

    text = "Loyer impayé depuis deux mois, il nous manque 450 € ; coupure d'électricité."
    body = {**payload(held_out.iloc[7]), "description": text}
    answer = service.client.post("/v1/triage", json=body, headers=service.headers("intake"))
    assert answer.status_code == 200
    table = db.text_readings
    with service.store.engine.connect() as connection:
        kept = connection.execute(
            select(table).where(table.c.service_request_id == answer.json()["request_id"])
        ).one()
    _, needs, amounts = read_texts([text])
    assert kept.version == READING_VERSION
    assert kept.needs == int(needs[0]) and kept.needs & (1 << NEEDS.index("housing_debt"))
    assert kept.amount == amounts[0] == 450.0


def test_online_answers_equal_the_batch_features_of_the_same_history(
    service, held_out, territory_tables
):
    """The risk served equals the risk of the training code path (batch features over the
    store's tables, the new request included) scored by the same model."""
    from features.build import batch_features, model_inputs

    row = held_out.iloc[5]
    answer = service.client.post(
        "/v1/triage", json=payload(row), headers=service.headers("intake")
    ).json()
    tables = service.store.history_frames([row.household_id])
    tables["requests"] = tables["requests"].drop(columns=["source"])
    frame = batch_features(tables)
    mine = frame[frame["service_request_id"] == answer["request_id"]]
    risk = service.state.models.current.risk
    expected = risk.estimator.predict_proba(model_inputs(mine, risk.features))[:, 1]
    assert answer["risk"] == pytest.approx(float(expected[0]), rel=1e-9)
    router = service.state.models.current.router
    expected = router.estimator.predict_proba(model_inputs(mine, router.features))[0]
    top = router.classes[int(np.argmax(expected))]
    assert answer["route"]["suggestions"][0]["service"] == top
    # The direct paths (used online) give the estimators' own answers on a whole period.
    assert router.direct
    period = batch_features(territory_tables, start=held_out["requested_datetime"].min())
    inputs = model_inputs(period, router.features)
    np.testing.assert_allclose(
        router.predict_proba(inputs), router.estimator.predict_proba(inputs), atol=AGREEMENT
    )
    inputs = model_inputs(period, risk.features)
    direct, _ = risk.score(inputs)
    np.testing.assert_allclose(direct, risk.estimator.predict_proba(inputs)[:, 1], rtol=1e-9)


def test_models_read_online_values_as_they_read_model_inputs(service, held_out, territory_tables):
    """Online, the risk model encodes feature codes directly and the router reads only the
    columns its plan uses: the same matrix and probabilities as through model inputs."""
    from features.build import LiveRequest, model_input_values, online_values
    from features.history import History

    tables = [territory_tables[t] for t in ("households", "requests", "accompaniment_events")]
    live = live_requests(held_out.head(400))
    first = live[0]  # a household the store does not know: categories missing
    live.append(LiveRequest("h_" + "0" * 20, first.requested_datetime, "courriel", "Bonjour."))
    values = online_values(live, History.from_tables(*tables))
    risk = service.state.models.current.risk
    through_inputs = risk.encode(model_input_values(values, risk.encoded_features))
    assert (through_inputs[-1] == -1).any()  # the unknown household's categories
    np.testing.assert_array_equal(risk.encode_values(values), through_inputs)
    router = service.state.models.current.router
    assert len(router.read_features) < len(router.features)
    np.testing.assert_array_equal(
        router.predict_proba(model_input_values(values, router.read_features)),
        router.predict_proba(model_input_values(values, router.features)),
    )


def test_a_batch_is_stored_in_one_transaction(service, held_out):
    before = service.store.count("requests")
    rows = [payload(r) for r in held_out.head(10).itertuples()]
    rows[7]["channel"] = "pigeon"
    response = service.client.post(
        "/v1/triage/batch", json={"requests": rows}, headers=service.headers("intake")
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][:4] == ["body", "requests", 7, "channel"]
    assert service.store.count("requests") == before
    rows[7]["channel"] = "courriel"
    response = service.client.post(
        "/v1/triage/batch", json={"requests": rows}, headers=service.headers("intake")
    )
    assert response.status_code == 200
    assert service.store.count("requests") == before + 10
    assert service.store.count("predictions") == 10  # history rows carry none
    # Request ids sort in arrival order (UUIDv7), so that a call's rows land on the last
    # pages of the indexes keyed by request: random ids would be in order once in 10!.
    ids = [a["request_id"] for a in response.json()["results"]]
    later = service.client.post("/v1/triage", json=rows[0], headers=service.headers("intake"))
    assert ids == sorted(ids) and ids[-1] < later.json()["request_id"]
    assert len(set(ids)) == 10 and all(len(i) == 32 for i in ids)


def test_an_idempotency_key_gives_the_same_answer_and_one_row(service, held_out):
    row = payload(held_out.iloc[3])
    headers = {**service.headers("intake"), "Idempotency-Key": "intake-42"}
    before = service.store.count("requests")
    first = service.client.post("/v1/triage", json=row, headers=headers)
    second = service.client.post("/v1/triage", json=row, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert service.store.count("requests") == before + 1
    other = service.client.post(
        "/v1/triage", json={**row, "description": row["description"] + " Merci."}, headers=headers
    )
    assert other.status_code == 422 and other.json()["detail"][0]["loc"] == [
        "header",
        "Idempotency-Key",
    ]
    assert service.store.count("requests") == before + 1


def test_a_source_id_is_pseudonymised_on_arrival(service):
    from features.pseudonym import pseudonymise
    from tests.support import TEST_KEY

    body = {
        "household_source_id": "CAF-123456",
        "channel": "guichet",
        "description": "Je souhaite une aide pour ma facture d'électricité.",
    }
    answer = service.client.post("/v1/triage", json=body, headers=service.headers("intake")).json()
    assert answer["household_id"] == pseudonymise("CAF-123456", TEST_KEY)
    with service.store.engine.connect() as connection:
        dump = "\n".join(str(r) for r in connection.exec_driver_sql("SELECT * FROM requests").all())
    assert "CAF-123456" not in dump


def test_without_models_the_service_is_degraded_but_loses_nothing(make_service, settings, tmp_path):
    from serving.config import Settings

    empty = Settings(
        data_dir=settings.data_dir,
        mlflow_tracking_uri=f"sqlite:///{tmp_path / 'empty-registry.db'}",
        model_poll_seconds=0,
    )
    service = make_service(empty)
    ready = service.client.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["degraded"] and any("champion" in r for r in ready.json()["reasons"])
    body = {
        "household_source_id": "x1",
        "channel": "courriel",
        "description": "Bonjour, une question.",
    }
    response = service.client.post("/v1/triage", json=body, headers=service.headers("intake"))
    assert response.status_code == 200
    answer = response.json()
    assert answer["route"]["service"] == GENERAL_DESK and not answer["scored"]
    assert answer["unscored_reason"] and answer["risk"] is None
    assert service.store.request(answer["request_id"])["scored"] is False
