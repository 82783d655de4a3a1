"""The durable outbox: rows written with each change, claimed and marked by delivery relays.

Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, so relays on several replicas never take
the same row; SQLite serialises writers instead. Only the oldest undelivered row of each
(ticket, destination) stream is claimable, which keeps messages about one ticket in order.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Row, and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from commands.notify import CARD_THREAD
from commands.ports import Claimed, Delivered, OutboxMessage, OutboxStats
from storage.dialects import ByDialect
from storage.engine import autocommit
from storage.models import OutboxRow, TicketMessageRow

LIVE = ("pending", "sending")


# Statements run for every message are built once: their cache keys are memoised.
_T = OutboxRow.__table__
_INSERT = insert(_T)
_MARK_SENT = update(_T).where(_T.c.id == bindparam("_id"), _T.c.status == "sending").values(
    status="sent", sent_at=bindparam("_now"), platform_ref=bindparam("_ref"), lease_until=None,
    last_error=None, uncertain=False)
_OLDEST_DUE = select(func.min(_T.c.not_before)).where(
    _T.c.status.in_(LIVE), _T.c.not_before <= bindparam("_now"))
_CARDS = TicketMessageRow.__table__

# Claiming is one statement: take the oldest due rows (skipping rows another relay has locked,
# and rows queued behind an earlier live message of their stream: a card waits only for the
# ticket's earlier cards there, never for a line held back by the channel's budget) and lease
# them. A row found
# "sending" with an expired lease: its relay died mid-send, so the message may already be out
# (uncertain); the sender checks before sending again.
_NOW = bindparam("_now")
_CANDIDATE, _EARLIER = _T.alias("candidate"), _T.alias("earlier")
_BLOCKED = exists().where(
    _EARLIER.c.ticket_id == _CANDIDATE.c.ticket_id, _EARLIER.c.platform == _CANDIDATE.c.platform,
    _EARLIER.c.address == _CANDIDATE.c.address, _EARLIER.c.id < _CANDIDATE.c.id,
    _EARLIER.c.status.in_(LIVE), or_(_CANDIDATE.c.template != "card", _EARLIER.c.template == "card"))
_DUE = (select(_CANDIDATE.c.id)
        .where(or_(and_(_CANDIDATE.c.status == "pending", _CANDIDATE.c.not_before <= _NOW),
                   and_(_CANDIDATE.c.status == "sending", _CANDIDATE.c.lease_until < _NOW)),
               ~_BLOCKED)
        .order_by(_CANDIDATE.c.id).limit(bindparam("_limit", type_=Integer))
        .with_for_update(skip_locked=True))
_CLAIM = (update(_T).where(_T.c.id.in_(_DUE))
          .values(status="sending", lease_until=bindparam("_lease_until"),
                  attempts=_T.c.attempts + 1, uncertain=or_(_T.c.uncertain, _T.c.status == "sending"))
          .returning(*_T.c))


def _card_upsert(insert):  # type: ignore[no-untyped-def]
    stmt = insert(_CARDS)
    return stmt.on_conflict_do_update(index_elements=["ticket_id", "platform", "address"],
                                      set_={"ref": stmt.excluded.ref})


_REMEMBER_CARD = ByDialect(_card_upsert, ("ticket_id", "platform", "address", "ref"))


def _card_params(card: tuple[int, str, str], ref: str) -> dict[str, Any]:
    ticket_id, platform, address = card
    return {"ticket_id": ticket_id, "platform": platform, "address": address, "ref": ref}


class SqlOutbox:
    """The use cases' side: add rows in the caller's transaction; duplicates are ignored."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, messages: list[OutboxMessage]) -> None:
        if not messages:
            return
        await (await self.session.connection()).execute(_INSERT, [
            {"idempotency_key": m.idempotency_key, "ticket_id": m.ticket_id,
             "ticket_key": m.ticket_key, "event": m.event, "platform": m.platform.value,
             "address": m.address, "thread": m.thread, "person_id": m.person_id,
             "template": m.template, "params": m.params, "locale": m.locale, "urgent": m.urgent,
             "status": "pending", "attempts": 0, "uncertain": False,
             "created_at": m.created_at, "not_before": m.not_before}
            for m in messages
        ])


