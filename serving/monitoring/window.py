"""The current window, read from the store: the prediction log (predictions joined to their
requests), the features of those requests as the service computed them (the training code
path over the stored history), final routes and outcomes that arrived since, reviews.

Frames stay in memory; what leaves this module is aggregated by the checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select

from features.build import batch_features
from serving import db
from serving.monitoring.outcomes import risk_labels
from serving.reviews import override_rates
from serving.store import Store


@dataclass
class Window:
    since: dt.datetime
    until: dt.datetime
    log: pd.DataFrame  # one row per scored request: prediction, final route, outcome
    features: pd.DataFrame  # point-in-time features of the same requests
    texts: pd.Series  # their descriptions (kept in memory, reduced to descriptors)
    reviews: pd.DataFrame  # per decision in the window: route and band overridden (0/1)


def latest_scored_time(store: Store) -> dt.datetime | None:
    """Arrival time of the most recent scored request."""
    r, p = db.requests, db.predictions
    with store.engine.connect() as connection:
        return connection.execute(
            select(func.max(r.c.requested_datetime))
            .select_from(r.join(p, p.c.service_request_id == r.c.service_request_id))
            .where(p.c.scored.is_(True))
        ).scalar_one()


def _log(store: Store, since: dt.datetime, until: dt.datetime) -> pd.DataFrame:
    r, p = db.requests, db.predictions
    statement = (
        select(
            r.c.service_request_id,
            r.c.household_id,
            r.c.requested_datetime,
            r.c.description,
            r.c.status,
            r.c.service_code,
            p.c.routed_service,
            p.c.abstained,
            p.c.suggestions,
            p.c.risk,
            p.c.band,
        )
        .select_from(r.join(p, p.c.service_request_id == r.c.service_request_id))
        .where(
            p.c.scored.is_(True),
            r.c.requested_datetime >= since,
            r.c.requested_datetime < until,
        )
        .order_by(r.c.requested_datetime)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(statement).mappings().all()
    log = pd.DataFrame([dict(row) for row in rows])
    if log.empty:
        return log
    log["requested_datetime"] = pd.to_datetime(log["requested_datetime"])
    log["top_service"] = [s[0]["service"] if s else None for s in log["suggestions"]]
    closed = (log["status"] == "closed") & log["service_code"].notna()
    log["final_service"] = log["service_code"].where(closed)
    return log.drop(columns=["suggestions", "service_code", "status"])


def _reviews(store: Store, since: dt.datetime, until: dt.datetime) -> pd.DataFrame:
    """One row per request decided in the window (the decision in force): whether its route
    and its band were overridden, from the console's override counts."""
    counts = override_rates(store.engine, since, until)
    rows = []
    for c in counts.itertuples(index=False):
        route = [1.0] * c.route_overrides + [0.0] * (c.decisions - c.route_overrides)
        band = [1.0] * c.band_overrides + [0.0] * (c.decisions - c.band_overrides)
        rows += list(zip(route, band, strict=True))
    return pd.DataFrame(rows, columns=["route", "band"], dtype="float64")


def read_window(store: Store, since: dt.datetime, until: dt.datetime) -> Window:
    log = _log(store, since, until)
    reviews = _reviews(store, since, until)
    if log.empty:
        return Window(since, until, log, pd.DataFrame(), pd.Series(dtype=object), reviews)
    tables = store.history_frames(log["household_id"])
    features = batch_features(tables, start=since, end=until)
    features = features.set_index("service_request_id").reindex(log["service_request_id"])
    log["crisis"] = risk_labels(log, tables["accompaniment_events"])
    texts = log.pop("description")
    return Window(since, until, log, features.reset_index(drop=True), texts, reviews)


def reference_texts(
    store: Store, start: pd.Timestamp, end: pd.Timestamp, limit: int, seed: int = 0
) -> pd.Series:
    """Descriptions of requests received in the champion's test period, a seeded sample of
    at most ``limit`` (for the text check; never written anywhere)."""
    r = db.requests
    with store.engine.connect() as connection:
        texts = (
            connection.execute(
                select(r.c.description).where(
                    r.c.requested_datetime >= start.to_pydatetime(),
                    r.c.requested_datetime <= end.to_pydatetime(),
                )
            )
            .scalars()
            .all()
        )
    series = pd.Series(texts, dtype=object)
    return series.sample(min(limit, len(series)), random_state=seed) if len(series) else series
