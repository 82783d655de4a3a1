"""The relay sweeps when outbox rows are committed, not when its poll comes round: on PostgreSQL
the commit's notification rings the LISTEN connection (every replica's), on SQLite the unit of
work rings after its commit. The fallback poll is an hour in these tests, so a delivery can only
come from the wake-up; every wait is bounded, none is a sleep."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import text

from bot.bootstrap import App, build_app
from commands.ports import OutboxMessage
from notifications.relay import Relay
from notifications.senders import DeliveryError, Outgoing
from notifications.wake import Wake
from storage.outbox_listen import OutboxListener, asyncpg_connect
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from workflows.kinds import Source

T = TypeVar("T")
HOUR = 3600.0


async def within(step: Awaitable[T], seconds: float = 10) -> T:
    return await asyncio.wait_for(step, seconds)


class ArrivingSender(RecordingSender):
    """Records messages and lets the test await the next one."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = asyncio.Event()

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        ref = await super().send(message, check_duplicate=check_duplicate)
        self.arrived.set()
        return ref


def postgres(app: App) -> bool:
    return app.engine.dialect.name == "postgresql"


@contextlib.asynccontextmanager
async def running(app: App, sender: RecordingSender,
                  listener: OutboxListener | None = None) -> AsyncIterator[Relay]:
    """A relay (and, on PostgreSQL, the listener) running, asleep with nothing to do."""
    stop = asyncio.Event()
    relay = app.relay({"console": sender}, pacing={})  # type: ignore[dict-item]
    listener = listener or app.listener()
    tasks = [asyncio.create_task(relay.run(stop, gather=0, wake=app.wake, fallback=HOUR))]
    if listener is not None:
        tasks.append(asyncio.create_task(listener.run(stop)))
        await within(listener.connected.wait())
    await asleep(app.wake)
    try:
        yield relay
    finally:
        stop.set()
        await within(asyncio.gather(*tasks))


async def asleep(wake: Wake) -> None:
    """The relay has swept what there was and waits for the bell (nothing ringing)."""
    await within(wake.sleeping.wait())


async def test_a_committed_row_is_delivered_without_waiting_for_the_poll(
        app: App, chat: Chat) -> None:
    sender = ArrivingSender()
    async with running(app, sender) as relay:
        before = dict(relay.sweeps)
        await chat.user("alice").says("new Printer jams on floor 2")
        await within(sender.arrived.wait())
        woken_by = "notified" if postgres(app) else "committed"
        assert relay.sweeps.get(woken_by, 0) > before.get(woken_by, 0)
        assert "fallback" not in relay.sweeps
        assert any("Printer jams on floor 2" in t for t in sender.texts())


def message(key: str, clock: FakeClock) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=key, ticket_id=None, ticket_key="IT-1", event="create",
        platform=Source.CONSOLE, address="#it-triage", template="notify.create",
        params={"key": "IT-1", "title": key, "priority": "P3", "requester": "Bench"},
        locale="en", urgent=False, created_at=clock.now(), not_before=clock.now())


async def test_only_committed_rows_ring_the_relay(app: App, chat: Chat, clock: FakeClock
                                                  ) -> None:
    sender = ArrivingSender()
    async with running(app, sender) as relay:
        rung, sweeps = app.wake.rung, sum(relay.sweeps.values())
        async with app.uow() as uow:  # rows written, then rolled back: no commit, no bell
            await uow.outbox.add([message("rolled back", clock)])
        async with app.uow() as uow:  # a commit without outbox rows
            await uow.outbox.add([])
            await uow.commit()
        await chat.user("alice").says("new")  # bad input: changes nothing
        assert sum(relay.sweeps.values()) == sweeps and sender.sent == []
        async with app.uow() as uow:
            await uow.outbox.add([message("committed", clock)])
            await uow.commit()
        await within(sender.arrived.wait())
        await asleep(app.wake)
        # One ring: the committed rows'. (PostgreSQL delivers notifications in commit order,
        # so a rolled-back transaction's would have come first.)
        assert app.wake.rung == rung + 1
        assert [m.text for m in sender.sent] == [
            t for t in sender.texts() if "committed" in t]


