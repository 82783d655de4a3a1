"""The durable outbox: rows written with each change, claimed and marked by delivery relays.

Claiming uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, so relays on several replicas never take
the same row; SQLite serialises writers instead. Only the oldest undelivered row of each
(ticket, destination) stream is claimable, which keeps messages about one ticket in order.

Fencing: each claim raises the row's `claim_token`, and every later write (sent, retry later,
dead letter, lease renewal, the card's place) matches `id`, `claim_token` and `status =
'sending'`. A relay whose lease ran out (a pause, a send slower than its lease) and whose rows
another relay has claimed since changes nothing: it cannot put back to "pending" a message the
newer claim has delivered, nor record its own card over the newer one. Time is always the
caller's `now` (the injected clock), never read here.
"""

import contextlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Boolean,
    Integer,
    Row,
    String,
    Text,
    Update,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker

from commands.duplicate_burst import EVENT as BURST_EVENT
from commands.duplicate_burst import LISTED
from commands.notify import CARD_THREAD
from commands.ports import Claimed, Delivered, OutboxDue, OutboxMessage, OutboxStats
from storage.dialects import ByDialect
from storage.engine import autocommit
from storage.models import OutboxRow, TicketMessageRow

LIVE = ("pending", "sending")
ADDED = "outbox_added"  # session.info: this transaction inserted outbox rows
CHANNEL = "ticketbot_outbox"  # PostgreSQL's notification channel (the trigger of 0014_wake)


# Statements run for every message are built once: their cache keys are memoised.
_T = OutboxRow.__table__
_INSERT = insert(_T)
# The fence of every write after a claim: the rows, still held by that very claim (one
# statement for a list of (id, token) pairs, so the count of rows changed is exact).
_HELD = (tuple_(_T.c.id, _T.c.claim_token).in_(bindparam("_held", expanding=True)),
         _T.c.status == "sending")
# "Sent" marks, many messages (each its own platform id) in one statement with an exact count:
# on PostgreSQL joined to arrays of row ids, tokens and platform ids; SQLite runs one per message
# (executemany, whose count it reports) in one transaction.
_SENT = dict(status="sent", sent_at=bindparam("_now"), lease_until=None, last_error=None,
             uncertain=False)
_MARKS = func.unnest(bindparam("_ids", type_=ARRAY(Integer)),
                     bindparam("_tokens", type_=ARRAY(Integer)),
                     bindparam("_refs", type_=ARRAY(String))
                     ).table_valued("id", "token", "ref").render_derived(name="marks")
_MARK_SENT_PG = update(_T).where(
    _T.c.id == _MARKS.c.id, _T.c.claim_token == _MARKS.c.token, _T.c.status == "sending",
).values(platform_ref=_MARKS.c.ref, **_SENT)
_MARK_SENT_EACH = update(_T).where(
    _T.c.id == bindparam("_id"), _T.c.claim_token == bindparam("_token"),
    _T.c.status == "sending").values(platform_ref=bindparam("_ref"), **_SENT)
_RETRY = update(_T).where(*_HELD).values(
    status="pending", not_before=bindparam("_when"), lease_until=None,
    # What a row knew stays known: an earlier attempt that may have been delivered still may
    # have been, whatever this attempt's outcome (or a wait for pace) was.
    uncertain=or_(_T.c.uncertain, bindparam("_maybe_sent", type_=Boolean)),
    last_error=func.coalesce(bindparam("_error", type_=Text), _T.c.last_error))
_RETRY_UNCOUNTED = _RETRY.values(attempts=_T.c.attempts - 1)  # waiting for pace is no attempt
_DEAD = update(_T).where(*_HELD).values(status="dead", last_error=bindparam("_error"),
                                        lease_until=None)
_RENEW = update(_T).where(*_HELD).values(lease_until=bindparam("_until"))
_OLDEST_DUE = select(func.min(_T.c.not_before)).where(
    _T.c.status.in_(LIVE), _T.c.not_before <= bindparam("_now"))
# After a sweep, in one statement from the indexes: the lag, whether pending rows are due now
# (behind their stream, or beyond this claim), and when the next one falls due (a retry, a wait
# for pace) or the next lease runs out (a relay that died mid-send): the relay sleeps until then.
_PENDING_NOW = exists().where(_T.c.status == "pending", _T.c.not_before <= bindparam("_now"))
_NEXT_PENDING = select(func.min(_T.c.not_before)).where(
    _T.c.status == "pending", _T.c.not_before > bindparam("_now")).scalar_subquery()
_NEXT_LEASE = select(func.min(_T.c.lease_until)).where(_T.c.status == "sending").scalar_subquery()
_DUE_TIMES = select(_OLDEST_DUE.scalar_subquery(), _PENDING_NOW, _NEXT_PENDING, _NEXT_LEASE)
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
                  attempts=_T.c.attempts + 1, claim_token=_T.c.claim_token + 1,
                  uncertain=or_(_T.c.uncertain, _T.c.status == "sending"))
          .returning(*_T.c))


