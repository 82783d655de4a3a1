"""APScheduler ticks the periodic jobs; the database decides what is due and who does it.

Every replica may run this scheduler: the SLA sweep claims tickets with a fencing token, the
relay claims outbox rows, auto-close locks each ticket, so replicas share the work and never
repeat it. The first tick of each job runs at start-up, which catches up on work missed while
no bot was running (the SLA steps it does are marked late).
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import App
from commands.actions.autoclose import close_stale_resolved
from commands.actions.sla_sweep import SweepReport, sweep
from notifications.relay import Relay

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Intervals:
    sla_seconds: float = 15
    relay_seconds: float = 2
    autoclose_seconds: float = 300


async def sla_tick(app: App) -> SweepReport:
    report = await sweep(app.uow, app.loaded.org, app.clock, app.notify,
                         max_attempts=app.settings.sla_max_attempts)
    if report.done or report.stale:
        log.info("SLA sweep: %d step(s) done, %d stale, %d idle", len(report.done), report.stale,
                 report.idle)
    return report


async def relay_tick(relay: Relay) -> None:
    while await relay.run_once():  # drain what is deliverable now, then wait for the next tick
        pass


async def autoclose_tick(app: App) -> list[str]:
    return await close_stale_resolved(app.uow, app.loaded.org, app.clock, app.notify)


def build_scheduler(app: App, relay: Relay | None, intervals: Intervals = Intervals(),
                    start_at: datetime | None = None) -> AsyncIOScheduler:
    """Jobs never overlap themselves (max_instances=1) and a backlog of missed ticks runs once
    (coalesce): the sweep itself catches up on everything due."""
    scheduler = AsyncIOScheduler(timezone=UTC)
    first = start_at or datetime.now(UTC)
    options = {"max_instances": 1, "coalesce": True, "next_run_time": first,
               "misfire_grace_time": None}
    scheduler.add_job(sla_tick, "interval", args=[app], seconds=intervals.sla_seconds,
                      id="sla_sweep", **options)
    if relay is not None:
        scheduler.add_job(relay_tick, "interval", args=[relay], seconds=intervals.relay_seconds,
                          id="outbox_relay", **options)
    scheduler.add_job(autoclose_tick, "interval", args=[app], seconds=intervals.autoclose_seconds,
                      id="autoclose", **options)
    return scheduler
