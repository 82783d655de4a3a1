"""The scheduler job for planned work: each occurrence opens its work order once, through the
creation use case (routing, SLA clocks, announcement), its history naming the schedule; a
restart catches up by the schedule's rule; three replicas never make one twice."""

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.scheduler import schedules_tick
from commands.actions.schedule_tick import tick
from storage.models import AuditRow, ScheduleOccurrenceRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.priority import Priority
from workflows.schedule import CatchUp, Limits
from workflows.work_order import Schedule, Template, When

SH = ZoneInfo("Asia/Shanghai")
NO_LIMITS = Limits()
MONDAY_0900 = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


async def add(app: App, name: str = "weekly UPS check", catch_up: CatchUp = CatchUp.LATEST,
              limits: Limits = NO_LIMITS) -> Schedule:
    schedule = Schedule(name, Template(f"{name} {{date}}", "it", Priority.P4),
                        When("FREQ=WEEKLY;BYDAY=MO", time(9), SH, date(2026, 12, 7)),
                        "dave", catch_up, limits)
    now = app.clock.now()
    schedule.first_due(app.loaded.org.sla.calendars, now)
    async with app.uow() as uow:
        assert await uow.schedules.add(schedule, now)
        await uow.commit()
    return schedule


async def count(app: App, table: type) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_a_tick_before_the_time_does_nothing_then_the_work_order_opens(
        app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    await add(app)
    assert (await schedules_tick(app)).made == []
    clock.current = MONDAY_0900 + timedelta(seconds=20)
    report = await schedules_tick(app)
    assert report.made == ["IT-1"] and report.late == 0
    assert (await schedules_tick(app)).made == []  # once
    chat = Chat(app)
    shown = await chat.user("dave").says("show IT-1")
    assert "weekly UPS check 2026-12-07" in shown.text + (shown.card or "")
    history = (await chat.user("dave").says("history IT-1")).text
    assert "weekly UPS check" in history and "2026-12-07 09:00" in history
    async with app.engine.connect() as conn:
        team, due = (await conn.execute(select(TicketRow.team, TicketRow.resolution_due_at))).one()
    assert team == "it" and due is not None


async def test_catch_up_after_a_restart_makes_the_latest_marked_late(
        app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    await add(app, "latest", CatchUp.LATEST)
    await add(app, "all", CatchUp.ALL)
    await add(app, "none", CatchUp.NONE)
    clock.current = MONDAY_0900 + timedelta(days=14, hours=3)  # down for three Mondays
    report = await tick(app.uow, app.loaded.org, app.clock)
    assert len(report.made) == 1 + 3 + 0 and report.late == 4
    assert report.passed_over == 2 + 3
    async with app.engine.connect() as conn:
        lates = (await conn.execute(select(ScheduleOccurrenceRow.late))).scalars().all()
    assert lates == [True] * 4
    clock.current = MONDAY_0900 + timedelta(days=21)
    assert len((await tick(app.uow, app.loaded.org, app.clock)).made) == 3  # on time again
    history = (await Chat(app).user("dave").says("history IT-1")).text
    assert "late" in history


async def test_a_count_limit_and_a_pause_after_n(app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    await add(app, "twice", limits=Limits(max_count=2))
    await add(app, "pausing", limits=Limits(pause_after=1))
    made = []
    for week in range(4):
        clock.current = MONDAY_0900 + timedelta(days=7 * week)
        made += (await tick(app.uow, app.loaded.org, app.clock)).made
    assert len(made) == 2 + 1
    async with app.uow() as uow:
        pausing = await uow.schedules.get("pausing")
        twice = await uow.schedules.get("twice")
    assert pausing is not None and pausing.progress.paused and pausing.next_due is None
    assert twice is not None and twice.next_due is None and twice.progress.made == 2


async def test_three_replicas_make_each_occurrence_once(
        database_url: str, app: App, clock: FakeClock) -> None:
    from bot.bootstrap import build_app

    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    for n in range(20):
        await add(app, f"round {n}", CatchUp.ALL)
    others = [await build_app(app.settings, clock=clock) for _ in range(2)]
    try:
        replicas = [app, *others]
        for week in range(3):
            clock.current = MONDAY_0900 + timedelta(days=7 * week, seconds=5)
            reports = await asyncio.gather(*(tick(r.uow, r.loaded.org, r.clock)
                                             for r in replicas))
            assert sum(len(r.made) for r in reports) == 20
    finally:
        for other in others:
            await other.aclose()
    assert await count(app, TicketRow) == 60
    assert await count(app, ScheduleOccurrenceRow) == 60
    async with app.engine.connect() as conn:
        lines = (await conn.execute(select(func.count()).select_from(AuditRow)
                                    .where(AuditRow.action == "schedule"))).scalar_one()
    assert lines == 60


async def test_a_work_order_that_cannot_be_made_is_passed_over_not_retried(
        app: App, clock: FakeClock) -> None:
    clock.current = datetime(2026, 12, 3, 10, tzinfo=UTC)
    gone = await add(app, "of a removed team")
    async with app.uow() as uow:
        stored = await uow.schedules.get(gone.name, for_update=True)
        assert stored is not None
        stored.template = Template("x", "gone", Priority.P4)
        await uow.schedules.save(stored, clock.now())
        await uow.commit()
    clock.current = MONDAY_0900 + timedelta(seconds=5)
    report = await tick(app.uow, app.loaded.org, app.clock)
    assert report.made == [] and report.failed == 1
    assert (await tick(app.uow, app.loaded.org, app.clock)).failed == 0  # not retried
    async with app.uow() as uow:
        moved = await uow.schedules.get(gone.name)
    assert moved is not None and moved.next_due == MONDAY_0900 + timedelta(days=7)
