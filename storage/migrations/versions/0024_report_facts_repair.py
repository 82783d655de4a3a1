"""Where the report facts job's repair pass is: it finds, a slice of tickets per tick, the rows
whose audit lines committed out of id order behind the mark.

Revision ID: 0024_report_facts_repair
Revises: 0023_ticket_types
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_report_facts_repair"
down_revision: str | None = "0023_ticket_types"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("report_facts_mark",
                  sa.Column("repair_id", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("report_facts_mark", "repair_id")
