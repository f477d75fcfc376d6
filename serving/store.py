"""The store: every request, prediction, accompaniment event, review and audit record.

It is also the history the online features read: ``history_frames`` returns a household's
rows as data-contract frames, the very tables training reads from files.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    Select,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from features.history import HISTORY_COLUMNS
from features.signals import READING_VERSION, read_texts
from serving import db
from serving.direct import DirectInsert, DirectSelect

CONTRACT_TABLES = {
    "households": db.households,
    "requests": db.requests,
    "accompaniment_events": db.accompaniment_events,
}
INSERT_CHUNK = 5_000
HOUSEHOLDS_IN = bindparam("ids", expanding=True)
# What storing scored requests writes, on the DBAPI cursor (see serving.direct).
SCORED_WRITES = {
    name: DirectInsert(db.metadata.tables[name])
    for name in ("idempotency", "requests", "predictions", "text_readings", "audit_log")
}


def _requests_with_readings():
    """A household's requests with the readings kept of their texts (STORED_READINGS),
    without the texts: every column read is in the index ``ix_requests_history``, so the
    rows come from the index alone. Texts are fetched only for rows with no current
    reading (``_unread_texts``)."""
    r, t = db.requests, db.text_readings
    current = t.c.version == READING_VERSION
    return (
        select(
            r.c.service_request_id,
            *(r.c[name] for name in HISTORY_COLUMNS["requests"] if name != "description"),
            case((current, t.c.needs)).label("text_needs"),
            case((current, t.c.amount)).label("text_amount"),
        )
        .select_from(r.outerjoin(t, t.c.service_request_id == r.c.service_request_id))
        .where(r.c.household_id.in_(HOUSEHOLDS_IN))
    )


def _of_households(table, names) -> Select:
    return select(*(table.c[c] for c in names)).where(table.c.household_id.in_(HOUSEHOLDS_IN))


# What a live request reads of its households' history, built once (see history_columns).
HISTORY_READS = {
    "households": DirectSelect(_of_households(db.households, HISTORY_COLUMNS["households"])),
    "requests": DirectSelect(_requests_with_readings()),
    "accompaniment_events": DirectSelect(
        _of_households(db.accompaniment_events, HISTORY_COLUMNS["accompaniment_events"])
    ),
}


# The texts of history rows without a current reading (see _unread_texts).
TEXTS_OF = DirectSelect(
    select(db.requests.c.service_request_id, db.requests.c.description).where(
        db.requests.c.service_request_id.in_(bindparam("ids", expanding=True))
    )
)


def _unread_texts(connection: Connection, requests: dict[str, tuple]) -> tuple:
    """The description column of history rows: the text where no current reading was kept
    (fetched here, usually none), None where one was. Takes the request ids out of
    ``requests``."""
    ids = requests.pop("service_request_id")
    unread = [i for i, needs in zip(ids, requests["text_needs"], strict=True) if needs is None]
    if not unread:
        return (None,) * len(ids)
    fetched = TEXTS_OF.columns(connection, {"ids": unread})
    texts = dict(zip(fetched["service_request_id"], fetched["description"], strict=True))
    return tuple(texts.get(i) for i in ids)


def text_reading_rows(requests: pd.DataFrame) -> list[dict]:
    """The readings of requests' texts, as text_readings rows (each distinct text read once)."""
    position, distinct = pd.factorize(requests["description"].fillna(""))
    _, needs, amount = read_texts(np.asarray(distinct, dtype=object))
    return [
        {
            "service_request_id": i,
            "needs": int(n),
            "amount": None if np.isnan(a) else float(a),
            "version": READING_VERSION,
        }
        for i, n, a in zip(
            requests["service_request_id"], needs[position], amount[position], strict=True
        )
    ]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def typed_frame(table, rows) -> pd.DataFrame:
    """Rows (tuples or dicts) of a table as a frame with the contract's dtypes: times as
    datetime64, floats as float64, the rest as Python objects (a household's history is a
    few rows; per-column pandas inference would cost more than the query)."""
    names = [c.name for c in table.columns]
    if rows and isinstance(rows[0], dict):
        rows = [tuple(row[name] for name in names) for row in rows]
    else:  # SQLAlchemy rows: plain tuples, or numpy probes them as mappings, key by key
        rows = [tuple(row) for row in rows]
    values = np.empty((len(rows), len(names)), dtype=object)
    if rows:
        values[:] = rows
    columns = {}
    for j, column in enumerate(table.columns):
        data = values[:, j]
        if isinstance(column.type, db.DateTime):
            data = np.array([np.datetime64("NaT") if v is None else v for v in data], "M8[us]")
        elif isinstance(column.type, db.Float):
            data = np.array([np.nan if v is None else v for v in data], dtype=np.float64)
        columns[column.name] = data
    return pd.DataFrame(columns, columns=names, copy=False)


