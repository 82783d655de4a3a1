"""Outbox claims are fenced: a relay whose lease ran out changes nothing a newer claim did."""

import asyncio
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import TypeVar

from prometheus_client import REGISTRY
from sqlalchemy import select, update

from commands.ports import Delivered
from notifications.catalogs import Catalogs
from notifications.relay import Relay
from notifications.senders import DeliveryError, Outgoing
from storage.engine import session_factory
from storage.models import OutboxRow, TicketMessageRow
from storage.outbox import SqlOutboxStore
from storage.rate_limit import SqlRateLimiter
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender

T = TypeVar("T")
LEASE = timedelta(seconds=60)


async def within(step: Awaitable[T], seconds: float = 10) -> T:
    """Every wait in these tests is bounded: a regression fails, it never hangs."""
    return await asyncio.wait_for(step, seconds)


class SlowPlatform:
    """A platform call that takes as long as the test says. It reaches `platform` (if any)
    at once, then answers, or fails with `failure`, only when `release` is set. Only
    messages to `addresses` are slow (all when None); the others pass straight through."""

    def __init__(self, platform: RecordingSender | None = None,
                 failure: DeliveryError | None = None, addresses: set[str] | None = None) -> None:
        self.platform, self.failure, self.addresses = platform, failure, addresses
        self.entered, self.release = asyncio.Event(), asyncio.Event()

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        ref = None
        if self.platform is not None:
            ref = await self.platform.send(message, check_duplicate=check_duplicate)
        if self.addresses is not None and message.address not in self.addresses:
            return ref
        self.entered.set()
        await self.release.wait()
        if self.failure is not None:
            raise self.failure
        return ref


