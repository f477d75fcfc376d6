"""Decisions in the store, on SQLite and on a real PostgreSQL: the review queue's order,
filters and counts, override rates for monitoring, and labels for retraining (with the
`aiguillage data export-labels` command). Rows are written directly: no model needed."""

from __future__ import annotations

import datetime as dt
import uuid

import pandas as pd
import pytest

from features.vocabulary import BENEFITS
from tests.serving.test_store import _postgres_database, _prediction, _request

pytestmark = pytest.mark.xdist_group("serving")

NOW = dt.datetime(2026, 3, 10, 12)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    from serving.db import make_engine
    from serving.migrate import upgrade
    from serving.store import Store

    urls = (
        iter([f"sqlite:///{tmp_path / 'store.db'}"])
        if request.param == "sqlite"
        else _postgres_database()
    )
    url = next(urls)
    engine = make_engine(url)
    upgrade(engine)
    yield Store(engine)
    engine.dispose()
    for _ in urls:  # drops the PostgreSQL database
        pass


def _household(territory: str) -> dict:
    return {
        "household_id": "h_" + uuid.uuid4().hex[:20],
        "territory": territory,
        "commune": "Valmont",
        "composition": "isole",
        "n_children": 0,
        "age_band": "25-39",
        "housing_status": "locataire_prive",
        "income_band": "faible",
        **{f"benefit_{b}": False for b in BENEFITS},
        "digital_access": "autonome",
    }


# (territory, band, risk, hours ago, routed service, channel)
CASES = [
    ("nord", "P2", 0.30, 80, "logement", "courriel"),
    ("nord", "P1", 0.60, 2, "logement", "guichet"),
    ("nord", "P4", 0.02, 300, "cadre_de_vie", "courriel"),
    ("nord", "P2", 0.45, 10, "energie_precarite", "telephone"),
    ("nord", "P1", 0.55, 30, "action_sociale", "courriel"),
    ("nord", "P3", 0.12, 5, "accueil_general", "guichet"),
    ("sud", "P1", 0.90, 1, "logement", "guichet"),
]


def _load(store) -> list[str]:
    """The cases above, stored as scored requests; returns their ids in CASES order."""
    from sqlalchemy import insert

    from serving.db import households

    ids = []
    for i, (territory, band, risk, hours, service, channel) in enumerate(CASES):
        household = _household(territory)
        with store.engine.begin() as connection:
            connection.execute(insert(households), [household])
        request = _request(i, household["household_id"])
        request["requested_datetime"] = NOW - dt.timedelta(hours=hours)
        request["channel"] = channel
        prediction = _prediction(request["service_request_id"])
        prediction.update(
            band=band, risk=risk, routed_service=service, abstained=service == "accueil_general"
        )
        store.save_scored_requests([request], [prediction])
        ids.append(request["service_request_id"])
    return ids


def _worker(territory="nord"):
    from serving.security import Principal, Role

    return Principal("k" + territory, Role.social_worker, territory)


def _decide(store, request_id, principal, **decision):
    from serving.reviews import Decision, review_row, save_review

    row = store.request(request_id)
    save_review(
        store.engine, principal, review_row(principal, request_id, row, Decision(**decision))
    )


def test_queue_order_filters_counts_and_lateness(store, monkeypatch):
    from serving.console import queue
    from serving.console.queue import ALL, HANDLED, QueueFilters, queue_page

    ids = _load(store)
    worker = _worker()
    page = queue_page(store, worker, QueueFilters(), NOW)
    # Band first, then risk (highest first): the other territory's P1 never shows.
    expected = sorted(
        (i for i, case in enumerate(CASES) if case[0] == "nord"),
        key=lambda i: (CASES[i][1], -CASES[i][2]),
    )
    assert [r.request_id for r in page.rows] == [ids[i] for i in expected]
    assert page.band_counts == {"P1": 2, "P2": 2, "P3": 1, "P4": 1, "": 0}
    late = {r.request_id for r in page.rows if r.late}
    # P2 received 80 h ago (> 72 h) and P1 30 h ago (> 24 h) are late; P4 has no deadline.
    assert late == {ids[0], ids[4]}

    only_p2 = queue_page(store, worker, QueueFilters(band="P2"), NOW)
    assert [r.band for r in only_p2.rows] == ["P2", "P2"] and only_p2.total == 2
    assert only_p2.band_counts["P1"] == 2  # counts ignore the band filter
    by_channel = queue_page(store, worker, QueueFilters(channel="guichet"), NOW)
    assert {r.request_id for r in by_channel.rows} == {ids[1], ids[5]}
    recent = QueueFilters(received_from=(NOW - dt.timedelta(hours=20)).date())
    assert {r.request_id for r in queue_page(store, worker, recent, NOW).rows} == {
        ids[i]
        for i, c in enumerate(CASES)
        if c[0] == "nord"
        and NOW - dt.timedelta(hours=c[3]) >= dt.datetime.combine(recent.received_from, dt.time())
    }

    # An override moves the request to its new band and out of "to review".
    _decide(
        store, ids[2], worker, decision="override", band="P1", reason_code="urgence_sous_estimee"
    )
    after = queue_page(store, worker, QueueFilters(), NOW)
    assert ids[2] not in [r.request_id for r in after.rows]
    everything = queue_page(store, worker, QueueFilters(status=ALL), NOW)
    assert [r.band for r in everything.rows][:3] == ["P1", "P1", "P1"]
    moved = next(r for r in everything.rows if r.request_id == ids[2])
    assert (moved.band, moved.suggested_band, moved.status) == ("P1", "P4", "decidee")
    _decide(store, ids[1], worker, decision="accept", handled=True)
    handled = queue_page(store, worker, QueueFilters(status=HANDLED), NOW)
    assert [r.request_id for r in handled.rows] == [ids[1]]
    assert store.request(ids[1])["status"] == "closed"

    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    pages = [queue_page(store, worker, QueueFilters(status=ALL, page=n), NOW) for n in (1, 2, 3)]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [r.request_id for p in pages for r in p.rows] == [r.request_id for r in everything.rows]


