"""SLA clocks on tickets: policy snapshot, pauses, per-clock progress, next due time (indexed)
and the fencing token of the escalation sweep.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
NEXT_DUE = sa.text("sla_next_due_at IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sla_policy", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sla_calendar", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("sla_snapshot", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("sla_started_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("sla_paused_since", WHEN, nullable=True))
        for name in ("sla_paused_business", "sla_paused_total"):
            batch_op.add_column(sa.Column(name, sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("sla_response_met", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("sla_response_used", sa.Integer(), nullable=True))
        for clock in ("response", "resolution"):
            batch_op.add_column(sa.Column(f"sla_{clock}_stage", sa.Integer(), server_default="0",
                                          nullable=False))
            batch_op.add_column(sa.Column(f"sla_{clock}_anchor", WHEN, nullable=True))
            batch_op.add_column(sa.Column(f"sla_{clock}_breached_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("sla_next_due_at", WHEN, nullable=True))
        batch_op.add_column(sa.Column("sla_fence", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_index("ix_tickets_sla_next_due", ["sla_next_due_at"], unique=False,
                              postgresql_where=NEXT_DUE, sqlite_where=NEXT_DUE)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_sla_next_due")
        for name in ("sla_fence", "sla_next_due_at",
                     "sla_resolution_breached_at", "sla_resolution_anchor", "sla_resolution_stage",
                     "sla_response_breached_at", "sla_response_anchor", "sla_response_stage",
                     "sla_response_used", "sla_response_met", "sla_paused_total", "sla_paused_business",
                     "sla_paused_since", "sla_started_at", "sla_snapshot", "sla_calendar",
                     "sla_policy"):
            batch_op.drop_column(name)
