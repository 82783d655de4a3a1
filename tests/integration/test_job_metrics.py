"""The metrics the docs list are recorded: the SLA sweep's duration and the backlog it found;
ticket counts come from the database at most once per refresh interval, however often the
process is scraped."""

from pathlib import Path

from sqlalchemy import event

from bot.metrics import SLA_DUE_BACKLOG, SLA_SWEEP_SECONDS, TICKETS, ticket_counts
from bot.scheduler import sla_tick
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import fast_sla_app


def sweep_count() -> float:
    [family] = SLA_SWEEP_SECONDS.collect()
    return next(s.value for s in family.samples if s.name.endswith("_count"))


async def test_the_sla_sweep_records_its_duration_and_backlog(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        chat = Chat(app)
        await chat.user("alice").says("new P1 Core router down")
        await chat.user("alice").says("new P1 Mail down")
        before = sweep_count()
        clock.advance(minutes=6)  # both response clocks are past their 50 % warning
        assert len((await sla_tick(app)).done) == 2
        assert sweep_count() == before + 1
        assert SLA_DUE_BACKLOG._value.get() == 2  # due when the sweep began
        await sla_tick(app)
        assert SLA_DUE_BACKLOG._value.get() == 0


async def test_a_scrape_counts_tickets_at_most_once_per_interval(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        await Chat(app).user("alice").says("new P3 Printer jammed")
        statements: list[str] = []
        event.listen(app.engine.sync_engine, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        now = [100.0]
        refresh = ticket_counts(app.engine, every=30, monotonic=lambda: now[0])
        await refresh()
        counted = [s for s in statements if "count(" in s.lower()]
        assert len(counted) == 1
        assert TICKETS.labels(status="new", priority="P3")._value.get() == 1
        now[0] += 10
        await refresh()
        assert len([s for s in statements if "count(" in s.lower()]) == 1  # served from the last count
        now[0] += 25
        await refresh()
        assert len([s for s in statements if "count(" in s.lower()]) == 2
