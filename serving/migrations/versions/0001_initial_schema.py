"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accompaniment_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("crisis_kind", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index(
        "ix_events_household_time",
        "accompaniment_events",
        ["household_id", "occurred_at"],
        unique=False,
    )
    op.create_table(
        "api_keys",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("secret_hash", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("territory", sa.String(length=80), nullable=True),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("audit_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("audit_id"),
    )
    op.create_index("ix_audit_subject", "audit_log", ["subject_type", "subject_id"], unique=False)
    op.create_table(
        "households",
        sa.Column("household_id", sa.String(length=64), nullable=False),
        sa.Column("territory", sa.String(length=80), nullable=False),
        sa.Column("commune", sa.String(length=80), nullable=False),
        sa.Column("composition", sa.String(length=40), nullable=False),
        sa.Column("n_children", sa.Integer(), nullable=False),
        sa.Column("age_band", sa.String(length=40), nullable=False),
        sa.Column("housing_status", sa.String(length=40), nullable=False),
        sa.Column("income_band", sa.String(length=40), nullable=False),
        sa.Column("benefit_rsa", sa.Boolean(), nullable=False),
        sa.Column("benefit_aah", sa.Boolean(), nullable=False),
        sa.Column("benefit_apl", sa.Boolean(), nullable=False),
        sa.Column("benefit_prime_activite", sa.Boolean(), nullable=False),
        sa.Column("benefit_aspa", sa.Boolean(), nullable=False),
        sa.Column("digital_access", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=40), nullable=True),
        sa.Column("disability", sa.Boolean(), nullable=True),
        sa.Column("nationality", sa.String(length=40), nullable=True),
        sa.Column("qpv", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("household_id"),
    )
    op.create_index(op.f("ix_households_territory"), "households", ["territory"], unique=False)
    op.create_table(
        "idempotency",
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key_id", "idempotency_key"),
    )
    op.create_table(
        "requests",
        sa.Column("service_request_id", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.String(length=64), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("requested_datetime", sa.DateTime(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("motive", sa.String(length=80), nullable=True),
        sa.Column("initial_service_code", sa.String(length=40), nullable=True),
        sa.Column("service_code", sa.String(length=40), nullable=True),
        sa.Column("agency_responsible", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("assigned_datetime", sa.DateTime(), nullable=True),
        sa.Column("first_response_datetime", sa.DateTime(), nullable=True),
        sa.Column("closed_datetime", sa.DateTime(), nullable=True),
        sa.Column("expected_datetime", sa.DateTime(), nullable=True),
        sa.Column("updated_datetime", sa.DateTime(), nullable=False),
        sa.Column("reassignment_count", sa.Integer(), nullable=False),
        sa.Column("complaint", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("service_request_id"),
    )
    op.create_index(
        "ix_requests_household_time",
        "requests",
        ["household_id", "requested_datetime"],
        unique=False,
    )
    op.create_index("ix_requests_time", "requests", ["requested_datetime"], unique=False)
    op.create_table(
        "predictions",
        sa.Column("service_request_id", sa.String(length=64), nullable=False),
        sa.Column("routed_service", sa.String(length=40), nullable=False),
        sa.Column("abstained", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("risk", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=4), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("scored", sa.Boolean(), nullable=False),
        sa.Column("unscored_reason", sa.String(length=200), nullable=True),
        sa.Column("router_version", sa.String(length=20), nullable=True),
        sa.Column("risk_version", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_request_id"],
            ["requests.service_request_id"],
        ),
        sa.PrimaryKeyConstraint("service_request_id"),
    )
    op.create_table(
        "reviews",
        sa.Column("review_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_request_id", sa.String(length=64), nullable=False),
        sa.Column("reviewer", sa.String(length=64), nullable=False),
        sa.Column("band", sa.String(length=4), nullable=True),
        sa.Column("service", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_request_id"],
            ["requests.service_request_id"],
        ),
        sa.PrimaryKeyConstraint("review_id"),
    )
    op.create_index("ix_reviews_request", "reviews", ["service_request_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_reviews_request", table_name="reviews")
    op.drop_table("reviews")
    op.drop_table("predictions")
    op.drop_index("ix_requests_time", table_name="requests")
    op.drop_index("ix_requests_household_time", table_name="requests")
    op.drop_table("requests")
    op.drop_table("idempotency")
    op.drop_index(op.f("ix_households_territory"), table_name="households")
    op.drop_table("households")
    op.drop_index("ix_audit_subject", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("api_keys")
    op.drop_index("ix_events_household_time", table_name="accompaniment_events")
    op.drop_table("accompaniment_events")
