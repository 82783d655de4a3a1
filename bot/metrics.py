"""Process metrics in Prometheus form, registered once at import; /metrics serves them.

Delivery metrics (outbox lag, deliveries, retries, 429s) live in notifications/metrics.py.
"""

import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from prometheus_client import Counter, Gauge, Histogram
from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import TicketRow

# Slack's budget is 3 s, so the buckets are fine-grained below it.
_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "ticketbot_request_seconds", "Inbound request handled end to end (the response Slack waits for)",
    ["platform", "kind"], buckets=_LATENCY)
ACK_SECONDS = Histogram(
    "ticketbot_ack_seconds", "From receiving an inbound request to acknowledging it",
    ["platform", "kind"], buckets=_LATENCY)
ACTIONS = Counter(
    "ticketbot_actions", "Commands run, by command and outcome (ok, refused, duplicate)",
    ["action", "outcome"])
TICKETS = Gauge(
    "ticketbot_tickets", "Tickets by status and priority (counted in the database on scrape)",
    ["status", "priority"])
# Recorded by the SLA engine: how long one sweep took, and how many steps were due at its start.
SLA_SWEEP_SECONDS = Histogram(
    "ticketbot_sla_sweep_seconds", "Duration of one SLA sweep",
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
SLA_DUE_BACKLOG = Gauge("ticketbot_sla_due_backlog", "SLA steps due and not yet run")
# 1 per business calendar and year its holiday source does not know (bot/holiday_check.py).
HOLIDAY_DATA_MISSING = Gauge(
    "ticketbot_holiday_data_missing",
    "1 if the calendar's holiday source has no data for the year (this year and the next)",
    ["calendar", "year"])


_SLA_DUE = select(func.count()).select_from(TicketRow).where(
    TicketRow.sla_next_due_at <= bindparam("now"))


async def count_sla_due(engine: AsyncEngine, now: datetime) -> int:
    """Tickets with an SLA step due at `now` (an index-only count on the due-time index)."""
    async with engine.connect() as conn:
        return int((await conn.execute(_SLA_DUE, {"now": now})).scalar_one())


async def refresh_ticket_counts(engine: AsyncEngine) -> None:
    """One grouped COUNT through the async engine: cheap, and never blocks the event loop."""
    query = select(TicketRow.status, TicketRow.priority, func.count()).group_by(
        TicketRow.status, TicketRow.priority)
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    TICKETS.clear()  # a status that emptied must not keep its last count
    for status, priority, count in rows:
        TICKETS.labels(status=status, priority=priority).set(count)


def ticket_counts(engine: AsyncEngine, every: float = 30.0,
                  monotonic: Callable[[], float] = time.monotonic) -> Callable[[], Awaitable[None]]:
    """The scrape hook: counts in the database at most once per `every` seconds, so a scrape
    of every replica every few seconds does not count every ticket each time."""
    last: list[float] = []

    async def refresh() -> None:
        now = monotonic()
        if last and now - last[0] < every:
            return
        await refresh_ticket_counts(engine)
        last[:] = [now]

    return refresh


class Stopwatch:
    """Seconds since it was started, on the monotonic clock."""

    def __init__(self) -> None:
        self.started = time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started