def _card_upsert(insert):  # type: ignore[no-untyped-def]
    stmt = insert(_CARDS)
    return stmt.on_conflict_do_update(index_elements=["ticket_id", "platform", "address"],
                                      set_={"ref": stmt.excluded.ref})


_REMEMBER_CARD = ByDialect(_card_upsert, ("ticket_id", "platform", "address", "ref"))


def _fenced_card_upsert(insert):  # type: ignore[no-untyped-def]
    # The card's place, written only if the row it came with was just marked sent by this very
    # claim (in the same transaction): a stale relay's card never replaces the newer one's.
    marked = exists().where(_T.c.id == bindparam("_id"), _T.c.claim_token == bindparam("_token"),
                            _T.c.status == "sent")
    values = select(bindparam("ticket_id", type_=Integer), bindparam("platform", type_=String),
                    bindparam("address", type_=String), bindparam("ref", type_=String)
                    ).where(marked)
    stmt = insert(_CARDS).from_select(["ticket_id", "platform", "address", "ref"], values)
    return stmt.on_conflict_do_update(index_elements=["ticket_id", "platform", "address"],
                                      set_={"ref": stmt.excluded.ref})


_REMEMBER_SENT_CARD = ByDialect(_fenced_card_upsert,
                                ("ticket_id", "platform", "address", "ref", "_id", "_token"))


def _held(rows: list[Claimed]) -> list[tuple[int, int]]:
    return [(r.id, r.token) for r in rows]


def _card_params(card: tuple[int, str, str], ref: str) -> dict[str, Any]:
    ticket_id, platform, address = card
    return {"ticket_id": ticket_id, "platform": platform, "address": address, "ref": ref}


def _row(m: OutboxMessage) -> dict[str, Any]:
    return {"idempotency_key": m.idempotency_key, "ticket_id": m.ticket_id,
            "ticket_key": m.ticket_key, "event": m.event, "platform": m.platform.value,
            "address": m.address, "thread": m.thread, "person_id": m.person_id,
            "template": m.template, "params": m.params, "locale": m.locale, "urgent": m.urgent,
            "status": "pending", "attempts": 0, "uncertain": False,
            "created_at": m.created_at, "not_before": m.not_before}


# The burst notice's merge: the new row's one duplicate appended (at most LISTED named) and its
# count added, on the pending row of the same key; written per database (JSON functions differ).
_MERGED = {
    "postgresql": (
        "CAST(jsonb_set(jsonb_set(CAST(outbox.params AS JSONB), '{count}', to_jsonb("
        "CAST(outbox.params ->> 'count' AS INTEGER) + 1)), '{duplicates}', CASE WHEN "
        f"json_array_length(outbox.params -> 'duplicates') < {LISTED} THEN "
        "CAST(outbox.params -> 'duplicates' AS JSONB) || "
        "CAST(excluded.params -> 'duplicates' AS JSONB) "
        "ELSE CAST(outbox.params -> 'duplicates' AS JSONB) END) AS JSON)"),
    "sqlite": (
        "json_set(outbox.params, '$.count', json_extract(outbox.params, '$.count') + 1, "
        f"CASE WHEN json_array_length(outbox.params, '$.duplicates') < {LISTED} "
        "THEN '$.duplicates[#]' ELSE '$.latest' END, "
        "json(json_extract(excluded.params, '$.duplicates[0]')))"),
}


def _append_upsert(insert):  # type: ignore[no-untyped-def]
    dialect = "postgresql" if insert.__module__.startswith("sqlalchemy.dialects.postgresql") \
        else "sqlite"
    return insert(_T).inline().on_conflict_do_update(
        index_elements=["idempotency_key"], set_={"params": literal_column(_MERGED[dialect])},
        where=(_T.c.status == "pending") & (_T.c.event == BURST_EVENT))


_APPEND = ByDialect(_append_upsert, (
    "idempotency_key", "ticket_id", "ticket_key", "event", "platform", "address", "thread",
    "person_id", "template", "params", "locale", "urgent", "status", "attempts", "uncertain",
    "created_at", "not_before"))


