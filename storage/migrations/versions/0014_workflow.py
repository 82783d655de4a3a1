"""Workflows: a ticket's own workflow status inside its phase (NULL: the phase itself).

Revision ID: 0014_workflow
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_workflow"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("workflow_status", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "workflow_status")
