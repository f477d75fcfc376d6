"""covering indexes for the feature history's reads; text readings clustered by key on SQLite

A live request reads its households' past requests and events: with every column read in
the index, SQLite and PostgreSQL answer from the index alone. The indexes replace the
(household, time) ones they extend.

Revision ID: 0005_covering_history
Revises: 0004_text_readings
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_covering_history"
down_revision = "0004_text_readings"
branch_labels = None
depends_on = None

REQUEST_INDEX = [
    "household_id",
    "requested_datetime",
    "initial_service_code",
    "assigned_datetime",
    "first_response_datetime",
    "closed_datetime",
    "reassignment_count",
    "complaint",
    "service_request_id",
]
EVENT_INDEX = ["household_id", "occurred_at", "recorded_at", "kind", "amount"]


def _readings_table(name: str, **options) -> None:
    op.create_table(
        name,
        sa.Column("service_request_id", sa.String(length=64), nullable=False),
        sa.Column("needs", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["service_request_id"], ["requests.service_request_id"]),
        sa.PrimaryKeyConstraint("service_request_id"),
        **options,
    )


def _rebuild_readings(with_rowid: bool) -> None:
    """SQLite cannot change a table's storage in place: copy it into a new one."""
    if op.get_bind().dialect.name != "sqlite":
        return
    _readings_table("text_readings_rebuilt", sqlite_with_rowid=with_rowid)
    op.execute("INSERT INTO text_readings_rebuilt SELECT * FROM text_readings")
    op.drop_table("text_readings")
    op.rename_table("text_readings_rebuilt", "text_readings")


def upgrade() -> None:
    op.drop_index("ix_requests_household_time", table_name="requests")
    op.create_index("ix_requests_history", "requests", REQUEST_INDEX)
    op.drop_index("ix_events_household_time", table_name="accompaniment_events")
    op.create_index("ix_events_history", "accompaniment_events", EVENT_INDEX)
    _rebuild_readings(with_rowid=False)


def downgrade() -> None:
    _rebuild_readings(with_rowid=True)
    op.drop_index("ix_events_history", table_name="accompaniment_events")
    op.create_index("ix_events_household_time", "accompaniment_events", EVENT_INDEX[:2])
    op.drop_index("ix_requests_history", table_name="requests")
    op.create_index("ix_requests_household_time", "requests", REQUEST_INDEX[:2])
