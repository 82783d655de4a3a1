"""Fields and forms: a ticket's values of its type's own fields (risk, change window …), as JSON
by field name (NULL: none).

Revision ID: 0018_fields
Revises: 0017_sched
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_fields"
down_revision: str | None = "0017_sched"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("fields", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "fields")
