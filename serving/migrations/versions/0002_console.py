"""review console: decisions with reasons, and the console's sign-in sessions

Revision ID: 0002_console
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_console"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.alter_column("reason", new_column_name="comment", existing_type=sa.Text())
        batch.add_column(
            sa.Column("decision", sa.String(length=40), nullable=False, server_default="accept")
        )
        batch.add_column(sa.Column("reason_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("suggested_service", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("suggested_band", sa.String(length=4), nullable=True))
        batch.add_column(
            sa.Column("route_overridden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("band_overridden", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("handled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("router_version", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("risk_version", sa.String(length=20), nullable=True))
        batch.create_index("ix_reviews_created", ["created_at"], unique=False)
    op.create_table(
        "console_sessions",
        sa.Column("session_hash", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.key_id"]),
        sa.PrimaryKeyConstraint("session_hash"),
    )


def downgrade() -> None:
    op.drop_table("console_sessions")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_index("ix_reviews_created")
        for column in (
            "risk_version",
            "router_version",
            "handled",
            "band_overridden",
            "route_overridden",
            "suggested_band",
            "suggested_service",
            "reason_code",
            "decision",
        ):
            batch.drop_column(column)
        batch.alter_column("comment", new_column_name="reason", existing_type=sa.Text())
