"""A week of traffic through the real service path: a store holding a territory's history
up to a cut-off, the next requests scored by the intake (features from the store, champion
models from the registry), and final routes arriving afterwards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
from sqlalchemy import update

from serving import db
from serving.db import make_engine
from serving.demo import history_before
from serving.intake import Intake
from serving.migrate import upgrade
from serving.models import ModelHolder
from serving.schemas import TriageRequest
from serving.security import Principal, Role
from serving.store import Store
from tests.support import TEST_KEY

INTAKE = Principal("scenario", Role.intake, None)
BATCH = 500


def open_store(path: Path) -> Store:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return Store(engine)


def history_store(path: Path, tables: dict[str, pd.DataFrame], cutoff: dt.datetime) -> Store:
    store = open_store(path)
    store.load_tables(history_before(tables, pd.Timestamp(cutoff)))
    return store


def window_requests(tables: dict, since: dt.datetime, until: dt.datetime) -> pd.DataFrame:
    requests = tables["requests"]
    times = requests["requested_datetime"]
    return requests[(times >= since) & (times < until)].sort_values("requested_datetime")


def score(store: Store, models: ModelHolder, tables: dict, since, until) -> pd.DataFrame:
    """Score the period's requests as they arrive; the events recorded meanwhile are synced
    first (features only read what was recorded before each request). Returns the period's
    rows with the stored request id of each."""
    events = tables["accompaniment_events"]
    recorded = events["recorded_at"]
    store.add_events(
        events[(recorded >= pd.Timestamp(since)) & (recorded < pd.Timestamp(until))]
        .astype(object)
        .where(lambda frame: frame.notna(), None)
        .to_dict("records")
    )
    intake = Intake(store, models, TEST_KEY)
    period = window_requests(tables, since, until)
    ids = []
    rows = list(period.itertuples(index=False))
    for lo in range(0, len(rows), BATCH):
        batch = [
            TriageRequest(
                household_id=r.household_id,
                channel=r.channel,
                description=r.description,
                received_at=r.requested_datetime.to_pydatetime(),
            )
            for r in rows[lo : lo + BATCH]
        ]
        ids += [a["request_id"] for a in intake.triage(INTAKE, batch)]
    return period.assign(stored_id=ids)


def close(store: Store, scored: pd.DataFrame) -> None:
    """Final routes arrive (what a case-management sync would write)."""
    table = db.requests
    with store.engine.begin() as connection:
        for row in scored.itertuples(index=False):
            closed = row.closed_datetime
            if pd.isna(closed):  # still open at the territory's end: closed a week later
                closed = row.requested_datetime + pd.Timedelta(days=7)
            connection.execute(
                update(table)
                .where(table.c.service_request_id == row.stored_id)
                .values(
                    status="closed",
                    service_code=row.service_code,
                    closed_datetime=pd.Timestamp(closed).to_pydatetime(),
                )
            )
