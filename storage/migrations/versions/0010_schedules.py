"""Schedules of planned work and their occurrences (one row per schedule and instant), and
the checklist of a ticket (JSON on its row: a handful of items read with the ticket).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("tickets", sa.Column("checklist", sa.JSON(), nullable=True))
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("title", sa.String(256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("team", sa.String(64), nullable=False),
        sa.Column("priority", sa.String(4), nullable=False),
        sa.Column("type", sa.String(32), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("rrule", sa.String(512), nullable=False),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("start_date", sa.String(10), nullable=False),
        sa.Column("until_date", sa.String(10), nullable=True),
        sa.Column("off_days", sa.String(16), nullable=False),
        sa.Column("calendar", sa.String(64), nullable=True),
        sa.Column("catch_up", sa.String(16), nullable=False),
        sa.Column("max_count", sa.Integer(), nullable=True),
        sa.Column("pause_after", sa.Integer(), nullable=True),
        sa.Column("made", sa.Integer(), nullable=False),
        sa.Column("since_resume", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("last_at", WHEN, nullable=True),
        sa.Column("next_due", WHEN, nullable=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index("ix_schedules_next_due", "schedules", ["next_due"],
                    postgresql_where=sa.text("next_due IS NOT NULL"),
                    sqlite_where=sa.text("next_due IS NOT NULL"))
    op.create_table(
        "schedule_occurrences",
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column("due_at", WHEN, nullable=False),
        sa.Column("made_at", WHEN, nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["schedule_id"], ["schedules.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("schedule_id", "due_at"),
    )


def downgrade() -> None:
    op.drop_table("schedule_occurrences")
    op.drop_index("ix_schedules_next_due", table_name="schedules")
    op.drop_table("schedules")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("checklist")
