"""The APScheduler wiring: which jobs tick, how often, and that the first SLA tick catches up on
steps missed while no bot ran (done once, marked late). Time comes from the FakeClock."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.triggers.interval import IntervalTrigger

from bot.scheduler import Intervals, autoclose_tick, build_scheduler, relay_tick, sla_tick
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from tests.support.sla import fast_sla_app


async def test_jobs_tick_the_sweep_the_relay_and_auto_close(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        sender = RecordingSender()
        relay = app.relay({"console": sender}, pacing={})
        start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
        scheduler = build_scheduler(app, Intervals(sla_seconds=15), start_at=start)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"sla_sweep", "autoclose", "retention", "digest", "schedules",
                             "kb_folder", "report_facts"}
        for job in jobs.values():
            assert isinstance(job.trigger, IntervalTrigger)
            assert (job.max_instances, job.coalesce, job.next_run_time) == (1, True, start)
        assert jobs["sla_sweep"].trigger.interval == timedelta(seconds=15)

        chat = Chat(app)
        await chat.user("alice").says("new P1 Core router down")
        await chat.user("bob").says("claim IT-1")
        clock.advance(minutes=40)  # the bot was down: warnings, breach and chain were missed
        report = await sla_tick(app)
        assert report.done == ["IT-1 resolution breach", "IT-1 resolution chain",
                               "IT-1 resolution chain", "IT-1 resolution chain",
                               "IT-1 resolution reminder"]
        assert (await sla_tick(app)).done == []  # done once
        await relay_tick(relay)
        assert any("missed its resolution target" in t for t in sender.texts("dave"))
        history = (await chat.user("dave").says("history IT-1")).text
        assert "SLA breached: resolution was due 2026-03-02 09:30 (UTC) (late: was due " \
               "2026-03-02 09:30 (UTC); 2 earlier step(s) folded in)" in history
        assert await autoclose_tick(app) == []


async def test_stopping_lets_a_running_tick_finish_instead_of_cancelling_it(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    import asyncio

    from bot.scheduler import Scheduler, _logged

    finished: list[str] = []
    started = asyncio.Event()

    async def slow(app: object) -> None:
        started.set()
        await asyncio.sleep(0.2)  # a sweep in the middle of its step transaction
        finished.append("done")

    scheduler = Scheduler()
    scheduler.add_job(_logged("slow", slow, scheduler.ticking), "date", args=[None])
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await scheduler.stop(grace=5)
    assert finished == ["done"] and not scheduler.ticking
