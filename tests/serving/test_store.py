"""The store on both backends: SQLite (embedded default) and PostgreSQL (for real, when a
server is reachable on 127.0.0.1:5432; otherwise these cases skip and say so)."""

from __future__ import annotations

import os
import threading
import uuid

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.exc import IntegrityError

pytestmark = pytest.mark.xdist_group("serving")

POSTGRES_ADMIN = os.environ.get(
    "AIGUILLAGE_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_database():
    """A fresh database on the local PostgreSQL server, dropped afterwards."""
    import psycopg
    from sqlalchemy import make_url

    admin = make_url(POSTGRES_ADMIN)
    try:
        connection = psycopg.connect(
            host=admin.host,
            port=admin.port,
            user=admin.username,
            dbname=admin.database,
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as error:
        pytest.skip(
            f"PostgreSQL not reachable at {admin.host}:{admin.port} ({error}); "
            "the store was tested on SQLite only"
        )
    name = f"aiguillage_test_{uuid.uuid4().hex[:10]}"
    connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        connection.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def store(store_url):
    from serving.db import make_engine
    from serving.migrate import upgrade
    from serving.store import Store

    engine = make_engine(store_url)
    upgrade(engine)
    yield Store(engine)
    engine.dispose()


def _request(i: int, household: str = "h_" + "1" * 20) -> dict:
    import datetime as dt

    when = dt.datetime(2026, 3, 1, 9) + dt.timedelta(hours=i)
    return {
        "service_request_id": f"r{i}-{uuid.uuid4().hex[:6]}",
        "household_id": household,
        "channel": "courriel",
        "requested_datetime": when,
        "description": "Bonjour.",
        "motive": None,
        "initial_service_code": None,
        "service_code": None,
        "agency_responsible": None,
        "status": "open",
        "assigned_datetime": None,
        "first_response_datetime": None,
        "closed_datetime": None,
        "expected_datetime": None,
        "updated_datetime": when,
        "reassignment_count": 0,
        "complaint": False,
        "source": "api",
    }


def _prediction(request_id: str) -> dict:
    from serving.store import utcnow

    return {
        "service_request_id": request_id,
        "routed_service": "logement",
        "abstained": False,
        "confidence": 0.97,
        "suggestions": [{"service": "logement", "probability": 0.97}],
        "risk": 0.1,
        "band": "P3",
        "urgent": False,
        "reasons": [],
        "scored": True,
        "unscored_reason": None,
        "router_version": "1",
        "risk_version": "1",
        "created_at": utcnow(),
    }


def _first_households(territory, households) -> dict:
    """The contract tables of some households of a territory."""
    return {
        name: frame[frame["household_id"].isin(households)]
        for name, frame in territory.tables().items()
        if name in ("households", "requests", "accompaniment_events")
    }


def test_migrations_create_every_table_and_are_idempotent(store):
    from serving.db import metadata
    from serving.migrate import current_tables, upgrade

    assert set(metadata.tables) <= current_tables(store.engine)
    upgrade(store.engine)  # a second upgrade is a no-op
    assert store.count("requests") == 0


def test_a_territory_reads_back_as_the_same_features(store, small_territory):
    """What the store holds feeds the feature code exactly as the files do."""
    from features.build import batch_features

    households = small_territory.households["household_id"].iloc[:150]
    tables = _first_households(small_territory, households)
    store.load_tables(tables)
    read = store.history_frames(households)
    read["requests"] = read["requests"].drop(columns=["source"])
    ours = batch_features(read).sort_values("service_request_id").reset_index(drop=True)
    theirs = batch_features(tables).sort_values("service_request_id").reset_index(drop=True)
    assert len(ours) == len(tables["requests"]) > 100
    numeric = [c for c in ours.columns if ours[c].dtype == np.float64]
    np.testing.assert_allclose(ours[numeric].to_numpy(), theirs[numeric].to_numpy(), equal_nan=True)
    pd.testing.assert_frame_equal(ours.drop(columns=numeric), theirs.drop(columns=numeric))


def _history(columns: dict) -> object:
    from features.history import History

    return History.from_tables(
        columns["households"], columns["requests"], columns["accompaniment_events"]
    )


def test_kept_text_readings_replace_past_texts_until_the_reading_code_changes(
    store, small_territory
):
    """Past texts are not read again: the store keeps each request's reading and the
    history read online carries it in place of the text. A reading made by another version
    of the reading code is not used: its text is fetched and read afresh. Either way the
    history holds the readings of the texts themselves."""
    from sqlalchemy import update

    from features.signals import READING_VERSION, read_texts
    from serving import db

    households = small_territory.households["household_id"].iloc[:100]
    tables = _first_households(small_territory, households)
    store.load_tables(tables)
    fresh = _history(store.history_frames(households)).requests  # texts read here
    kept = store.history_columns(households)
    requests = kept["requests"]
    assert len(requests["description"]) == len(tables["requests"]) > 100
    assert all(d is None for d in requests["description"])  # no past text fetched
    by_id = tables["requests"].set_index("service_request_id")
    _, needs, amounts = read_texts(by_id["description"].to_numpy(dtype=object))
    assert np.array_equal(np.sort(np.asarray(requests["text_needs"])), np.sort(needs))
    assert (needs > 0).any() and (~np.isnan(amounts)).any()  # the sample says something
    _assert_same_readings(_history(kept).requests, fresh)

    stale = by_id.index[: len(by_id) // 2].tolist()  # kept by an older reading code
    with store.engine.begin() as connection:
        connection.execute(
            update(db.text_readings)
            .where(db.text_readings.c.service_request_id.in_(stale))
            .values(version="older-reading")
        )
    assert READING_VERSION != "older-reading"
    kept = store.history_columns(households)
    assert sum(t is not None for t in kept["requests"]["description"]) == len(stale)
    _assert_same_readings(_history(kept).requests, fresh)


def _assert_same_readings(history, fresh) -> None:
    assert np.array_equal(history.by_arrival.key, fresh.by_arrival.key)
    assert np.array_equal(history.needs, fresh.needs)
    np.testing.assert_array_equal(history.amount, fresh.amount)


def test_a_request_and_its_prediction_are_written_together_or_not_at_all(store):
    row = _request(1)
    broken = {**_prediction(row["service_request_id"]), "routed_service": None}  # NOT NULL
    with pytest.raises(IntegrityError):
        store.save_scored_requests([row], [broken])
    assert store.count("requests") == 0
    assert store.save_scored_requests([row], [_prediction(row["service_request_id"])])
    assert store.request(row["service_request_id"])["routed_service"] == "logement"


def test_concurrent_retries_with_one_idempotency_key_store_one_row(store):
    from serving.store import utcnow

    outcomes = []
    barrier = threading.Barrier(4)

    def attempt() -> None:
        row = _request(2)
        record = {
            "key_id": "k1",
            "idempotency_key": "same",
            "body_sha256": "abc",
            "status_code": 200,
            "response": [{"request_id": row["service_request_id"]}],
            "created_at": utcnow(),
        }
        barrier.wait()
        outcomes.append(
            store.save_scored_requests(
                [row], [_prediction(row["service_request_id"])], (), [record]
            )
        )

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, False, False, True]
    assert store.count("requests") == 1
    kept = store.idempotent_answer("k1", "same")["response"][0]["request_id"]
    assert store.request(kept) is not None


def test_event_sync_skips_known_ids(store):
    import datetime as dt

    event = {
        "event_id": "e1",
        "household_id": "h_" + "2" * 20,
        "occurred_at": dt.datetime(2026, 1, 2),
        "recorded_at": dt.datetime(2026, 1, 3),
        "kind": "entretien",
        "service": None,
        "amount": None,
        "crisis_kind": None,
    }
    assert store.add_events([event]) == (1, 0)
    assert store.add_events([event, {**event, "event_id": "e2"}]) == (1, 1)
    assert store.count("accompaniment_events") == 2


def test_the_service_runs_on_postgresql(make_service, registry_uri, tmp_path):
    from serving.config import Settings

    for url in _postgres_database():
        settings = Settings(
            data_dir=tmp_path,
            database_url=url,
            mlflow_tracking_uri=registry_uri,
            model_poll_seconds=0,
        )
        service = make_service(settings)
        body = {
            "household_source_id": "pg-1",
            "channel": "courriel",
            "description": "Aide au logement.",
        }
        headers = {**service.headers("intake"), "Idempotency-Key": "pg-retry"}
        first = service.client.post("/v1/triage", json=body, headers=headers)
        again = service.client.post("/v1/triage", json=body, headers=headers)
        assert first.status_code == 200 and first.json() == again.json()
        assert first.json()["scored"]
        assert service.store.count("requests") == 1
        service.client.__exit__(None, None, None)
        service.store.engine.dispose()


def test_sqlite_connections_get_wal_durability_and_mapped_reads(tmp_path):
    """Every pooled SQLite connection is set up alike: WAL (readers never wait for the
    writer), commits durable across process crashes, foreign keys enforced, and pages read
    through a memory map (histories are read at random across the file)."""
    from sqlalchemy import text

    from serving.db import SQLITE_MMAP_BYTES, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        read = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar_one()
            for name in ("journal_mode", "synchronous", "foreign_keys", "mmap_size")
        }
    engine.dispose()
    assert read == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "foreign_keys": 1,
        "mmap_size": SQLITE_MMAP_BYTES,
    }


