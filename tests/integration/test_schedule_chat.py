"""Schedules in chat, in English and Chinese: add, list, next, pause, resume, remove; bad input
says what was understood and saves nothing; only leads and admins change a team's schedules."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.bootstrap import App
from bot.scheduler import schedules_tick
from storage.models import ScheduleRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock

THURSDAY = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


async def saved(app: App) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(ScheduleRow))).scalar_one())


async def test_add_list_next_pause_resume_remove(chat: Chat, clock: FakeClock) -> None:
    clock.current = THURSDAY
    dave = chat.user("dave")
    added = await dave.says('schedule add "weekly UPS check" every monday 09:00 team:it P4')
    assert added.ok, added.text
    assert added.text == ("Schedule “weekly UPS check” saved: every Monday at 09:00 "
                          "Asia/Shanghai, for team it at P4. Next: 2026-12-07 09:00 "
                          "(Asia/Shanghai).")
    morning = await dave.says('schedule add "morning round" every workday 09:00 '
                              "calendar:shanghai team:it P4")
    assert "every workday at 09:00 Asia/Shanghai (calendar shanghai)" in morning.text
    assert "Next: 2026-12-04 09:00" in morning.text
    listed = (await chat.user("bob").says("schedule list")).text
    assert "weekly UPS check · every Monday at 09:00 Asia/Shanghai · team it · P4 · next " \
           "2026-12-07 09:00 (Asia/Shanghai) · 0 made" in listed
    upcoming = (await dave.says("schedule next 3 morning round")).text
    assert upcoming.splitlines()[1:] == ["1. 2026-12-04 09:00 (Asia/Shanghai)",
                                         "2. 2026-12-07 09:00 (Asia/Shanghai)",
                                         "3. 2026-12-08 09:00 (Asia/Shanghai)"]
    assert "paused" in (await dave.says("schedule pause morning round")).text
    clock.current = datetime(2026, 12, 4, 1, 0, 30, tzinfo=UTC)
    made = await schedules_tick(chat.app)
    assert made.made == []  # the paused one makes nothing
    clock.current = datetime(2026, 12, 7, 1, 0, 10, tzinfo=UTC)
    assert (await schedules_tick(chat.app)).made == ["IT-1"]  # the weekly one
    resumed = (await dave.says("schedule resume morning round")).text
    assert "Next: 2026-12-08 09:00" in resumed
    assert "removed" in (await dave.says('schedule remove "weekly UPS check"')).text
    assert await saved(chat.app) == 1


async def test_chinese_last_workday_of_the_month(app: App, clock: FakeClock) -> None:
    clock.current = THURSDAY
    chat = Chat(app, "zh-CN")
    added = await chat.user("dave").says(
        'schedule add "月末备份检查" 每月最后一个工作日 17:00 团队:it P3')
    assert added.ok, added.text
    assert "每月最后一个工作日 17:00（Asia/Shanghai），按日历 shanghai" in added.text
    assert "下次：2026-12-31 17:00" in added.text
    upcoming = (await chat.user("dave").says("计划 下次 3 月末备份检查")).text
    assert "2027-01-29 17:00" in upcoming and "2027-02-26 17:00" in upcoming


async def test_bad_input_says_what_was_understood_and_saves_nothing(
        chat: Chat, clock: FakeClock) -> None:
    clock.current = THURSDAY
    dave = chat.user("dave")
    unknown = await dave.says('schedule add "weekly UPS check" every monday 09:00 team:itt P4')
    assert not unknown.ok
    assert unknown.text == ("Understood: every Monday at 09:00 Asia/Shanghai, next: 2026-12-07 "
                            "09:00 (Asia/Shanghai). But there is no team “itt”. Nothing was "
                            "saved.")
    past = await dave.says('schedule add "x" every monday 09:00 team:it from:2026-11-01')
    assert "the start date 2026-11-01 is in the past" in past.text
    rule = await dave.says('schedule add "x" every blursday 09:00 team:it')
    assert "I could not read “every blursday” as a recurrence" in rule.text
    calendar = await dave.says('schedule add "x" every workday 09:00 calendar:mars team:it')
    assert "there is no calendar “mars”" in calendar.text
    assert await saved(chat.app) == 0
    zh = await Chat(chat.app, "zh-CN").user("dave").says('计划添加「x」每周一09:00 团队:itt')
    assert zh.text == ("理解为：每周一 09:00（Asia/Shanghai），下次：2026-12-07 09:00（北京时间 "
                       "UTC+8）。但是没有名为「itt」的团队。未保存任何内容。")


async def test_only_leads_and_admins_add_schedules(chat: Chat, clock: FakeClock) -> None:
    clock.current = THURSDAY
    refused = await chat.user("bob").says('schedule add "x" every monday 09:00 team:it')
    assert refused.text == "Only the leads of IT Support and admins may change its schedules."
    assert (await chat.user("admin").says('schedule add "x" every monday 09:00 team:it')).ok
    assert not (await chat.user("bob").says("schedule remove x")).ok
    assert await saved(chat.app) == 1
    clock.advance(days=30)
    assert timedelta(0) < clock.now() - THURSDAY


async def test_a_checklist_is_ticked_audited_and_blocks_resolving(
        chat: Chat, clock: FakeClock) -> None:
    from datetime import date, time
    from zoneinfo import ZoneInfo

    from workflows.priority import Priority
    from workflows.schedule import CatchUp, Limits
    from workflows.work_order import ChecklistItem, Schedule, Template, When

    clock.current = THURSDAY
    steps = (ChecklistItem("UPS lights green"), ChecklistItem("Battery test"),
             ChecklistItem("Note the temperature", required=False))
    schedule = Schedule("UPS check", Template("UPS check {date}", "it", Priority.P4,
                                              checklist=steps),
                        When("FREQ=WEEKLY;BYDAY=MO", time(9), ZoneInfo("Asia/Shanghai"),
                             date(2026, 12, 7)), "dave", CatchUp.LATEST, Limits())
    schedule.first_due(chat.app.loaded.org.sla.calendars, clock.now())
    async with chat.app.uow() as uow:
        await uow.schedules.add(schedule, clock.now())
        await uow.commit()
    clock.current = datetime(2026, 12, 7, 1, 0, 5, tzinfo=UTC)
    assert (await schedules_tick(chat.app)).made == ["IT-1"]
    bob = chat.user("bob")
    await bob.says("claim IT-1")
    shown = await bob.says("show IT-1")
    assert "Checklist (0/3 done):" in (shown.card or "")
    assert "☐ 3. Note the temperature (optional)" in (shown.card or "")
    refused = await bob.says("resolve IT-1 all fine")
    assert not refused.ok
    assert refused.text == ("IT-1 cannot be resolved yet: required checklist items are open: "
                            "1. UPS lights green; 2. Battery test. Tick them with "
                            "`check IT-1 <number>`.")
    ticked = await bob.says("check IT-1 2")
    assert ticked.text.startswith("IT-1: item 2 ticked (Battery test). 2 still open.")
    assert "☑ 2. Battery test · Bob 2026-12-07" in (ticked.card or "")
    assert "ticked already by Bob" in (await bob.says("勾选 IT-1 2")).text
    assert "no item 9" in (await bob.says("check IT-1 9")).text
    assert not (await chat.user("alice").says("check IT-1 1")).ok  # not working on it
    await bob.says("check IT-1 1")
    assert (await bob.says("resolve IT-1 all fine")).ok  # the optional one may stay open
    history = (await chat.user("dave").says("history IT-1")).text
    assert "Bob  Checklist item 2 ticked: Battery test" in history
    assert "Opened by schedule UPS check" in history
