"""Work orders due at the same minute are made in batches: assigned as one by one would
(round robin takes turns, least loaded balances), numbered consecutively, announced, each once;
the statements a tick sends do not grow with the number due; a batch that fails as a whole
leaves nothing behind and each schedule is then made alone."""

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, func, select

from bot.bootstrap import App, build_app
from bot.settings import Settings
from commands.actions.schedule_tick import tick
from storage.models import (
    AuditRow,
    OutboxRow,
    PersonRow,
    ScheduleOccurrenceRow,
    TeamCursorRow,
    TicketRow,
)
from storage.tickets import SqlTickets
from tests.support.clock import FakeClock
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits
from workflows.work_order import ChecklistItem, Schedule, Template, When

SH = ZoneInfo("Asia/Shanghai")
MONDAY_0900 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

ORG = """\
default_queue: IT
admins: [admin]
timezone: Asia/Shanghai
people:
  - {handle: admin, name: Admin}
  - {handle: dave, name: Dave}
  - {handle: erin, name: Erin}
  - {handle: frank, name: Frank}
  - {handle: grace, name: Grace}
  - {handle: heidi, name: Heidi}
  - {handle: pam, name: Pam}
  - {handle: quinn, name: Quinn}
teams:
  - {key: rota, name: Rota, leads: [erin], members: [frank, grace, heidi],
     assignment: round_robin}
  - {key: pool, name: Pool, leads: [erin], members: [pam, quinn], assignment: least_loaded}
  - {key: desk, name: Service Desk, leads: [dave], members: [dave]}
queues:
  - {key: IT, name: Help desk, default_team: desk, triage_channel: "#desk"}
"""


@pytest.fixture
async def app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="UTC")
    application = await build_app(settings, clock=clock)
    yield application
    await application.aclose()


async def add(app: App, names: list[str], team: str) -> None:
    now = app.clock.now()
    async with app.uow() as uow:
        for name in names:
            schedule = Schedule(
                name, Template(f"{name} {{date}}", team, Priority.P3,
                               checklist=(ChecklistItem("lights green"),)),
                When("FREQ=WEEKLY;BYDAY=MO", time(9), SH, date(2026, 12, 7)), "dave",
                CatchUp.LATEST, Limits())
            schedule.first_due(app.loaded.org.sla.calendars, now)
            assert await uow.schedules.add(schedule, now)
        await uow.commit()


async def rows(app: App, *columns: object) -> list[tuple[object, ...]]:
    async with app.engine.connect() as conn:
        query = (select(*columns).join_from(TicketRow, PersonRow,
                                            TicketRow.assignee_id == PersonRow.id)
                 .order_by(TicketRow.id))
        return [tuple(r) for r in await conn.execute(query)]


