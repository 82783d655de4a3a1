"""The report's facts loaded from storage and its figures, on SQLite and PostgreSQL: tickets
driven through the chat, so every figure comes from the audit lines the use cases wrote."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

import storage.reports
from bot.bootstrap import App
from commands.ports import ReportQuery
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.reports.metrics import Scope, build_report
from workflows.reports.period import Period

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def test_a_small_month_from_the_audit_trail(app: App, chat: Chat, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
    await chat.user("alice").says("new P2 Printer offline")
    clock.advance(minutes=10)
    await chat.user("bob").says("claim IT-1")
    clock.advance(minutes=50)
    await chat.user("bob").says("resolve IT-1 replaced the toner")
    await chat.user("alice").says("rate IT-1 4 quick")
    await chat.user("alice").says("new P3 Monitor flickers")

    period = Period("month", datetime(2026, 11, 1).date(), SHANGHAI)
    async with app.dispatcher.uow() as uow:
        facts = await uow.reports.facts(ReportQuery(period.previous().start, period.end))
    assert [f.key for f in facts] == ["IT-1", "IT-2"]
    report = build_report(facts, period, Scope(), clock.now(), frozenset({"bob", "carol"}))
    c = report.current
    assert (c.created, c.resolved, c.backlog) == (2, 1, 1)
    assert c.response.business.median == 600.0 and c.resolution.wall.median == 3600.0
    assert c.response_sla.percent == 100.0 and c.csat.average == 4.0
    assert c.one_touch == 1
    assert [(a.handle, a.resolved, a.csat_average) for a in report.agents] == [("bob", 1, 4.0)]
    assert report.previous.created == 0


async def test_tickets_read_in_many_chunks_give_the_same_facts(
        app: App, chat: Chat, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Storage reads the tickets and their lines a chunk of ids at a time on both databases
    (on PostgreSQL so that the plan stays on the ticket id index): a ticket's lines never
    straddle two chunks and no ticket is lost between them."""
    clock.current = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    for n in range(1, 6):
        await chat.user("alice").says(f"new P3 Printer {n} offline")
        clock.advance(minutes=5)
        await chat.user("bob").says(f"claim IT-{n}")
        if n % 2:
            clock.advance(minutes=30)
            await chat.user("bob").says(f"resolve IT-{n} replaced the toner")
    period = Period("month", datetime(2026, 11, 1).date(), SHANGHAI)
    query = ReportQuery(period.previous().start, period.end)
    async with app.dispatcher.uow() as uow:
        whole = await uow.reports.facts(query)
    monkeypatch.setattr(storage.reports, "CHUNK", 2)
    async with app.dispatcher.uow() as uow:
        chunked = await uow.reports.facts(query)
    assert [f.key for f in chunked] == [f"IT-{n}" for n in range(1, 6)]
    assert chunked == whole
    assert [len(f.events) for f in chunked] == [len(f.events) for f in whole]
    report = build_report(chunked, period, Scope(), clock.now(), frozenset({"bob"}))
    assert (report.current.created, report.current.resolved, report.current.backlog) == (5, 3, 2)