async def test_a_row_retried_later_is_looked_at_when_it_falls_due(
        app: App, chat: Chat, clock: FakeClock) -> None:
    sender = ArrivingSender()
    sender.failures.append(DeliveryError("503", retry_after=42))
    relay = app.relay({"console": sender}, pacing={})  # type: ignore[dict-item]
    await chat.user("alice").says("new Badge reader offline")
    assert await within(relay.run_once()) >= 1
    assert relay.last_due is not None and relay.last_due.next_at == clock.now() + timedelta(
        seconds=42)
    wait, reason = relay._next_look(1, idle=0.5, fallback=HOUR)
    assert (reason, round(wait)) == ("scheduled", 42)  # not the hour of the fallback
    clock.advance(seconds=42)
    assert relay._next_look(1, idle=0.5, fallback=HOUR) == (0.0, "scheduled")
    assert await within(relay.run_once()) >= 1
    assert any("Badge reader offline" in t for t in sender.texts())


@pytest.mark.postgres
async def test_the_listener_reconnects_and_sweeps_what_it_may_have_missed(
        app: App, chat: Chat) -> None:
    if not postgres(app):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    connect = asyncpg_connect(app.settings.database_url)
    connections: list[Any] = []

    async def remembered() -> Any:
        connection = await connect()
        connections.append(connection)
        return connection

    listener = OutboxListener(remembered, app.wake.ring, check_every=HOUR, backoff=0)
    sender = ArrivingSender()
    async with running(app, sender, listener) as relay:
        # The server drops the listening session: the listener connects again and rings.
        listener.connected.clear()
        pid = connections[0].get_server_pid()
        async with app.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        await within(listener.connected.wait())
        assert listener.connections == 2
        await asleep(app.wake)
        assert relay.sweeps.get("reconnected") == 1
        # And it hears the next commit.
        await chat.user("alice").says("new Projector flickers")
        await within(sender.arrived.wait())
        assert any("Projector flickers" in t for t in sender.texts())


async def test_the_listener_backs_off_while_the_database_is_away() -> None:
    attempts: list[int] = []
    rung: list[str] = []
    stop = asyncio.Event()

    async def unreachable() -> Any:
        attempts.append(1)
        if len(attempts) == 3:
            stop.set()
        raise OSError("connection refused")

    listener = OutboxListener(unreachable, rung.append, backoff=0)
    await within(listener.run(stop))
    assert len(attempts) == 3
    assert rung == []  # nothing heard, nothing rung: the relay's fallback poll stays
    assert not listener.connected.is_set()


@pytest.mark.postgres
async def test_every_replica_wakes_and_one_delivers(app: App, chat: Chat) -> None:
    if not postgres(app):
        pytest.skip("replicas share PostgreSQL")
    other = await build_app(app.settings, clock=app.clock)
    try:
        first, second = ArrivingSender(), ArrivingSender()
        async with running(app, first) as one, running(other, second) as two:
            rung = (app.wake.rung, other.wake.rung)
            await chat.user("alice").says("new Wi-Fi drops in room 4")
            await within(asyncio.wait([asyncio.ensure_future(first.arrived.wait()),
                                       asyncio.ensure_future(second.arrived.wait())],
                                      return_when=asyncio.FIRST_COMPLETED))
            await asleep(app.wake)
            await asleep(other.wake)
            assert app.wake.rung > rung[0] and other.wake.rung > rung[1]  # both heard it
            assert one.sweeps.get("notified") and two.sweeps.get("notified")
            texts = first.texts() + second.texts()
            assert any("Wi-Fi drops in room 4" in t for t in texts)
            assert len(texts) == len(set(m.idempotency_key for m in first.sent + second.sent))
    finally:
        await other.aclose()
