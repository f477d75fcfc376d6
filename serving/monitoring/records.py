"""Monitoring rows in the store: runs, alerts raised by failed checks and resolved by a
later pass of the same check."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update

from serving import db
from serving.store import Store, utcnow


def save_run(store: Store, row: dict, failed: dict[str, str], passed: list[str]) -> None:
    """The run, an alert per failed check (unless one is open already), and the open alerts
    of the checks that passed resolved, in one transaction."""
    alerts = db.monitoring_alerts
    now = utcnow()
    with store.engine.begin() as connection:
        connection.execute(insert(db.monitoring_runs), [row])
        open_checks = set(
            connection.execute(
                select(alerts.c.check_name).where(alerts.c.resolved_at.is_(None))
            ).scalars()
        )
        new = [
            {"run_id": row["run_id"], "check_name": name, "message": message, "created_at": now}
            for name, message in failed.items()
            if name not in open_checks
        ]
        if new:
            connection.execute(insert(alerts), new)
        if passed:
            connection.execute(
                update(alerts)
                .where(alerts.c.check_name.in_(passed), alerts.c.resolved_at.is_(None))
                .values(resolved_at=now)
            )


def runs(store: Store, limit: int = 100) -> list[dict]:
    table = db.monitoring_runs
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(table).order_by(table.c.created_at.desc()).limit(limit)
        ).mappings()
        return [dict(row) for row in rows]


def run(store: Store, run_id: str) -> dict | None:
    table = db.monitoring_runs
    with store.engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.run_id == run_id)).mappings().first()
    return dict(row) if row else None


def open_alerts(store: Store) -> list[dict]:
    table = db.monitoring_alerts
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(table).where(table.c.resolved_at.is_(None)).order_by(table.c.created_at)
        ).mappings()
        return [dict(row) for row in rows]


def last_run_at(store: Store) -> dt.datetime | None:
    latest = runs(store, limit=1)
    return latest[0]["created_at"] if latest else None
