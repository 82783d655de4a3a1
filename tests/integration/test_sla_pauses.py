"""Pauses through the chat, the sweep and the database, with the sample organisation (office
hours in Shanghai, 24x7 for P1). 2026-03-02 09:00 UTC is Monday 17:00 in Shanghai."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bootstrap import App
from storage.models import TicketRow
from storage.sla import sla_state
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import run_sweep
from workflows.sla_policy import Clock


async def sweep_all(app: App) -> list[str]:
    done: list[str] = []
    while steps := (await run_sweep(app)).done:
        done += steps
    return done


async def resolution_line(chat: Chat) -> str:
    return (await chat.user("dave").says("sla IT-1")).text.splitlines()[2]


async def test_a_pause_after_the_breach_moves_neither_the_due_time_nor_the_breach(
        app: App, chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P2 Printer offline")  # resolution due Tuesday 09:30 UTC
    await chat.user("bob").says("claim IT-1")
    clock.advance(hours=25)  # Tuesday 10:00 UTC, 18:00 in Shanghai: half an hour late
    assert "IT-1 resolution breach" in await sweep_all(app)
    await chat.user("bob").says("pend IT-1 waiting for toner")
    clock.advance(hours=16)  # Wednesday 10:00 in Shanghai: one office hour paused
    await chat.user("alice").says("resume IT-1 toner is here")
    assert await resolution_line(chat) == (
        "Resolution: breached · due 2026-03-03 17:30 (Asia/Shanghai) · used 8h 30m of 8 business "
        "hours · breached 2026-03-03 17:30 (Asia/Shanghai)")


async def test_a_pause_after_the_due_instant_does_not_hide_a_breach_the_sweep_missed(
        app: App, chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P2 Printer offline")
    await chat.user("bob").says("claim IT-1")
    clock.advance(hours=25)  # past due, and the bot was down: no sweep ran
    await chat.user("bob").says("pend IT-1 waiting for toner")
    clock.advance(hours=16)
    await chat.user("alice").says("resume IT-1 toner is here")
    assert await resolution_line(chat) == (
        "Resolution: breached · due 2026-03-03 17:30 (Asia/Shanghai) · used 8h 30m of 8 business "
        "hours")
    done = await sweep_all(app)  # the breach was due then: done now, then the chain after it
    assert done[0] == "IT-1 resolution breach"


async def test_pauses_are_kept_as_instants_and_old_rows_carry_their_paused_seconds(
        app: App, chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P3 Printer offline")  # Monday 17:00 in Shanghai
    await chat.user("bob").says("claim IT-1")
    clock.advance(minutes=30)
    await chat.user("bob").says("pend IT-1 waiting for toner")
    clock.advance(hours=24)  # until Tuesday 17:30: 7.5 office hours paused
    await chat.user("alice").says("resume IT-1")
    async with AsyncSession(app.engine) as session:
        row = (await session.execute(select(TicketRow))).scalar_one()
        state = sla_state(row)
        assert state is not None
        paused_at = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
        assert state.pauses == [(paused_at, paused_at + timedelta(hours=24))]
        assert row.sla_paused_business == int(7.5 * 3600)
        due = row.resolution_due_at
        # A row written before pauses were kept: its paused business seconds count as before.
        legacy = {k: v for k, v in row.sla_snapshot.items() if k not in ("pauses", "paused_carried")}
        await session.execute(update(TicketRow).values(sla_snapshot=legacy))
        await session.commit()
    async with AsyncSession(app.engine) as session:
        row = (await session.execute(select(TicketRow))).scalar_one()
        state = sla_state(row)
        assert state is not None and state.pauses == []
        assert state.carried == timedelta(hours=7.5)
        calendar = app.loaded.org.sla.calendar(state.snapshot.calendar)
        assert state.due(Clock.RESOLUTION, calendar) == due
    # The old row keeps working: the next pause is kept as an interval beside the carried time.
    await chat.user("bob").says("pend IT-1 waiting again")
    clock.advance(hours=1)  # Tuesday 17:30-18:30 in Shanghai: half an office hour
    await chat.user("alice").says("resume IT-1")
    async with AsyncSession(app.engine) as session:
        row = (await session.execute(select(TicketRow))).scalar_one()
        assert row.sla_snapshot["paused_carried"] == int(7.5 * 3600)
        assert len(row.sla_snapshot["pauses"]) == 1
        assert row.resolution_due_at == calendar.add(due, timedelta(minutes=30))