def test_history_reads_on_the_cursor_equal_sqlalchemys(store, small_territory):
    """The history a live request reads goes through the DBAPI cursor (serving.direct):
    the same values, of the same types, as Connection.execute gives, on both backends."""
    from serving.store import HISTORY_READS

    households = small_territory.households["household_id"].iloc[:40]
    store.load_tables(_first_households(small_territory, households))
    ids = [*sorted(households)[:25], "h_unknown_household_0"]
    with store.engine.connect() as connection:
        direct = {
            name: read.columns(connection, {"ids": ids}) for name, read in HISTORY_READS.items()
        }
        for name, read in HISTORY_READS.items():
            result = connection.execute(read.statement, {"ids": ids})
            rows = result.all()
            expected = dict(zip(result.keys(), zip(*rows, strict=True), strict=True))
            assert len(rows) > 25 if name != "households" else len(rows) == 25
            assert direct[name].keys() == expected.keys()
            for column, values in expected.items():
                assert direct[name][column] == values, (name, column)
                types = {type(v) for v in direct[name][column]}
                assert types == {type(v) for v in values}, (name, column)
    assert store.history_columns(["h_unknown_household_0"])["requests"]["household_id"] == ()


def test_migrations_give_the_schema_the_code_declares(store):
    """The migrated store has exactly the tables, columns and indexes of serving.db (the
    history's covering indexes included), on both backends."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from serving.db import metadata

    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_history_reads_come_from_covering_indexes_on_sqlite(tmp_path):
    """A live request's history is read from the indexes alone: SQLite's plan for each
    history read names a covering index (households by their key), and the text readings
    are looked up in their own key's B-tree."""
    from serving.db import make_engine
    from serving.migrate import upgrade
    from serving.store import HISTORY_READS

    engine = make_engine(f"sqlite:///{tmp_path / 'plans.db'}")
    upgrade(engine)
    with engine.connect() as connection:
        for name, read in HISTORY_READS.items():
            compiled = read.statement.compile(dialect=connection.dialect)
            state = compiled.construct_expanded_state({"ids": ["a", "b"]})
            plan = " | ".join(
                row[3]
                for row in connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + state.statement, tuple(state.positional_parameters)
                )
            )
            if name == "households":
                assert "sqlite_autoindex_households_1" in plan, plan
            else:
                assert "USING COVERING INDEX ix_" in plan, plan
            if name == "requests":
                assert "USING PRIMARY KEY" in plan, plan  # text_readings WITHOUT ROWID
    engine.dispose()