class SqlOutbox:
    """The use cases' side: add rows in the caller's transaction; duplicates are ignored."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, messages: list[OutboxMessage]) -> None:
        if not messages:
            return
        rows = [_row(m) for m in messages]
        self.session.info[ADDED] = True  # the unit of work rings the relay after its commit
        if not any(m.appends for m in messages):
            await (await self.session.connection()).execute(_INSERT, rows)
            return
        # A burst's notices are appended to on conflict: then every row of the change goes
        # through the upsert (one statement still), which leaves any other conflict alone.
        await _APPEND.execute(self.session, rows)


class SqlOutboxStore:
    """The relay's side. Each method is its own short transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Claimed]:
        # One autocommitted statement on PostgreSQL (the claim is atomic by itself): no BEGIN
        # and COMMIT round trips before the first send. Card places are read afterwards; they
        # are written only by the claim that holds a card's row.
        async with autocommit(self.sessions) as connection:
            rows = sorted((await connection.execute(_CLAIM, {
                "_now": now, "_limit": limit, "_lease_until": now + lease})).all(),
                key=lambda row: row.id)
            cards = await self._card_refs(connection, rows)
        claimed = []
        for row in rows:
            thread = row.thread
            if row.template == "card" or thread == CARD_THREAD:
                # The card's message id on this destination, once it has been posted.
                thread = cards.get((row.ticket_id, row.platform, row.address))
            claimed.append(Claimed(
                row.id, row.idempotency_key, row.ticket_id, row.ticket_key, row.event,
                row.platform, row.address, thread, row.template, dict(row.params), row.locale,
                row.urgent, row.attempts, row.uncertain, row.created_at, row.claim_token))
        return claimed

    @staticmethod
    async def _card_refs(connection: AsyncConnection, rows: list[Row[Any]]
                         ) -> dict[tuple[int | None, str, str], str]:
        ticket_ids = {r.ticket_id for r in rows
                      if r.ticket_id and (r.template == "card" or r.thread == CARD_THREAD)}
        if not ticket_ids:
            return {}
        found = await connection.execute(select(
            TicketMessageRow.ticket_id, TicketMessageRow.platform, TicketMessageRow.address,
            TicketMessageRow.ref).where(TicketMessageRow.ticket_id.in_(ticket_ids)))
        return {(t, p, a): ref for t, p, a, ref in found}

    async def remember_card(self, ticket_id: int, platform: str, address: str, ref: str) -> None:
        async with autocommit(self.sessions) as connection:
            await _REMEMBER_CARD.execute(connection, _card_params((ticket_id, platform, address),
                                                                  ref))

    async def _fenced(self, statement: Update, rows: list[Claimed], **values: Any) -> int:
        """Write the rows this claim still holds; returns how many that was."""
        if not rows:
            return 0
        async with autocommit(self.sessions) as connection:
            result = await connection.execute(statement, {"_held": _held(rows), **values})
        return int(result.rowcount or 0)

    async def renew(self, rows: list[Claimed], until: datetime) -> int:
        return await self._fenced(_RENEW, rows, _until=until)

    async def mark_sent(self, delivered: list[Delivered], now: datetime) -> int:
        """Sent, with where new cards now live, in one or two statements.

        A new card's place is written in the same transaction as its row's mark, so a crash
        leaves either both or neither: the row then comes back as "maybe sent", and the sender
        finds the card already posted instead of posting it again."""
        marks = [(r.id, r.token, d.ref) for d in delivered for r in d.rows]
        cards = [{**_card_params(d.card, d.ref), "_id": d.rows[0].id, "_token": d.rows[0].token}
                 for d in delivered if d.card is not None and d.ref]
        if not marks:
            return 0
        # The usual case (no new card) is one autocommitted statement.
        async with (autocommit(self.sessions) if not cards else self._transaction()
                    ) as connection:
            if connection.dialect.name == "postgresql":
                ids, tokens, refs = (list(column) for column in zip(*marks, strict=True))
                result = await connection.execute(_MARK_SENT_PG, {
                    "_ids": ids, "_tokens": tokens, "_refs": refs, "_now": now})
            else:
                result = await connection.execute(_MARK_SENT_EACH, [
                    {"_id": i, "_token": t, "_ref": ref, "_now": now} for i, t, ref in marks])
            if cards:
                await _REMEMBER_SENT_CARD.execute(connection, cards)
        return int(result.rowcount or 0)

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self.sessions() as session, session.begin():
            yield await session.connection()

    async def retry_later(self, rows: list[Claimed], when: datetime, error: str | None,
                          maybe_sent: bool = False, count_attempt: bool = True) -> int:
        return await self._fenced(_RETRY if count_attempt else _RETRY_UNCOUNTED, rows,
                                  _when=when, _maybe_sent=maybe_sent,
                                  _error=None if error is None else error[:2000])

    async def mark_dead(self, rows: list[Claimed], error: str) -> int:
        return await self._fenced(_DEAD, rows, _error=error[:2000])

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
            if result.rowcount and session.bind is not None and (
                    session.bind.dialect.name == "postgresql"):
                await session.execute(select(func.pg_notify(CHANNEL, "")))  # the relays, at commit
        return int(result.rowcount or 0)

    async def oldest_due(self, now: datetime) -> datetime | None:
        """The oldest message due and not yet delivered (the relay's lag), from the index."""
        async with self.sessions() as session:
            return await session.scalar(_OLDEST_DUE, {"_now": now})

    async def due(self, now: datetime) -> OutboxDue:
        async with self.sessions() as session:
            oldest, pending_now, next_pending, next_lease = (
                await session.execute(_DUE_TIMES, {"_now": now})).one()
        later = [t for t in (next_pending, next_lease) if t is not None]
        return OutboxDue(oldest, bool(pending_now), min(later) if later else None)

    async def stats(self, now: datetime) -> OutboxStats:
        async with self.sessions() as session:
            counts = dict((await session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status))).tuples().all())
            oldest = await session.scalar(select(func.min(OutboxRow.not_before)).where(
                OutboxRow.status.in_(LIVE), OutboxRow.not_before <= now))
        return OutboxStats(counts.get("pending", 0), counts.get("sending", 0),
                           counts.get("sent", 0), counts.get("dead", 0), oldest)