class RenewalTicks:
    """The relay's renewal pause, driven by the test: each `tick` lets one renewal run."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[None] = asyncio.Queue()
        self.waiting = asyncio.Event()

    async def __call__(self, _seconds: float) -> None:
        self.waiting.set()
        await self.queue.get()

    async def tick(self) -> None:
        await within(self.waiting.wait())  # the renewal loop is pausing
        self.waiting.clear()
        self.queue.put_nowait(None)
        await within(self.waiting.wait())  # it renewed and pauses again


def relay(chat: Chat, sender: object, **options: object) -> Relay:
    return chat.app.relay({"console": sender}, pacing={}, lease=LEASE,  # type: ignore[dict-item]
                          **options)


async def outbox(chat: Chat) -> list[OutboxRow]:
    async with chat.app.engine.connect() as conn:
        return list((await conn.execute(select(OutboxRow).order_by(OutboxRow.id))).all())


def fenced_so_far() -> float:
    return REGISTRY.get_sample_value("ticketbot_outbox_fenced_total") or 0.0


async def test_a_lease_that_runs_out_mid_sweep_still_means_one_delivery(
        chat: Chat, clock: FakeClock) -> None:
    platform = RecordingSender()
    await chat.user("alice").says("new Scanner offline")
    # Relay A claims the message; its call to the platform hangs, then fails with a 503:
    # the platform never got it.
    stuck = SlowPlatform(failure=DeliveryError("503 Service Unavailable", maybe_sent=False))
    first = asyncio.create_task(relay(chat, stuck).run_once())
    await within(stuck.entered.wait())
    # A's lease runs out; relay B claims the message and delivers it, slowly.
    clock.advance(seconds=61)
    slow = SlowPlatform(platform)
    second = asyncio.create_task(relay(chat, slow).run_once())
    await within(slow.entered.wait())
    assert len(platform.sent) == 1
    fenced = fenced_so_far()
    # A's failure comes back before B has recorded its delivery: it must not put the
    # message back in the queue as "not sent".
    stuck.release.set()
    assert await within(first) == 1
    assert fenced_so_far() == fenced + 1  # operators see that a stale write was refused
    slow.release.set()
    assert await within(second) == 1
    # Later sweeps find nothing to deliver again.
    clock.advance(minutes=30)
    assert await within(relay(chat, platform).run_once()) == 0
    assert len(platform.sent) == 1
    [row] = await outbox(chat)
    assert (row.status, row.platform_ref, row.attempts) == ("sent", "ref-1", 2)


class WatchedStore(SqlOutboxStore):
    """The real store, telling the test when a "sent" mark has been written."""

    def __init__(self, chat: Chat) -> None:
        super().__init__(session_factory(chat.app.engine))
        self.marked = asyncio.Event()

    async def mark_sent(self, delivered: list[Delivered], now: datetime) -> int:
        written = await super().mark_sent(delivered, now)
        self.marked.set()
        return written


async def test_each_destination_is_marked_sent_when_its_own_sends_are_done(
        chat: Chat, clock: FakeClock) -> None:
    platform = RecordingSender()
    await chat.user("alice").says("new Email down cc @erin")  # the triage channel and erin
    slow = SlowPlatform(platform, addresses={"#it-triage"})
    store, settings = WatchedStore(chat), chat.app.settings
    sweep = asyncio.create_task(Relay(
        store, SqlRateLimiter(store.sessions), {"console": slow},
        Catalogs(settings.tz, settings.templates_dir, clock.now), clock, pacing={}).run_once())
    await within(slow.entered.wait())
    await within(store.marked.wait())
    # The sweep is still busy with the channel; erin's message is already recorded as sent.
    states = {row.address: row.status for row in await outbox(chat)}
    assert states == {"#it-triage": "sending", "erin": "sent"}
    slow.release.set()
    assert await within(sweep) == 2
    assert {row.status for row in await outbox(chat)} == {"sent"}
    assert len(platform.sent) == 2 and platform.checked == []


async def test_a_long_sweep_keeps_its_lease(chat: Chat, clock: FakeClock) -> None:
    platform = RecordingSender()
    await chat.user("alice").says("new Printer offline")
    ticks = RenewalTicks()
    slow = SlowPlatform(platform)
    sweep = asyncio.create_task(relay(chat, slow, renew_sleep=ticks).run_once())
    await within(slow.entered.wait())
    clock.advance(seconds=50)
    await ticks.tick()  # renewed: 60 s from now
    clock.advance(seconds=50)  # 100 s after the claim, 50 s after the renewal
    other = RecordingSender()
    assert await within(relay(chat, other).run_once()) == 0  # still held by the first relay
    slow.release.set()
    assert await within(sweep) == 1
    assert (len(platform.sent), other.sent, other.checked) == (1, [], [])
    assert [row.status for row in await outbox(chat)] == ["sent"]


async def test_a_stale_claim_writes_nothing_over_a_newer_one(
        chat: Chat, clock: FakeClock) -> None:
    """Store level: the card's place, sent, retry later, dead letter and renewal of an
    expired claim all leave the newer claim's work alone."""
    await chat.user("alice").says("new Projector flickers")
    async with chat.app.engine.begin() as conn:
        await conn.execute(update(OutboxRow).values(template="card"))
    store = SqlOutboxStore(session_factory(chat.app.engine))
    [stale] = await store.claim(clock.now(), 10, LEASE)
    clock.advance(seconds=61)
    [fresh] = await store.claim(clock.now(), 10, LEASE)
    assert (stale.id, stale.token + 1) == (fresh.id, fresh.token)
    assert fresh.uncertain  # the first claim may have sent it: the sender looks first
    place = (fresh.ticket_id, fresh.platform, fresh.address)
    assert await store.renew([stale], clock.now() + timedelta(hours=1)) == 0
    assert await store.retry_later([stale], clock.now(), "timeout") == 0
    assert await store.mark_dead([stale], "gave up") == 0
    assert await store.mark_sent([Delivered([fresh], "card-B", place)], clock.now()) == 1
    assert await store.mark_sent([Delivered([stale], "card-A", place)], clock.now()) == 0
    assert await store.retry_later([fresh], clock.now(), "late") == 0  # sent is final
    [row] = await outbox(chat)
    assert (row.status, row.platform_ref, row.last_error) == ("sent", "card-B", None)
    async with chat.app.engine.connect() as conn:
        refs = (await conn.execute(select(TicketMessageRow.ref))).scalars().all()
    assert refs == ["card-B"]
