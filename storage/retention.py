"""Retention: delete what no longer serves a purpose, in bounded batches, so tables stay small.

- sent outbox rows, once older than the window kept for `outbox recent` and investigations
  (pending, sending and dead rows are never touched: they are work or an operator's to-do);
- inbound ids, once the platform can no longer redeliver them (Slack retries for about an
  hour, DingTalk within a day);
- guided dialogues past their expiry;
- rate buckets nobody has drawn from for a while: a bucket idle for longer than it takes to
  refill is full, exactly like the new one the next message creates.

Each batch is one autocommitted `DELETE … WHERE key IN (SELECT … LIMIT n)`, so no statement
holds locks on more than `batch` rows or for long; rows another replica is deleting at the same
moment are skipped on PostgreSQL. Time is the caller's `now`, never read here.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Delete, Float, Integer, bindparam, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.engine import autocommit
from storage.models import (
    ApiIdempotencyRow,
    DialogueRow,
    InboundEventRow,
    OutboxRow,
    RateBucketRow,
)


@dataclass(frozen=True, slots=True)
class RetentionLimits:
    sent_outbox: timedelta = timedelta(days=7)
    inbound: timedelta = timedelta(hours=48)
    idle_bucket: timedelta = timedelta(minutes=10)
    batch: int = 500  # rows per statement


_OUT, _IN, _BUCKETS = OutboxRow.__table__, InboundEventRow.__table__, RateBucketRow.__table__
_ANSWERS = ApiIdempotencyRow.__table__
_DIALOGUES = DialogueRow.__table__
_CUTOFF, _LIMIT = bindparam("_cutoff"), bindparam("_limit", type_=Integer)

# Statements built once (their cache keys are memoised); the cut-off and batch are parameters.
_SENT = (select(_OUT.c.id).where(_OUT.c.status == "sent", _OUT.c.sent_at < _CUTOFF)
         .limit(_LIMIT).with_for_update(skip_locked=True))
_INBOUND = (select(_IN.c.platform, _IN.c.key).where(_IN.c.created_at < _CUTOFF)
            .limit(_LIMIT).with_for_update(skip_locked=True))
_IDLE = (select(_BUCKETS.c.key).where(_BUCKETS.c.updated < bindparam("_cutoff", type_=Float))
         .limit(_LIMIT).with_for_update(skip_locked=True))
_REPLAYS = (select(_ANSWERS.c.token_id, _ANSWERS.c.key).where(_ANSWERS.c.created_at < _CUTOFF)
            .limit(_LIMIT).with_for_update(skip_locked=True))
_EXPIRED = (select(_DIALOGUES.c.platform, _DIALOGUES.c.user, _DIALOGUES.c.conversation)
            .where(_DIALOGUES.c.expires_at < _CUTOFF)
            .limit(_LIMIT).with_for_update(skip_locked=True))
STATEMENTS: dict[str, Delete] = {
    "outbox": delete(_OUT).where(_OUT.c.id.in_(_SENT)),
    "inbound_events": delete(_IN).where(tuple_(_IN.c.platform, _IN.c.key).in_(_INBOUND)),
    "rate_buckets": delete(_BUCKETS).where(_BUCKETS.c.key.in_(_IDLE)),
    # The REST API's stored first answers live as long as the inbound ids they go with.
    "api_idempotency": delete(_ANSWERS).where(
        tuple_(_ANSWERS.c.token_id, _ANSWERS.c.key).in_(_REPLAYS)),
    # Guided dialogues past their expiry (the next message no longer continues them anyway).
    "dialogues": delete(_DIALOGUES).where(tuple_(
        _DIALOGUES.c.platform, _DIALOGUES.c.user, _DIALOGUES.c.conversation).in_(_EXPIRED)),
}


async def purge(sessions: async_sessionmaker[AsyncSession], now: datetime,
                limits: RetentionLimits) -> dict[str, int]:
    """Delete everything past its window; returns the rows deleted per table."""
    cutoffs: dict[str, Any] = {
        "outbox": now - limits.sent_outbox,
        "inbound_events": now - limits.inbound,
        # Buckets keep time as epoch seconds (see RateBucketRow).
        "rate_buckets": (now - limits.idle_bucket).timestamp(),
        "api_idempotency": now - limits.inbound,
        "dialogues": now,
    }
    return {table: await _in_batches(sessions, STATEMENTS[table], cutoff, limits.batch)
            for table, cutoff in cutoffs.items()}


async def _in_batches(sessions: async_sessionmaker[AsyncSession], statement: Delete,
                      cutoff: Any, batch: int) -> int:
    """Run the delete until a batch comes back short."""
    deleted = 0
    while True:
        async with autocommit(sessions) as connection:
            result = await connection.execute(statement, {"_cutoff": cutoff, "_limit": batch})
        count = int(result.rowcount or 0)
        deleted += count
        if count < batch:
            return deleted
