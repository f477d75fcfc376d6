"""text readings: what each stored request's text says, kept so that later requests of the
household do not read it again

Revision ID: 0004_text_readings
Revises: 0003_monitoring
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_text_readings"
down_revision = "0003_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "text_readings",
        sa.Column("service_request_id", sa.String(length=64), nullable=False),
        sa.Column("needs", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["service_request_id"], ["requests.service_request_id"]),
        sa.PrimaryKeyConstraint("service_request_id"),
    )


def downgrade() -> None:
    op.drop_table("text_readings")
