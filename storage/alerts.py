"""The monitoring intake's memory: which ticket an alert group has open, and each firing seen.

The group row is taken with `INSERT … ON CONFLICT DO NOTHING` and then locked: a concurrent
delivery of the same group (a retry, the other half of an HA pair) waits on it until the first
transaction ends, then finds the ticket that one opened."""

import hashlib
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.ports import KnownAlert, LockedGroup
from storage.dialects import ByDialect, insert_for
from storage.models import AlertGroupRow, AlertRow, TicketRow
from workflows.alerts import FIRING, Alert

_G, _A = AlertGroupRow.__table__, AlertRow.__table__
_TAKE_GROUP = ByDialect(lambda insert: insert(_G).on_conflict_do_nothing(),
                        ("source", "group_hash", "group_key", "ticket_id", "updated_at"))
_LOCK_GROUP = (select(_G.c.ticket_id, _G.c.truncated)
               .where(_G.c.source == bindparam("_source"), _G.c.group_hash == bindparam("_hash"))
               .with_for_update())
_KEY = select(TicketRow.key).where(TicketRow.id == bindparam("_id"))
_SET_GROUP = (update(_G).where(_G.c.source == bindparam("_source"),
                               _G.c.group_hash == bindparam("_hash"))
              .values(ticket_id=bindparam("_ticket"), updated_at=bindparam("_now"),
                      truncated=bindparam("_truncated")))


def _remember(insert):  # type: ignore[no-untyped-def]
    stmt = insert(_A)
    return stmt.on_conflict_do_update(
        index_elements=["source", "fingerprint", "starts_at"],
        set_={"status": stmt.excluded.status, "digest": stmt.excluded.digest,
              "ticket_id": stmt.excluded.ticket_id, "last_seen_at": stmt.excluded.last_seen_at})




def _hash(group_key: str) -> str:
    return hashlib.sha256(group_key.encode()).hexdigest()


class SqlAlerts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_group(self, source: str, group_key: str, now: datetime) -> LockedGroup:
        """Take the group's row under a lock: the key of the ticket it has open, if any, and
        how many alerts the sender left out last time."""
        key = _hash(group_key)
        await _TAKE_GROUP.execute(self.session, {"source": source, "group_hash": key,
                                                 "group_key": group_key, "ticket_id": None,
                                                 "updated_at": now})
        row = (await self.session.execute(_LOCK_GROUP, {"_source": source, "_hash": key})).one()
        ticket_id, truncated = row
        if ticket_id is None:
            return LockedGroup(None, truncated or 0)
        return LockedGroup(await self.session.scalar(_KEY, {"_id": ticket_id}), truncated or 0)

    async def set_group_ticket(self, source: str, group_key: str, ticket_id: int,
                               now: datetime, truncated: int = 0) -> None:
        await self.session.execute(_SET_GROUP, {"_source": source, "_hash": _hash(group_key),
                                                "_ticket": ticket_id, "_now": now,
                                                "_truncated": truncated})

    async def known(self, source: str, fingerprints: list[str]) -> dict[str, list[KnownAlert]]:
        """Every firing recorded for these fingerprints, newest first."""
        rows = await self.session.execute(
            select(AlertRow.fingerprint, AlertRow.starts_at, TicketRow.key, AlertRow.status,
                   AlertRow.digest)
            .join(TicketRow, TicketRow.id == AlertRow.ticket_id)
            .where(AlertRow.source == source, AlertRow.fingerprint.in_(fingerprints))
            .order_by(AlertRow.id.desc()))
        found: dict[str, list[KnownAlert]] = {}
        for fp, starts_at, ticket_key, status, digest in rows:
            found.setdefault(fp, []).append(KnownAlert(starts_at, ticket_key, status, digest))
        return found

    async def remember(self, source: str, alerts: list[Alert], ticket_id: int,
                       now: datetime) -> None:
        if alerts:
            # Built per call: a compiled upsert cannot run as an executemany on asyncpg.
            connection = await self.session.connection()
            await connection.execute(_remember(insert_for(connection)), [
                {"source": source, "fingerprint": a.fingerprint[:128],
                 "starts_at": a.starts_at[:40], "ticket_id": ticket_id, "status": a.status,
                 "digest": a.digest(), "first_seen_at": now, "last_seen_at": now}
                for a in alerts])

    async def firing(self, ticket_id: int) -> int:
        """How many alerts of this ticket are still firing."""
        return int(await self.session.scalar(
            select(func.count()).select_from(AlertRow)
            .where(AlertRow.ticket_id == ticket_id, AlertRow.status == FIRING)) or 0)