async def count(app: App, table: type) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_batch_assigns_numbers_and_announces_as_one_by_one(
        app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    await add(app, [f"rota {n}" for n in range(5)], "rota")
    await add(app, [f"pool {n}" for n in range(4)], "pool")
    clock.current = MONDAY_0900 + timedelta(seconds=5)
    report = await tick(app.uow, app.loaded.org, app.clock)
    assert len(report.made) == 9 and report.failed == 0
    assert sorted(report.made, key=lambda k: int(k.split("-")[1])) == [
        f"IT-{n}" for n in range(1, 10)]
    found = await rows(app, TicketRow.title, TicketRow.team, PersonRow.handle,
                       TicketRow.checklist)
    by_title = {str(title): (team, handle) for title, team, handle, _ in found}
    # Round robin takes turns in declared order; least loaded alternates as each gains one.
    assert [by_title[f"rota {n} 2026-12-07"][1] for n in range(5)] == [
        "frank", "grace", "heidi", "frank", "grace"]
    assert sorted(by_title[f"pool {n} 2026-12-07"][1] for n in range(4)) == [
        "pam", "pam", "quinn", "quinn"]
    assert all(checklist for *_, checklist in found)
    async with app.engine.connect() as conn:
        cursors = dict((await conn.execute(select(TeamCursorRow.team,
                                                  TeamCursorRow.last_handle))).tuples().all())
        planned = (await conn.execute(select(func.count()).select_from(AuditRow)
                                      .where(AuditRow.action == "schedule"))).scalar_one()
        told = set((await conn.execute(select(OutboxRow.ticket_key)
                                       .where(OutboxRow.event == "assign"))).scalars())
    assert cursors["rota"] == "grace"  # the next rota work order goes to heidi
    assert planned == 9
    assert told == {f"IT-{n}" for n in range(1, 10)}  # every assignee hears of theirs


async def _statements(app: App, clock: FakeClock, due: int, week: int) -> int:
    clock.current = MONDAY_0900 - timedelta(days=1) + timedelta(days=7 * week)
    await add(app, [f"week {week} round {n}" for n in range(due)], "desk")
    clock.current = MONDAY_0900 + timedelta(days=7 * week, seconds=5)
    sent = [0]

    def counted(*_: object) -> None:
        sent[0] += 1

    engines = [app.engine.sync_engine] + ([app.numbers.engine.sync_engine] if app.numbers
                                          else [])
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counted)
    try:
        report = await tick(app.uow, app.loaded.org, app.clock)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counted)
    assert report.failed == 0
    return sent[0]


async def test_the_statements_of_a_tick_do_not_grow_with_the_number_due(
        app: App, clock: FakeClock) -> None:
    few = await _statements(app, clock, 3, 0)
    # Week 1: the three of week 0 are due again as well as thirty new ones.
    many = await _statements(app, clock, 30, 1)
    assert await count(app, TicketRow) == 3 + 33
    # At most as many: the first tick may also read the API's webhook subscriptions, which the
    # process then keeps for a few seconds.
    assert many <= few


async def test_a_batch_that_fails_leaves_nothing_and_each_is_then_made_alone(
        app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    await add(app, [f"round {n}" for n in range(4)], "rota")

    calls = []
    original = SqlTickets.insert_many

    async def broken(self: SqlTickets, tickets: list[object]) -> None:
        calls.append(len(tickets))
        if len(calls) == 1:
            raise RuntimeError("the database went away mid-batch")
        await original(self, tickets)  # type: ignore[arg-type]

    monkeypatch.setattr(SqlTickets, "insert_many", broken)
    clock.current = MONDAY_0900 + timedelta(seconds=5)
    report = await tick(app.uow, app.loaded.org, app.clock)
    assert len(report.made) == 4 and report.failed == 0
    assert calls == [4, 1, 1, 1, 1]  # the batch, then each schedule as a batch of one
    assert await count(app, TicketRow) == 4
    assert await count(app, ScheduleOccurrenceRow) == 4
    assert (await tick(app.uow, app.loaded.org, app.clock)).made == []
    handles = [h for (h,) in await rows(app, PersonRow.handle)]
    assert handles == ["frank", "grace", "heidi", "frank"]  # the failed batch moved no cursor


async def test_batches_at_once_share_teams_without_waiting_in_a_cycle(
        app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    for n in range(4):  # each batch of two holds one of each team: both cursors, in team order
        await add(app, [f"pool {n}"], "pool")
        await add(app, [f"rota {n}"], "rota")
    clock.current = MONDAY_0900 + timedelta(seconds=5)
    report = await tick(app.uow, app.loaded.org, app.clock, chunk=2, concurrency=2)
    assert len(report.made) == 8 and report.failed == 0
    found = await rows(app, TicketRow.team, PersonRow.handle)
    rota = sorted(str(h) for team, h in found if team == "rota")
    pool = sorted(str(h) for team, h in found if team == "pool")
    assert rota == ["frank", "frank", "grace", "heidi"]  # turns taken across the batches
    assert pool == ["pam", "pam", "quinn", "quinn"]
