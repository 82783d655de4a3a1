"""A person's messenger accounts live only in person_identities (each with when its person last
wrote from it): people.slack_id and dingtalk_id
are copied there (any not copied yet) and dropped. `link me`: one-time codes that link a second
messenger's account to a person, stored hashed, and the wrong tries that rate-limit guessing.

Revision ID: 0020_link
Revises: 0019_identities
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_link"
down_revision: str | None = "0019_identities"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)
_COLUMNS = (("slack", "slack_id"), ("dingtalk", "dingtalk_id"))


def upgrade() -> None:
    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_link_codes_person_id", "link_codes", ["person_id"])
    op.create_table(
        "link_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=128), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_link_failures_account", "link_failures",
                    ["platform", "external_id", "at"])
    for platform, column in _COLUMNS:
        op.execute(sa.text(
            "INSERT INTO person_identities (person_id, platform, workspace, external_id, created_at)"
            f" SELECT p.id, '{platform}', '', p.{column}, p.created_at FROM people p"
            f" WHERE p.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person_identities i"
            f" WHERE i.platform = '{platform}' AND i.workspace = ''"
            f" AND i.external_id = p.{column})"))
    _without_ids_columns()
    op.add_column("person_identities", sa.Column("last_spoke_at", WHEN, nullable=True))


def _without_ids_columns() -> None:
    """Drop the two columns. SQLite copies the table without them; its old copy can only be
    dropped with foreign keys off (else its accounts go with it and every reference to it
    fails), which SQLite allows only between transactions, so this step has one of its own."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(sa.text("COMMIT"))
        op.execute(sa.text("PRAGMA foreign_keys=OFF"))
        op.execute(sa.text("BEGIN IMMEDIATE"))
    with op.batch_alter_table("people") as batch:
        batch.drop_column("slack_id")
        batch.drop_column("dingtalk_id")
    if sqlite:
        op.execute(sa.text("COMMIT"))
        op.execute(sa.text("PRAGMA foreign_keys=ON"))
        op.execute(sa.text("BEGIN IMMEDIATE"))


def downgrade() -> None:
    with op.batch_alter_table("person_identities") as batch:
        batch.drop_column("last_spoke_at")
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("slack_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("dingtalk_id", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_people_slack_id", ["slack_id"])
        batch.create_unique_constraint("uq_people_dingtalk_id", ["dingtalk_id"])
    for platform, column in _COLUMNS:
        op.execute(sa.text(
            f"UPDATE people SET {column} = (SELECT MIN(i.external_id) FROM person_identities i"
            f" WHERE i.person_id = people.id AND i.platform = '{platform}')"))
    op.drop_index("ix_link_failures_account", table_name="link_failures")
    op.drop_table("link_failures")
    op.drop_index("ix_link_codes_person_id", table_name="link_codes")
    op.drop_table("link_codes")