def test_decisions_are_checked(store):
    from serving.reviews import Decision, DecisionError, review_row

    ids = _load(store)
    row = store.request(ids[0])  # suggested: logement, P2
    worker = _worker()
    with pytest.raises(DecisionError, match="motif"):
        review_row(worker, ids[0], row, Decision("override", band="P1"))
    with pytest.raises(DecisionError, match="Rien n'est modifié"):
        review_row(worker, ids[0], row, Decision("override", "logement", "P2", "autre", "vu"))
    with pytest.raises(DecisionError, match="Autre"):
        review_row(worker, ids[0], row, Decision("override", band="P1", reason_code="autre"))
    with pytest.raises(DecisionError):
        review_row(worker, ids[0], row, Decision("maybe"))
    both = review_row(
        worker, ids[0], row, Decision("override", "action_sociale", "P1", "demande_multiple")
    )
    assert both["route_overridden"] and both["band_overridden"]
    assert (both["suggested_service"], both["suggested_band"]) == ("logement", "P2")
    accepted = review_row(worker, ids[0], row, Decision("accept", "cadre_de_vie", "P4", "autre"))
    assert (accepted["service"], accepted["band"], accepted["reason_code"]) == (
        "logement",
        "P2",
        None,
    )


def test_override_rates_and_labels(store, tmp_path):
    from serving.reviews import label_frame, override_rates, write_labels
    from serving.store import utcnow

    ids = _load(store)
    worker = _worker()
    start = utcnow()
    _decide(store, ids[0], worker, decision="accept")  # logement P2
    _decide(
        store,
        ids[1],
        worker,
        decision="override",
        service="action_sociale",
        reason_code="service_inadapte",
        comment="Voir avec Mme X.",
    )  # logement P1
    _decide(
        store, ids[3], worker, decision="override", band="P3", reason_code="urgence_surestimee"
    )  # energie P2
    # A later decision replaces the first one on the same request: counted once.
    _decide(
        store, ids[0], worker, decision="override", band="P1", reason_code="urgence_sous_estimee"
    )
    rates = override_rates(store.engine, since=start).set_index(["service", "band"])
    assert rates.loc[("logement", "P2"), ["decisions", "overrides", "band_overrides"]].tolist() == [
        1,
        1,
        1,
    ]
    assert rates.loc[
        ("logement", "P1"), ["decisions", "route_overrides", "band_overrides"]
    ].tolist() == [1, 1, 0]
    assert rates.loc[("energie_precarite", "P2"), "override_rate"] == 1.0
    assert int(rates["decisions"].sum()) == 3
    assert override_rates(store.engine, until=start).empty

    labels = label_frame(store.engine)
    assert len(labels) == 3 and "comment" not in labels.columns
    first = labels.set_index("service_request_id").loc[ids[0]]
    assert (first["final_band"], first["reason_code"], first["decision"]) == (
        "P1",
        "urgence_sous_estimee",
        "override",
    )
    assert labels.set_index("service_request_id").loc[ids[1], "final_service"] == "action_sociale"
    assert labels["household_id"].str.match(r"^h_[0-9a-f]{20}$").all()
    out = tmp_path / "labels.parquet"
    write_labels(labels, out)
    pd.testing.assert_frame_equal(pd.read_parquet(out), labels, check_dtype=False)


def test_export_labels_command(tmp_path):
    from typer.testing import CliRunner

    from aiguillage import app
    from serving.db import make_engine
    from serving.migrate import upgrade
    from serving.store import Store

    engine = make_engine(f"sqlite:///{tmp_path / 'aiguillage.db'}")
    upgrade(engine)
    store = Store(engine)
    ids = _load(store)
    _decide(
        store,
        ids[0],
        _worker(),
        decision="override",
        service="action_sociale",
        reason_code="autre",
        comment="Texte libre qui ne doit jamais sortir.",
    )
    _decide(store, ids[2], _worker(), decision="accept")
    out = tmp_path / "labels.csv"
    result = CliRunner().invoke(
        app, ["data", "export-labels", "--out", str(out), "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "2 label(s)" in result.output and "1 override(s)" in result.output
    exported = pd.read_csv(out)
    assert sorted(exported["service_request_id"]) == sorted([ids[0], ids[2]])
    assert "jamais sortir" not in out.read_text()
    assert exported.set_index("service_request_id").loc[ids[0], "final_service"] == "action_sociale"
