"""The retention job deletes sent messages, old inbound ids and idle rate buckets, in batches."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, func, insert, select

from bot.bootstrap import App
from bot.jobs_retention import retention_tick
from notifications.relay import Pacing
from storage.engine import session_factory
from storage.models import InboundEventRow, OutboxRow, RateBucketRow
from storage.rate_limit import SqlRateLimiter
from storage.retention import RetentionLimits, purge
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender


def outbox_row(n: int, status: str, created: datetime, sent: datetime | None = None
               ) -> dict[str, Any]:
    return {"idempotency_key": f"k{n}", "event": "create", "platform": "console",
            "address": "#it-triage", "template": "notify.create", "params": {}, "locale": "en",
            "urgent": False, "status": status, "attempts": 1, "uncertain": False,
            "created_at": created, "not_before": created, "sent_at": sent}


async def add(app: App, table: Any, rows: list[dict[str, Any]]) -> None:
    async with app.engine.begin() as conn:
        await conn.execute(insert(table), rows)


async def column(app: App, col: Any) -> list[Any]:
    async with app.engine.connect() as conn:
        return sorted((await conn.execute(select(col))).scalars().all())


async def count(app: App, table: Any) -> int:
    async with app.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


@contextmanager
def deletes_counted(app: App, table: str) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith(f"DELETE FROM {table.upper()}"):
            seen.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", on_execute)
    try:
        yield seen
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", on_execute)


async def test_what_is_past_its_window_goes_and_the_rest_stays(
        app: App, clock: FakeClock) -> None:
    now = clock.now()
    days, hours, minutes = (lambda n: now - timedelta(days=n), lambda n: now - timedelta(hours=n),
                            lambda n: now - timedelta(minutes=n))
    await add(app, OutboxRow.__table__, [
        outbox_row(1, "sent", days(9), sent=days(8)),     # past the 7 days: deleted
        outbox_row(2, "sent", days(30), sent=days(6)),    # sent late, 6 days ago: kept
        outbox_row(3, "pending", days(30)),               # never delivered: always kept
        outbox_row(4, "dead", days(30)),                  # an operator's to-do: always kept
        outbox_row(5, "sending", days(30)),               # a relay has it: always kept
    ])
    await add(app, InboundEventRow.__table__, [
        {"platform": "slack", "key": "Ev-old", "created_at": hours(49)},
        {"platform": "dingtalk", "key": "msg-recent", "created_at": hours(47)},
    ])
    await add(app, RateBucketRow.__table__, [
        {"key": "slack:C-idle", "tokens": 3.0, "updated": minutes(11).timestamp()},
        {"key": "slack:C-busy", "tokens": 0.0, "updated": minutes(1).timestamp()},
    ])
    assert await retention_tick(app) == {"outbox": 1, "inbound_events": 1, "rate_buckets": 1,
                                         "api_idempotency": 0, "dialogues": 0}
    assert await column(app, OutboxRow.idempotency_key) == ["k2", "k3", "k4", "k5"]
    assert await column(app, InboundEventRow.key) == ["msg-recent"]
    assert await column(app, RateBucketRow.key) == ["slack:C-busy"]
    assert await retention_tick(app) == {"outbox": 0, "inbound_events": 0, "rate_buckets": 0,
                                         "api_idempotency": 0, "dialogues": 0}


async def test_deletes_run_in_bounded_batches(app: App, clock: FakeClock) -> None:
    old = clock.now() - timedelta(days=10)
    await add(app, OutboxRow.__table__,
              [outbox_row(n, "sent", old, sent=old) for n in range(1200)]
              + [outbox_row(5000, "sent", clock.now(), sent=clock.now())])
    with deletes_counted(app, "outbox") as statements:
        deleted = await purge(session_factory(app.engine), clock.now(), RetentionLimits(batch=500))
    assert deleted["outbox"] == 1200
    assert len(statements) == 3  # 500, 500, then 200: a short batch ends it
    assert await column(app, OutboxRow.idempotency_key) == ["k5000"]


async def test_tables_stay_bounded_in_a_long_soak(chat: Chat, clock: FakeClock) -> None:
    """Four weeks of tickets, deliveries, inbound ids and destinations, with the retention job
    every twelve hours: each table levels off at about its window's worth."""
    app, sender = chat.app, RecordingSender()
    relay = app.relay({"console": sender}, pacing={"console": Pacing(rate=50, burst=50)})
    limiter = SqlRateLimiter(session_factory(app.engine))
    people = ["alice", "bob"]
    sizes: list[tuple[int, int, int]] = []
    for day in range(28):
        for half in range(2):
            for n, person in enumerate(people):
                # Titles share no word, so no ticket reads as a duplicate of another (which would add
                # a notice to the lead): the deliveries stay one per ticket.
                await chat.user(person).says(f"new Soak-{day}-{half}-{n}")
            await add(app, InboundEventRow.__table__, [
                {"platform": "slack", "key": f"Ev{day}-{half}-{n}", "created_at": clock.now()}
                for n in range(10)])
            await limiter.take_each([f"slack:C{day}-{half}-{n}" for n in range(5)],
                                    clock.now().timestamp(), 1.0, 3.0)
            while await relay.run_once():
                pass
            await retention_tick(app)
            clock.advance(hours=12)
        sizes.append((await count(app, OutboxRow.__table__),
                      await count(app, InboundEventRow.__table__),
                      await count(app, RateBucketRow.__table__)))
    per_day = 2 * len(people)  # one triage-channel message per new ticket
    assert len(sender.sent) == 28 * per_day  # everything was delivered first
    # After the first week, never more than the windows' worth plus one day's slack.
    for outbox_rows, inbound_rows, buckets in sizes[8:]:
        assert outbox_rows <= 8 * per_day
        assert inbound_rows <= 3 * 20
        assert buckets <= 5 + 2  # the last half day's destinations, plus the relay's own
    assert sizes[-1][0] >= 7 * per_day - per_day  # and what is inside the window is kept
