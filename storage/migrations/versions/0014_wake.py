"""Outbox wake-ups on PostgreSQL: a statement that inserts outbox rows notifies
`ticketbot_outbox`, which PostgreSQL delivers to every listening relay when (and only if) the
transaction commits. A trigger rather than a statement of the application's: no round trip of
its own, and every writer of outbox rows is covered. Nothing on SQLite (one process: the unit
of work wakes the relay after its commit).

Revision ID: 0014_wake
Revises: 0013
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_wake"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Statement-level, with the inserted rows as a transition table: an insert that added no
    # row (ON CONFLICT DO NOTHING) rings nobody. Notifications of one transaction with the same
    # payload are folded into one by PostgreSQL.
    op.execute("""
        CREATE FUNCTION ticketbot_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM inserted_rows) THEN
                PERFORM pg_notify('ticketbot_outbox', '');
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        REFERENCING NEW TABLE AS inserted_rows
        FOR EACH STATEMENT EXECUTE FUNCTION ticketbot_outbox_notify()
    """)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS ticketbot_outbox_notify()")
