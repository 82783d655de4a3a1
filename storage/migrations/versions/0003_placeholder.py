"""placeholder

Stands in for revision 0003, written in parallel on another branch, so that 0004 has a parent
here. It changes nothing; drop it when that branch's 0003 is merged.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
