"""The report facts job: what the scheduler calls (storage/report_facts.py does the work).

Each step is a transaction of its own that holds the mark's row, so replicas take turns and
never read the same lines twice; a tick stops after `STEPS` steps and the next one goes on."""

import logging

from bot.bootstrap import App
from storage.report_facts import catch_up

log = logging.getLogger(__name__)
STEPS = 10  # of up to 5,000 lines and 5,000 tickets of the first reading each


async def report_facts_tick(app: App) -> int:
    """Read the tickets changed since the last tick (and, at first, every ticket) into their
    report facts; how many were read."""
    done = 0
    for _ in range(STEPS):
        async with app.engine.begin() as connection:
            read = await catch_up(connection)
        done += read
        if not read:
            break
    if done:
        log.info("report facts: %d ticket(s) read", done)
    return done
