"""Where each person last spoke to the bot (`preferences.last_platform`): notices reach them
there when they chose no messenger themselves.

Revision ID: 0020_span
Revises: 0019_identities
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_span"
down_revision: str | None = "0019_identities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_platform", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.drop_column("last_platform")
