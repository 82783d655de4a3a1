"""The retention job: what the scheduler calls (see storage/retention.py for what it deletes)."""

import logging
from datetime import timedelta

from bot.bootstrap import App
from bot.settings import Settings
from storage.engine import session_factory
from storage.retention import RetentionLimits, purge

log = logging.getLogger(__name__)


def retention_limits(settings: Settings) -> RetentionLimits:
    # Deleting a bucket before it has refilled would hand out a fresh, full one early: never
    # keep one for less than the slowest destination's refill time.
    refill = max(settings.slack_burst / settings.slack_rate_per_second,
                 settings.dingtalk_burst * 60 / settings.dingtalk_rate_per_minute)
    return RetentionLimits(
        sent_outbox=timedelta(days=settings.retention_outbox_days),
        inbound=timedelta(hours=settings.retention_inbound_hours),
        idle_bucket=max(timedelta(minutes=settings.retention_bucket_idle_minutes),
                        timedelta(seconds=refill)),
        batch=settings.retention_batch)


async def retention_tick(app: App) -> dict[str, int]:
    """Delete what is past its window; returns the rows deleted per table. Safe on every
    replica at once: each row is deleted once, and a batch skips rows another is deleting."""
    deleted = await purge(session_factory(app.engine), app.clock.now(),
                          retention_limits(app.settings))
    if any(deleted.values()):
        log.info("retention: deleted %s", ", ".join(f"{n} {t}" for t, n in deleted.items() if n))
    return deleted