def test_scored_requests_written_on_the_cursor_read_back_as_sqlalchemy_writes_them(store):
    """Requests, predictions, readings and audit rows go through the DBAPI cursor
    (serving.direct): every value (times, JSON, booleans, NULLs) reads back as the same
    rows written by Connection.execute do; a duplicate is SQLAlchemy's IntegrityError."""
    from sqlalchemy import insert, select

    from serving import db
    from serving.store import utcnow

    def rows(i: int) -> dict:
        request = {**_request(i), "complaint": True, "reassignment_count": 2}
        prediction = {
            **_prediction(request["service_request_id"]),
            "reasons": [{"feature": "crises_total", "value": 2.0, "text": "Deux crises."}],
            "band": None,
            "abstained": True,
        }
        reading = {
            "service_request_id": request["service_request_id"],
            "needs": 5,
            "amount": None if i % 2 else 450.5,
            "version": "v",
        }
        audit = {
            "at": utcnow(),
            "actor": "k1",
            "role": "intake",
            "action": "score",
            "subject_type": "household",
            "subject_id": request["household_id"],
        }
        return {"requests": request, "predictions": prediction, "text_readings": reading,
                "audit_log": audit}  # fmt: skip

    direct, core = rows(1), rows(2)
    assert store.save_scored_requests(
        [direct["requests"]], [direct["predictions"]], [direct["audit_log"]],
        readings=[direct["text_readings"]],
    )  # fmt: skip
    with store.engine.begin() as connection:
        for name, row in core.items():
            connection.execute(insert(db.metadata.tables[name]), [row])
    with store.engine.connect() as connection:
        for written in (direct, core):
            for name, row in written.items():
                table = db.metadata.tables[name]
                key = "at" if name == "audit_log" else "service_request_id"
                stored = connection.execute(select(table).where(table.c[key] == row[key]))
                stored = {k: v for k, v in stored.mappings().one().items() if k != "audit_id"}
                assert stored == row, name
    with pytest.raises(IntegrityError):
        store.save_scored_requests([direct["requests"]], [direct["predictions"]])


