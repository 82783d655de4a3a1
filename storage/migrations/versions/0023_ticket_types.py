"""An organisation's own ticket types: the `ticket_types:` entry a ticket is of (a laptop
request), beside the built-in type it behaves like, which `type` keeps (NULL: none).

Revision ID: 0023_ticket_types
Revises: 0022_dialogue
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023_ticket_types"
down_revision: str | None = "0022_dialogue"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("custom_type", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "custom_type")
