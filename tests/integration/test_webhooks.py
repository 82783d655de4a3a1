"""Outgoing webhooks: written with the change, signed, delivered once per event id by the
relay, retried with backoff, dead letters retried by hand; filters."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from notifications.relay import RetryPolicy
from storage.engine import session_factory
from storage.models import OutboxRow
from storage.outbox import SqlOutboxStore
from tests.fakes.webhook_receiver import FakeReceiver
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import run_sweep
from tests.support.webhooks import SECRET, drain, hooks_app, webhook_relay


@pytest.fixture
async def receiver(clock: FakeClock) -> AsyncIterator[FakeReceiver]:
    async with FakeReceiver(SECRET, now=lambda: clock.now().timestamp()) as fake:
        yield fake


@pytest.fixture
async def app(database_url: str, tmp_path: Path, clock: FakeClock,
              receiver: FakeReceiver) -> AsyncIterator[App]:
    async with hooks_app(database_url, tmp_path, clock, receiver.url) as application:
        yield application


async def _webhook_rows(app: App) -> list[Any]:
    async with app.engine.connect() as conn:
        return list((await conn.execute(select(OutboxRow).where(
            OutboxRow.platform == "webhook").order_by(OutboxRow.id))).all())


async def test_each_change_is_signed_and_delivered_once(app: App, receiver: FakeReceiver) -> None:
    chat = Chat(app)
    await chat.user("alice").says("new P1 Payroll server down")
    await chat.user("bob").says("claim IT-1")
    await chat.user("bob").says("reply IT-1 looking at it")
    await chat.user("bob").says("resolve IT-1 rebooted")
    async with webhook_relay(app) as relay:
        await drain(relay)
        await drain(relay)  # nothing left: a second sweep sends nothing again
    assert receiver.bad_signatures == 0
    types = [(e["type"], e["change"]["action"]) for e in receiver.events]
    # "everything" hears each event; "p1-created" the creation only; "network-only" nothing.
    assert types.count(("ticket.created", "create")) == 2
    assert ("ticket.assigned", "claim") in types and ("ticket.status_changed", "claim") in types
    assert ("ticket.commented", "reply") in types
    assert ("ticket.status_changed", "resolve") in types
    assert set(receiver.deliveries.values()) == {1}  # once per event id and subscription
    paths = [path for path, _ in receiver.deliveries]
    assert paths.count("/hooks/p1-created") == 1 and "/hooks/network-only" not in paths
    created = next(e for e in receiver.events if e["type"] == "ticket.created")
    assert created["ticket"]["key"] == "IT-1" and created["ticket"]["priority"] == "P1"
    assert created["ticket"]["requester"] == {"handle": "alice", "name": "Alice"}
    comment = next(e for e in receiver.events if e["type"] == "ticket.commented")
    assert comment["comment"] == {"body": "looking at it", "internal": False}
    # One ticket's events reach a subscription in the order of its changes.
    planned = [r.params["id"] for r in await _webhook_rows(app) if r.address == "everything"]
    assert [i for path, i in receiver.deliveries if path == "/hooks/everything"] == planned
    call = receiver.calls[0]
    assert call.headers["X-Ticketbot-Event"] == "ticket.created"
    assert call.headers["X-Ticketbot-Event-Id"] == created["id"]
    assert call.headers["Content-Type"] == "application/json"


async def test_rows_are_written_with_the_change_and_not_without(app: App) -> None:
    chat = Chat(app)
    assert not (await chat.user("alice").says("new")).ok  # refused: no title
    assert await _webhook_rows(app) == []
    await chat.user("alice").says("new P3 Printer jam")
    rows = await _webhook_rows(app)
    assert [(r.event, r.address, r.status) for r in rows] == [
        ("ticket.created", "everything", "pending")]  # P3: not for p1-created
    refused = await chat.user("alice").says("resolve IT-1 done")  # not hers to resolve
    assert not refused.ok and len(await _webhook_rows(app)) == 1


async def test_failures_are_retried_with_backoff(app: App, receiver: FakeReceiver,
                                                 clock: FakeClock) -> None:
    await Chat(app).user("alice").says("new P3 Printer jam")
    receiver.fail_next(500, count=2)
    async with webhook_relay(app) as relay:
        await drain(relay)
        first = (await _webhook_rows(app))[0]
        assert (first.status, first.attempts) == ("pending", 1)
        assert first.not_before > clock.now() and first.last_error == "webhook everything: HTTP 500"
        await drain(relay)  # not due yet
        assert receiver.events == []
        clock.advance(seconds=5)
        await drain(relay)
        second = (await _webhook_rows(app))[0]
        assert second.attempts == 2
        assert second.not_before - clock.now() > first.not_before - first.created_at
        clock.advance(seconds=60)
        await drain(relay)
    row = (await _webhook_rows(app))[0]
    assert (row.status, row.attempts) == ("sent", 3)
    assert [c.status for c in receiver.calls] == [500, 500, 200]
    assert len(receiver.events) == 1


async def test_retry_after_is_honoured(app: App, receiver: FakeReceiver,
                                       clock: FakeClock) -> None:
    await Chat(app).user("alice").says("new P3 Printer jam")
    receiver.fail_next(429, retry_after=120)
    async with webhook_relay(app) as relay:
        await drain(relay)
    row = (await _webhook_rows(app))[0]
    assert (row.not_before - clock.now()).total_seconds() == 120


async def test_dead_letters_are_listed_and_retried_by_hand(app: App, receiver: FakeReceiver,
                                                           clock: FakeClock) -> None:
    await Chat(app).user("alice").says("new P3 Printer jam")
    receiver.fail_next(410)  # gone: permanent, no retry
    store = SqlOutboxStore(session_factory(app.engine))
    async with webhook_relay(app, RetryPolicy(max_attempts=3)) as relay:
        await drain(relay)
        dead = await store.dead()
        assert [(d.platform, d.address, d.event, d.last_error) for d in dead] == [
            ("webhook", "everything", "ticket.created", "webhook everything: HTTP 410")]
        assert await store.revive(clock.now()) == 1
        await drain(relay)
    assert len(receiver.events) == 1 and (await _webhook_rows(app))[0].status == "sent"


async def test_sla_warning_and_breach_are_events(app: App, receiver: FakeReceiver,
                                                 clock: FakeClock) -> None:
    await Chat(app).user("alice").says("new P1 Payroll server down")
    clock.advance(minutes=6)  # past half of the 10 min response target: a warning
    await run_sweep(app)
    clock.advance(minutes=25)  # past the 30 min resolution target: a breach
    await run_sweep(app)
    async with webhook_relay(app) as relay:
        await drain(relay)
    types = [e["type"] for e in receiver.events]
    assert "sla.warning" in types and "sla.breached" in types
    warning = next(e for e in receiver.events if e["type"] == "sla.warning")
    assert warning["change"]["action"] == "sla_warning" and warning["ticket"]["key"] == "IT-1"