class SqlOutboxStore:
    """The relay's side. Each method is its own short transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
        async with self.sessions() as session, session.begin():
            rows = sorted((await session.execute(_CLAIM, {
                "_now": now, "_limit": limit, "_lease_until": now + lease})).all(),
                key=lambda row: row.id)
            cards = await self._card_refs(session, rows)
        claimed = []
        for row in rows:
            thread = row.thread
            if row.template == "card" or thread == CARD_THREAD:
                # The card's message id on this destination, once it has been posted.
                thread = cards.get((row.ticket_id, row.platform, row.address))
            claimed.append(Claimed(
                row.id, row.idempotency_key, row.ticket_id, row.ticket_key, row.event,
                row.platform, row.address, thread, row.template, dict(row.params), row.locale,
                row.urgent, row.attempts, row.uncertain, row.created_at))
        return claimed

    @staticmethod
    async def _card_refs(session: AsyncSession, rows: list[Row[Any]]
                         ) -> dict[tuple[int | None, str, str], str]:
        ticket_ids = {r.ticket_id for r in rows
                      if r.ticket_id and (r.template == "card" or r.thread == CARD_THREAD)}
        if not ticket_ids:
            return {}
        found = await session.execute(select(
            TicketMessageRow.ticket_id, TicketMessageRow.platform, TicketMessageRow.address,
            TicketMessageRow.ref).where(TicketMessageRow.ticket_id.in_(ticket_ids)))
        return {(t, p, a): ref for t, p, a, ref in found}

    async def remember_card(self, ticket_id: int, platform: str, address: str, ref: str) -> None:
        async with autocommit(self.sessions) as connection:
            await _REMEMBER_CARD.execute(connection, _card_params((ticket_id, platform, address),
                                                                  ref))

    async def _set(self, ids: list[int], **values: Any) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(update(OutboxRow).where(
                OutboxRow.id.in_(ids), OutboxRow.status == "sending").values(**values))

    async def mark_sent(self, delivered: list[Delivered], now: datetime) -> None:
        """Sent, with where new cards now live: a sweep's worth in two statements.

        Each commits on its own, the cards' places first: should the second fail, the rows
        stay leased, come back as "maybe sent", and the sender finds each message already
        posted instead of posting it again."""
        cards = [_card_params(d.card, d.ref) for d in delivered if d.card is not None and d.ref]
        marks = [{"_id": row_id, "_now": now, "_ref": d.ref} for d in delivered for row_id in d.ids]
        if not marks:
            return
        async with autocommit(self.sessions) as connection:
            if cards:
                await _REMEMBER_CARD.execute(connection, cards)
            await connection.execute(_MARK_SENT, marks)

    async def retry_later(self, ids: list[int], when: datetime, error: str | None,
                          uncertain: bool = False, count_attempt: bool = True) -> None:
        values: dict[str, Any] = {"status": "pending", "not_before": when, "lease_until": None,
                                  "uncertain": uncertain}
        if error is not None:
            values["last_error"] = error[:2000]
        if not count_attempt:
            values["attempts"] = OutboxRow.attempts - 1
        await self._set(ids, **values)

    async def mark_dead(self, ids: list[int], error: str) -> None:
        await self._set(ids, status="dead", last_error=error[:2000], lease_until=None)

    async def dead(self, limit: int = 50) -> list[OutboxRow]:
        async with self.sessions() as session:
            return list(await session.scalars(
                select(OutboxRow).where(OutboxRow.status == "dead")
                .order_by(OutboxRow.id).limit(limit)))

    async def recent(self, limit: int = 50) -> list[OutboxRow]:
        async with self.sessions() as session:
            return list(await session.scalars(
                select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)))

    async def revive(self, now: datetime, ids: list[int] | None = None) -> int:
        """Give dead rows a fresh set of attempts; all of them when `ids` is None."""
        stmt = update(OutboxRow).where(OutboxRow.status == "dead")
        if ids is not None:
            stmt = stmt.where(OutboxRow.id.in_(ids))
        async with self.sessions() as session, session.begin():
            result = await session.execute(stmt.values(
                status="pending", attempts=0, not_before=now, last_error=None))
        return int(result.rowcount or 0)

    async def oldest_due(self, now: datetime) -> datetime | None:
        """The oldest message due and not yet delivered (the relay's lag), from the index."""
        async with self.sessions() as session:
            return await session.scalar(_OLDEST_DUE, {"_now": now})

    async def stats(self, now: datetime) -> OutboxStats:
        async with self.sessions() as session:
            counts = dict((await session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status))).tuples().all())
            oldest = await session.scalar(select(func.min(OutboxRow.not_before)).where(
                OutboxRow.status.in_(LIVE), OutboxRow.not_before <= now))
        return OutboxStats(counts.get("pending", 0), counts.get("sending", 0),
                           counts.get("sent", 0), counts.get("dead", 0), oldest)
