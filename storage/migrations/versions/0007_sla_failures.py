"""SLA steps that keep failing: attempts and last error per ticket, and when the sweep gave up
(a dead letter operators list with `ticketbot sla failed` and re-queue with `sla retry`).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sla_failures",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("first_failed_at", WHEN, nullable=False),
        sa.Column("last_failed_at", WHEN, nullable=False),
        sa.Column("dead_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
    )


def downgrade() -> None:
    op.drop_table("sla_failures")