def test_json_columns_are_written_compact_in_utf8(store):
    """JSON columns are written by pydantic's core (serving.db.json_text): French text as
    UTF-8, no padding, and what reads back is what was written."""
    from sqlalchemy import select, text

    from serving import db

    request = _request(7)
    reasons = [{"feature": "crises_total", "value": 2.5, "text": "Déjà deux crises à l'été."}]
    prediction = {**_prediction(request["service_request_id"]), "reasons": reasons}
    assert store.save_scored_requests([request], [prediction])
    with store.engine.connect() as connection:
        raw = connection.execute(
            text("SELECT CAST(reasons AS TEXT) FROM predictions WHERE service_request_id = :i"),
            {"i": request["service_request_id"]},
        ).scalar_one()
        stored = connection.execute(select(db.predictions.c.reasons)).scalar_one()
    assert "Déjà deux crises à l'été." in raw and "\\u00e9" not in raw
    assert ", " not in raw.replace("l'été", "")  # no padding after separators
    assert stored == reasons


def test_a_store_from_before_the_covering_indexes_keeps_its_readings(store_url):
    """Migration 0005 on a store that already holds requests and readings: the readings
    survive the rebuild of their table (SQLite), and the history reads them back."""
    from alembic import command
    from sqlalchemy import insert

    from features.signals import READING_VERSION
    from serving import db
    from serving.db import make_engine
    from serving.migrate import alembic_config, upgrade
    from serving.store import Store

    engine = make_engine(store_url)
    config = alembic_config(store_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004_text_readings")
    request = _request(1)
    reading = {"service_request_id": request["service_request_id"], "needs": 6,
               "amount": 120.0, "version": READING_VERSION}  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(db.requests), [request])
        connection.execute(insert(db.text_readings), [reading])
    upgrade(engine)
    history = Store(engine).history_columns([request["household_id"]])["requests"]
    assert history["text_needs"] == (6,) and history["text_amount"] == (120.0,)
    assert history["description"] == (None,)  # the kept reading stands for the text
    engine.dispose()
