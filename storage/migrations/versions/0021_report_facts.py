"""Report facts: each ticket's audit trail summed up for every period, kept by a job that
follows the trail from a mark (storage/report_facts.py). Empty at first: the job's first
readings fill it, and until a ticket has its row a report reads its lines as before.

Revision ID: 0021_report_facts
Revises: 0020_link
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021_report_facts"
down_revision: str | None = "0020_link"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    ids = sa.JSON().with_variant(postgresql.ARRAY(sa.Integer()), "postgresql")
    micros = sa.JSON().with_variant(postgresql.ARRAY(sa.BigInteger()), "postgresql")
    moment = sa.BigInteger()  # microseconds since 1970 (workflows/reports/summary.py)
    op.create_table(
        "report_facts",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("plain", sa.Boolean(), nullable=False),
        sa.Column("status_from", moment), sa.Column("left_open_at", moment),
        sa.Column("assigned_at", moment), sa.Column("assignee", sa.String(64)),
        sa.Column("work_by", ids), sa.Column("work_at", micros),
        sa.Column("response_at", moment), sa.Column("response_used", sa.Float()),
        sa.Column("response_met", sa.Boolean()),
        sa.Column("resolved_at", moment), sa.Column("resolver_id", sa.Integer()),
        sa.Column("self_service", sa.Boolean()),
        sa.Column("stop_at", moment), sa.Column("stop_used", sa.Float()),
        sa.Column("stop_met", sa.Boolean()),
        sa.Column("rated_at", moment), sa.Column("csat", sa.Integer()),
        sa.Column("comment", sa.Text()), sa.Column("rated_after_resolution", sa.Boolean()),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    op.create_table(
        "report_facts_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.BigInteger(), nullable=False),
        sa.Column("backfill_id", sa.Integer()),
        sa.PrimaryKeyConstraint("id"),
    )
    # Lines written from now on are followed from here; the tickets before are read once,
    # in id order, from 0.
    op.execute(sa.text("INSERT INTO report_facts_mark (id, audit_id, backfill_id)"
                       " SELECT 1, coalesce(max(id), 0), 0 FROM audit_events"))


def downgrade() -> None:
    op.drop_table("report_facts_mark")
    op.drop_table("report_facts")