def _frame(connection: Connection, table, statement) -> pd.DataFrame:
    return typed_frame(table, connection.execute(statement).all())


KEY_CACHE_SECONDS = 5.0  # a key revoked by another process stops working within this


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        # API key rows recently read, by key id: every call presents a key, and reading it
        # again each time would cost as much as a live request's history.
        self._keys: dict[str, tuple[float, dict | None]] = {}

    def ping(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    # -- households' history, as contract frames -------------------------------------------
    def history_frames(self, household_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
        ids = sorted({h for h in household_ids if h})
        with self.engine.connect() as connection:
            return {
                name: _frame(connection, table, select(table).where(table.c.household_id.in_(ids)))
                for name, table in CONTRACT_TABLES.items()
            }

    def history_columns(self, household_ids: Iterable[str]) -> dict[str, dict[str, tuple]]:
        """The columns a feature History reads, for some households, as plain tuples per
        column: a live request's history is a few rows, and building frames for them would
        cost more than reading them."""
        ids = sorted({h for h in household_ids if h})
        with self.engine.connect() as connection:
            tables = {
                name: read.columns(connection, {"ids": ids}) for name, read in HISTORY_READS.items()
            }
            requests = tables["requests"]
            requests["description"] = _unread_texts(connection, requests)
        return tables

    def household_territories(self, household_ids: Iterable[str]) -> dict[str, str]:
        ids = sorted(set(household_ids))
        table = db.households
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(table.c.household_id, table.c.territory).where(table.c.household_id.in_(ids))
            ).all()
        return dict(rows)

    # -- writes ----------------------------------------------------------------------------
    def save_scored_requests(
        self,
        requests: Sequence[dict],
        predictions: Sequence[dict],
        audit: Sequence[dict] = (),
        idempotency: Sequence[dict] = (),
        readings: Sequence[dict] = (),
    ) -> bool:
        """Requests, their predictions, the audit rows, the idempotency records and the
        readings of the texts in one transaction. Returns False when an idempotency key was
        taken concurrently (nothing is written then)."""
        try:
            with self.engine.begin() as connection:
                for table, rows in (
                    ("idempotency", idempotency),
                    ("requests", requests),
                    ("predictions", predictions),
                    ("text_readings", readings),
                    ("audit_log", audit),
                ):
                    SCORED_WRITES[table].rows(connection, rows)
        except IntegrityError:
            if any(self.idempotent_answer(i["key_id"], i["idempotency_key"]) for i in idempotency):
                return False
            raise
        return True

    def add_events(self, events: Sequence[dict]) -> tuple[int, int]:
        """Insert accompaniment events; ids already stored are skipped (a sync can be
        replayed). Returns (inserted, already known)."""
        ids = [e["event_id"] for e in events]
        table = db.accompaniment_events
        with self.engine.begin() as connection:
            known = set(
                connection.execute(select(table.c.event_id).where(table.c.event_id.in_(ids)))
                .scalars()
                .all()
            )
            new = [e for e in events if e["event_id"] not in known]
            if new:
                connection.execute(insert(table), new)
        return len(new), len(known)

    def load_tables(self, tables: dict[str, pd.DataFrame], source: str = "import") -> dict:
        """Bulk-load contract frames (a territory's history) into an empty store."""
        counts = {}
        with self.engine.begin() as connection:
            for name, table in CONTRACT_TABLES.items():
                frame = tables[name]
                columns = [c.name for c in table.columns if c.name in frame.columns]
                frame = frame[columns].astype(object).where(frame[columns].notna(), None)
                if name == "requests":
                    frame["source"] = source
                records = frame.to_dict("records")
                for record in records:
                    for key, value in record.items():
                        if isinstance(value, pd.Timestamp):
                            record[key] = value.to_pydatetime()
                for lo in range(0, len(records), INSERT_CHUNK):
                    connection.execute(insert(table), records[lo : lo + INSERT_CHUNK])
                counts[name] = len(records)
            readings = text_reading_rows(tables["requests"])
            for lo in range(0, len(readings), INSERT_CHUNK):
                connection.execute(insert(db.text_readings), readings[lo : lo + INSERT_CHUNK])
        return counts

    def refresh_readings(self, chunk: int = 5_000, on_chunk=None) -> int:
        """Read again the texts whose reading is missing or was made by another version of
        the reading code (after an upgrade, or a store filled before readings were kept):
        the histories then read no past text. Returns how many were read; ``on_chunk`` is
        called with (done, total) after each chunk."""
        r, t = db.requests, db.text_readings
        stale = (
            select(r.c.service_request_id, r.c.description)
            .select_from(r.outerjoin(t, t.c.service_request_id == r.c.service_request_id))
            .where(or_(t.c.version.is_(None), t.c.version != READING_VERSION))
        )
        with self.engine.connect() as connection:
            total = connection.execute(select(func.count()).select_from(stale.subquery())).scalar()
        done = 0
        while done < total:
            with self.engine.begin() as connection:
                rows = connection.execute(stale.limit(chunk)).all()
                if not rows:
                    break
                frame = pd.DataFrame(rows, columns=["service_request_id", "description"])
                ids = frame["service_request_id"].tolist()
                connection.execute(delete(t).where(t.c.service_request_id.in_(ids)))
                connection.execute(insert(t), text_reading_rows(frame))
            done += len(rows)
            if on_chunk is not None:
                on_chunk(done, total)
        return done

    def audit(self, rows: Sequence[dict]) -> None:
        if rows:
            with self.engine.begin() as connection:
                connection.execute(insert(db.audit_log), list(rows))

    # -- reads -----------------------------------------------------------------------------
    def request(self, service_request_id: str) -> dict | None:
        r, p = db.requests, db.predictions
        statement = (
            select(r, *(c for c in p.columns if c.name != "service_request_id"))
            .select_from(r.outerjoin(p, p.c.service_request_id == r.c.service_request_id))
            .where(r.c.service_request_id == service_request_id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(statement).mappings().first()
        return dict(row) if row else None

    def timeline(self, household_id: str) -> dict[str, list[dict]]:
        r, p, e = db.requests, db.predictions, db.accompaniment_events
        with self.engine.connect() as connection:
            requests = connection.execute(
                select(r, p.c.routed_service, p.c.risk, p.c.band, p.c.abstained)
                .select_from(r.outerjoin(p, p.c.service_request_id == r.c.service_request_id))
                .where(r.c.household_id == household_id)
                .order_by(r.c.requested_datetime)
            ).mappings()
            request_rows = [dict(row) for row in requests]
            events = connection.execute(
                select(e).where(e.c.household_id == household_id).order_by(e.c.occurred_at)
            ).mappings()
            event_rows = [dict(row) for row in events]
        return {"requests": request_rows, "events": event_rows}

    def household(self, household_id: str) -> dict | None:
        table = db.households
        with self.engine.connect() as connection:
            row = (
                connection.execute(select(table).where(table.c.household_id == household_id))
                .mappings()
                .first()
            )
        return dict(row) if row else None

    def count(self, table_name: str) -> int:
        table = db.metadata.tables[table_name]
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())

    # -- API keys and idempotency ----------------------------------------------------------
    def add_key(self, row: dict) -> None:
        with self.engine.begin() as connection:
            connection.execute(insert(db.api_keys), [row])

    def key(self, key_id: str) -> dict | None:
        """A key's row, read at most every KEY_CACHE_SECONDS by this process."""
        now = time.monotonic()
        cached = self._keys.get(key_id)
        if cached is not None and now - cached[0] < KEY_CACHE_SECONDS:
            return cached[1]
        table = db.api_keys
        with self.engine.connect() as connection:
            row = (
                connection.execute(select(table).where(table.c.key_id == key_id)).mappings().first()
            )
        found = dict(row) if row else None
        if len(self._keys) > 10_000:  # unknown ids presented by a scanner
            self._keys.clear()
        self._keys[key_id] = (now, found)
        return found

    def revoke_key(self, key_id: str) -> bool:
        table = db.api_keys
        with self.engine.begin() as connection:
            result = connection.execute(
                update(table)
                .where(table.c.key_id == key_id, table.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        self._keys.pop(key_id, None)  # effective at once in this process
        return result.rowcount > 0

    def idempotent_answer(self, key_id: str, idempotency_key: str) -> dict | None:
        table = db.idempotency
        with self.engine.connect() as connection:
            row = (
                connection.execute(
                    select(table).where(
                        table.c.key_id == key_id, table.c.idempotency_key == idempotency_key
                    )
                )
                .mappings()
                .first()
            )
        return dict(row) if row else None
