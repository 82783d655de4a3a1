"""Guided dialogues: a command waiting for the required fields it lacked, asked one at a time,
per person and conversation, with an expiry.

Revision ID: 0022_dialogue
Revises: 0021_report_facts
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_dialogue"
down_revision: str | None = "0021_report_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dialogues",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("user", sa.String(length=128), nullable=False),
        sa.Column("conversation", sa.String(length=128), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("at_users", sa.JSON(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("asking", sa.JSON(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user", "conversation"),
    )
    op.create_index("ix_dialogues_expires_at", "dialogues", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_dialogues_expires_at", table_name="dialogues")
    op.drop_table("dialogues")
