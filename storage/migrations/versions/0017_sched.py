"""Assets: the equipment registry, the asset a ticket names, and the asset or asset type a
schedule's work orders are for (preventive maintenance).

Revision ID: 0017_sched
Revises: 0016_api
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_sched"
down_revision: str | None = "0016_api"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_key", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("serial", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name_key"),
    )
    op.create_index("ix_assets_type", "assets", ["type"])
    op.add_column("tickets", sa.Column("asset", sa.String(length=100), nullable=True))
    op.create_index("ix_tickets_asset", "tickets", ["asset"])
    op.add_column("schedules", sa.Column("asset", sa.String(length=100), nullable=True))
    op.add_column("schedules", sa.Column("asset_type", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("schedules", "asset_type")
    op.drop_column("schedules", "asset")
    op.drop_index("ix_tickets_asset", table_name="tickets")
    op.drop_column("tickets", "asset")
    op.drop_index("ix_assets_type", table_name="assets")
    op.drop_table("assets")
