"""A person's accounts on every messenger in a table of their own (platform, workspace, external
id), filled from today's people.slack_id / dingtalk_id, which stay as they are for now.

Revision ID: 0019_identities
Revises: 0018_fields
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_identities"
down_revision: str | None = "0018_fields"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "workspace", "external_id",
                            name="uq_person_identities_account"),
    )
    op.create_index("ix_person_identities_person_id", "person_identities", ["person_id"])
    # Today's ids, workspace "" (one Slack team, one DingTalk corp per deployment so far).
    for platform, column in (("slack", "slack_id"), ("dingtalk", "dingtalk_id")):
        op.execute(sa.text(
            "INSERT INTO person_identities (person_id, platform, workspace, external_id, created_at)"
            f" SELECT id, '{platform}', '', {column}, created_at FROM people"
            f" WHERE {column} IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_person_identities_person_id", table_name="person_identities")
    op.drop_table("person_identities")
