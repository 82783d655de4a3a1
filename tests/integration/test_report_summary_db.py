"""Reports from the report facts equal reports from the audit trail, on SQLite and PostgreSQL:
random trails written as audit lines, the report facts job run over them, and every figure of
several periods' reports compared with the same reports read from the lines alone."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from sqlalchemy import func, insert, select

from bot.bootstrap import App
from commands.ports import ReportQuery
from storage import report_facts
from storage.models import AuditRow, PersonRow, QueueRow, ReportFactRow, ReportFactsMarkRow, TicketRow
from tests.support.report_trails import AGENTS, trails
from workflows.reports.facts import Event
from workflows.reports.metrics import Scope, build_report
from workflows.reports.period import Period

UTC8 = ZoneInfo("Asia/Shanghai")
FIRST = 70_000  # ticket and people ids of their own, clear of the sample's


def _collect() -> list[tuple[datetime, tuple[Event, ...]]]:
    found: list[tuple[datetime, tuple[Event, ...]]] = []

    @settings(max_examples=80, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(trails())
    def collect(trail: tuple[datetime, tuple[Event, ...]]) -> None:
        found.append(trail)

    collect()
    return found


async def _write(app: App, found: list[tuple[datetime, tuple[Event, ...]]]) -> None:
    handles = ("ann", "bob", "req")
    at = datetime(2026, 1, 1, tzinfo=UTC)
    async with app.engine.begin() as conn:
        people = dict((await conn.execute(select(PersonRow.handle, PersonRow.id).where(
            PersonRow.handle.in_(handles)))).tuples().all())
        missing = [h for h in handles if h not in people]
        if missing:
            await conn.execute(insert(PersonRow), [
                {"id": FIRST + n, "handle": h, "name": h, "created_at": at}
                for n, h in enumerate(missing)])
            people.update({h: FIRST + n for n, h in enumerate(missing)})
        if not (await conn.execute(select(QueueRow.key).where(QueueRow.key == "RP"))).first():
            await conn.execute(insert(QueueRow), [{"key": "RP", "next_number": len(found) + 1}])
        tickets, lines = [], []
        for n, (created, events) in enumerate(found, 1):
            tickets.append({
                "id": FIRST + n, "key": f"RP-{n}", "queue": "RP", "number": n, "title": "t",
                "description": "", "type": "incident", "category": None, "priority": "P3",
                "status": ([e.to_status for e in events if e.to_status] or ["new"])[-1],
                "requester_id": people["req"], "team": "it" if n % 2 else "hr",
                "source": "console", "created_at": created, "updated_at": created,
                "sla_calendar": "24x7", "version": 1, "sla_paused_business": 0,
                "sla_paused_total": 0, "sla_response_stage": 0, "sla_resolution_stage": 0,
                "sla_fence": 0})
            lines += [{"ticket_id": FIRST + n, "at": e.at, "action": e.action,
                       "actor_id": people[e.actor] if e.actor else None,
                       "to_status": e.to_status.value if e.to_status else None,
                       "changes": e.changes, "reason": e.reason, "source": "console",
                       "internal": False} for e in events]
        await conn.execute(insert(TicketRow), tickets)
        await conn.execute(insert(AuditRow), lines)


async def _reports(app: App) -> list[Any]:
    found = []
    async with app.dispatcher.uow() as uow:
        for day in (date(2026, 10, 1), date(2026, 9, 30)):
            for kind in ("month", "week", "day"):
                period = Period(kind, day, UTC8)
                for scope in (Scope(), Scope(teams=frozenset({"it"})), Scope(agent="ann")):
                    facts = await uow.reports.facts(ReportQuery(
                        period.previous().start, period.end))
                    found.append(build_report(facts, period, scope,
                                              period.end + timedelta(days=1), AGENTS))
    return found


async def test_reports_from_the_facts_equal_reports_from_the_trail(app: App) -> None:
    await _write(app, _collect())
    from_trail = await _reports(app)  # no facts yet: every ticket read from its lines
    async with app.engine.begin() as conn:
        while await report_facts.catch_up(conn, batch=7):
            pass
        plain = (await conn.execute(select(func.count()).select_from(ReportFactRow)
                                    .where(ReportFactRow.plain))).scalar_one()
    assert plain >= 20  # enough of the trails were summed up to mean something
    assert await _reports(app) == from_trail


async def test_a_change_after_the_facts_were_read_is_in_the_next_report(app: App) -> None:
    """A ticket changed after the job read it (its version moved) is read from its lines."""
    trail = _collect()[:10]
    await _write(app, trail)
    async with app.engine.begin() as conn:
        while await report_facts.catch_up(conn):
            pass
    async with app.engine.begin() as conn:  # a resolution the job has not seen yet
        last = trail[0][1][-1].at
        await conn.execute(insert(AuditRow), [{
            "ticket_id": FIRST + 1, "at": last, "action": "resolve", "actor_id": None,
            "to_status": "resolved", "changes": {}, "source": "console", "internal": False}])
        await conn.execute(TicketRow.__table__.update().where(TicketRow.id == FIRST + 1)
                           .values(version=TicketRow.version + 1))
    stale = await _reports(app)
    async with app.engine.begin() as conn:
        await report_facts.forget(conn)
    assert await _reports(app) == stale


async def test_the_job_sums_up_what_the_chat_wrote(app: App) -> None:
    """Tickets driven through the chat: the scheduler's job reads them, the report then reads
    their facts (and no line), and a later change sends the report back to that ticket's lines
    until the next tick."""
    from bot.jobs_report_facts import report_facts_tick
    from tests.support.chat import Chat
    from tests.support.clock import FakeClock

    clock = app.clock
    assert isinstance(clock, FakeClock)
    clock.current = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
    chat = Chat(app)
    await chat.user("alice").says("new P2 Printer offline")
    clock.advance(minutes=10)
    await chat.user("bob").says("claim IT-1")
    clock.advance(minutes=50)
    await chat.user("bob").says("resolve IT-1 replaced the toner")
    await chat.user("alice").says("rate IT-1 4 quick")
    period = Period("month", date(2026, 11, 1), UTC8)
    query = ReportQuery(period.previous().start, period.end)

    async def report() -> tuple[Any, list[Any]]:
        async with app.dispatcher.uow() as uow:
            facts = await uow.reports.facts(query)
        return build_report(facts, period, Scope(), clock.now(), frozenset({"bob"})), facts

    before, _ = await report()
    assert await report_facts_tick(app) >= 1
    summed, facts = await report()
    assert [(f.summary is not None, f.events) for f in facts] == [(True, ())]
    assert summed == before and summed.current.csat.average == 4.0
    await chat.user("alice").says("reopen IT-1 still broken")
    reopened, facts = await report()
    assert facts[0].summary is None and reopened.current.reopened == 1
    await report_facts_tick(app)
    assert (await report())[0] == reopened  # a reopened trail is not summed up: its lines


async def test_a_line_that_committed_behind_the_mark_is_found_by_the_repair_pass(
        app: App) -> None:
    """A resolution whose line the job's mark had already passed (its transaction committed
    after the job read a later line): the repair pass finds the stale row and reads it again."""
    trail = _collect()[:10]
    await _write(app, trail)
    async with app.engine.begin() as conn:
        while await report_facts.catch_up(conn):
            pass
    async with app.engine.begin() as conn:
        await conn.execute(insert(AuditRow), [{
            "ticket_id": FIRST + 1, "at": trail[0][1][-1].at, "action": "resolve",
            "actor_id": None, "to_status": "resolved", "changes": {}, "source": "console",
            "internal": False}])
        await conn.execute(TicketRow.__table__.update().where(TicketRow.id == FIRST + 1)
                           .values(version=TicketRow.version + 1))
        top = (await conn.execute(select(func.max(AuditRow.id)))).scalar_one()
        await conn.execute(ReportFactsMarkRow.__table__.update().values(audit_id=top))

    async def versions() -> tuple[int, int]:
        async with app.engine.connect() as conn:
            return (await conn.execute(
                select(TicketRow.version, ReportFactRow.version)
                .join(ReportFactRow, ReportFactRow.ticket_id == TicketRow.id)
                .where(TicketRow.id == FIRST + 1))).tuples().one()

    ticket, summed = await versions()
    assert summed == ticket - 1  # stale: the mark had gone past its line
    async with app.engine.begin() as conn:
        assert await report_facts.catch_up(conn) >= 1  # nothing newer: a repair slice
    ticket, summed = await versions()
    assert summed == ticket
    repaired = await _reports(app)
    async with app.engine.begin() as conn:
        await report_facts.forget(conn)
    assert await _reports(app) == repaired  # the same as read from the lines


async def test_two_replicas_putting_back_an_emptied_mark_do_not_collide(app: App) -> None:
    """The mark's row deleted by hand: two replicas' first steps at once both start again
    from the beginning, and neither fails on the other's row."""
    await _write(app, _collect()[:5])
    async with app.engine.begin() as conn:
        await conn.execute(ReportFactsMarkRow.__table__.delete())

    async def step() -> int:
        async with app.engine.begin() as conn:
            return await report_facts.catch_up(conn)

    done = await asyncio.gather(step(), step())
    assert sum(done) >= 5
    async with app.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(ReportFactsMarkRow))
                ).scalar_one() == 1
