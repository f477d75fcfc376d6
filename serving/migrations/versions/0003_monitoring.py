"""monitoring: runs (figures and verdicts per check) and alerts

Revision ID: 0003_monitoring
Revises: 0002_console
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_monitoring"
down_revision = "0002_console"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_runs",
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.Column("until", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("drift_share", sa.Float(), nullable=True),
        sa.Column("abstention_rate", sa.Float(), nullable=True),
        sa.Column("override_rate", sa.Float(), nullable=True),
        sa.Column("router_version", sa.String(length=20), nullable=True),
        sa.Column("risk_version", sa.String(length=20), nullable=True),
        sa.Column("report_dir", sa.String(length=500), nullable=False),
        sa.PrimaryKeyConstraint("run_id"),
    )
    op.create_index("ix_monitoring_runs_created", "monitoring_runs", ["created_at"])
    op.create_table(
        "monitoring_alerts",
        sa.Column("alert_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("check_name", sa.String(length=40), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["run_id"], ["monitoring_runs.run_id"]),
        sa.PrimaryKeyConstraint("alert_id"),
    )
    op.create_index("ix_monitoring_alerts_open", "monitoring_alerts", ["check_name", "resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_monitoring_alerts_open", table_name="monitoring_alerts")
    op.drop_table("monitoring_alerts")
    op.drop_index("ix_monitoring_runs_created", table_name="monitoring_runs")
    op.drop_table("monitoring_runs")
