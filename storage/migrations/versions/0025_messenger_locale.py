"""The language a messenger says a person reads there (Slack's users.info locale) and which
messenger said it, so that their notices on that messenger follow it when they chose no
`language` of their own.

Revision ID: 0025_messenger_locale
Revises: 0024_report_facts_repair
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_messenger_locale"
down_revision: str | None = "0024_report_facts_repair"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("preferences", sa.Column("messenger_locale", sa.String(8), nullable=True))
    op.add_column("preferences", sa.Column("messenger_platform", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("preferences", "messenger_platform")
    op.drop_column("preferences", "messenger_locale")
