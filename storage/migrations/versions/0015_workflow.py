"""Workflows: a ticket's own workflow status inside its phase (NULL: the phase itself).

Revision ID: 0015_workflow
Revises: 0014_wake
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_workflow"
down_revision: str | None = "0014_wake"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("tickets", sa.Column("workflow_status", sa.String(length=40), nullable=True))


def downgrade() -> None:
    op.drop_column("tickets", "workflow_status")
