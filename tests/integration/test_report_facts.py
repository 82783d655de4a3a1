"""The report's facts loaded from storage and its figures, on SQLite and PostgreSQL: tickets
driven through the chat, so every figure comes from the audit lines the use cases wrote."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

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
