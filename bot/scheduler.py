"""Every scheduled job of the bot, registered here and nowhere else, on one APScheduler.

`ticketbot serve` starts this scheduler in the same process as the messengers. Every replica
may run it: the SLA sweep claims tickets with a fencing token, auto-close locks each ticket and
retention deletes in bounded batches, so replicas share the work and never repeat it. The first
tick of each job runs at start-up, which catches up on work missed while no bot was running
(the SLA steps it does are marked late). APScheduler only decides *when* to look; what is due
is decided from the database and the injected clock.

The outbox relay is not a periodic job: it runs beside the scheduler as a long-lived loop that
wakes as soon as there is something to send (`Relay.run`).
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import App
from bot.metrics import SLA_DUE_BACKLOG, SLA_SWEEP_SECONDS, Stopwatch, count_sla_due
from commands.actions.approval_reminders import remind_approvers
from commands.actions.autoclose import close_stale_resolved
from commands.actions.schedule_tick import TickReport
from commands.actions.schedule_tick import tick as schedules_due
from commands.actions.sla_sweep import SweepReport, sweep
from notifications.relay import Relay

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Intervals:
    sla_seconds: float = 15
    autoclose_seconds: float = 300
    retention_seconds: float = 3600
    digest_seconds: float = 300
    schedules_seconds: float = 30
    kb_folder_seconds: float = 60  # the Markdown articles' folder, compared by name and mtime
    report_facts_seconds: float = 30  # reports never wait for it (storage/report_facts.py)

    @classmethod
    def from_settings(cls, app: App) -> "Intervals":
        settings = app.settings
        return cls(settings.sla_sweep_seconds, settings.autoclose_seconds,
                   settings.retention_seconds, settings.digest_seconds,
                   settings.schedules_seconds)


async def sla_tick(app: App) -> SweepReport:
    """One sweep; records how long it took and how many tickets were due when it began."""
    watch = Stopwatch()
    SLA_DUE_BACKLOG.set(await count_sla_due(app.engine, app.clock.now()))
    report = await sweep(app.uow, app.loaded.org, app.clock, app.notify,
                         max_attempts=app.settings.sla_max_attempts)
    SLA_SWEEP_SECONDS.observe(watch.elapsed())
    # Approval steps' reminders ride on the sweep: the same cadence, once per visit.
    reminded = await remind_approvers(app.uow, app.loaded.org, app.clock, app.notify)
    if reminded.reminded:
        log.info("approval reminders: %s", ", ".join(reminded.reminded))
    if report.done or report.stale:
        log.info("SLA sweep: %d step(s) done, %d stale, %d idle", len(report.done), report.stale,
                 report.idle)
    return report


async def relay_tick(relay: Relay) -> None:
    """Drain what is deliverable now (the CLI and tests; `serve` runs the relay's own loop)."""
    while await relay.run_once():
        pass


async def autoclose_tick(app: App) -> list[str]:
    return await close_stale_resolved(app.uow, app.loaded.org, app.clock, app.notify)


async def schedules_tick(app: App) -> TickReport:
    """Work orders of schedules whose next occurrence has come (an index read when none has)."""
    report = await schedules_due(app.uow, app.loaded.org, app.clock, app.notify)
    if report.made or report.failed:
        log.info("schedules: %d work order(s) made (%d late), %d passed over, %d failed",
                 len(report.made), report.late, report.passed_over, report.failed)
    return report


Job = Callable[[App], Awaitable[Any]]


def jobs(intervals: Intervals) -> dict[str, tuple[Job, float]]:
    """Job id -> (coroutine taking the App, seconds between ticks)."""
    from bot.jobs_digest import digest_tick
    from bot.jobs_report_facts import report_facts_tick
    from bot.jobs_retention import retention_tick
    from bot.kb_folder import FolderWatch

    return {
        "sla_sweep": (sla_tick, intervals.sla_seconds),
        "autoclose": (autoclose_tick, intervals.autoclose_seconds),
        "retention": (retention_tick, intervals.retention_seconds),
        "digest": (digest_tick, intervals.digest_seconds),
        "schedules": (schedules_tick, intervals.schedules_seconds),
        "kb_folder": (FolderWatch().tick, intervals.kb_folder_seconds),
        "report_facts": (report_facts_tick, intervals.report_facts_seconds),
    }


class Scheduler(AsyncIOScheduler):
    """APScheduler's asyncio scheduler, which also knows the ticks running now: its own
    shutdown cancels them mid-transaction, so `stop()` lets them finish first."""

    def __init__(self) -> None:
        super().__init__(timezone=UTC)
        self.ticking: set[asyncio.Task[Any]] = set()

    async def stop(self, grace: float) -> None:
        """No new ticks; the running ones finish (at most `grace` seconds), then shut down."""
        if self.ticking:
            self.pause()
            await asyncio.wait(list(self.ticking), timeout=grace)
        self.shutdown(wait=False)


def build_scheduler(app: App, intervals: Intervals | None = None,
                    start_at: datetime | None = None) -> Scheduler:
    """Jobs never overlap themselves (max_instances=1) and a backlog of missed ticks runs once
    (coalesce): each job itself catches up on everything due."""
    scheduler = Scheduler()
    first = start_at or datetime.now(UTC)
    options = {"max_instances": 1, "coalesce": True, "next_run_time": first,
               "misfire_grace_time": None}
    for job_id, (job, seconds) in jobs(intervals or Intervals.from_settings(app)).items():
        scheduler.add_job(_logged(job_id, job, scheduler.ticking), "interval", args=[app],
                          seconds=seconds, id=job_id, **options)
    return scheduler


def _logged(job_id: str, job: Job, running: set[asyncio.Task[Any]]) -> Job:
    """A failing tick is logged with its job's name; the next tick tries again."""
    async def tick(app: App) -> Any:
        task = asyncio.current_task()
        if task is not None:
            running.add(task)
        try:
            return await job(app)
        except Exception:
            log.exception("scheduled job %s failed", job_id)
            return None
        finally:
            if task is not None:
                running.discard(task)

    tick.__name__ = job_id
    return tick
