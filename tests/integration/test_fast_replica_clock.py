"""A replica whose clock runs fast does nothing early: SLA claims and steps are measured by the
earlier of its clock and the database's, so another replica's (or the database's) present is
not overtaken. The test's anchor is the real time, since the database keeps the real time."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from storage.models import AuditRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import fast_sla_app, run_sweep


async def test_a_replica_an_hour_fast_does_only_what_is_due_by_the_database(
        database_url: str, tmp_path: Path) -> None:
    real = datetime.now(UTC)
    # P1, 24x7: response warnings at 5 and 7.5 minutes, breach at 10, from its creation.
    clock = FakeClock(real - timedelta(minutes=6))
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        await Chat(app).user("alice").says("new P1 Core switch down")
        clock.current = real + timedelta(hours=1)  # this replica's clock is an hour fast

        report = await run_sweep(app)
        # Only the first warning is due by the database's clock: not the second warning, the
        # breach, the escalation chain and its reminders that the fast clock would have done.
        assert report.done == ["IT-1 response warning"]
        assert (await run_sweep(app)).done == []
        async with app.engine.connect() as conn:
            warned = (await conn.execute(select(AuditRow.at)
                                         .where(AuditRow.action == "sla_warning"))).scalar_one()
            due = (await conn.execute(select(TicketRow.sla_next_due_at))).scalar_one()
    assert abs(warned - datetime.now(UTC)) < timedelta(minutes=1)  # stamped with the true time
    assert due < clock.now()  # the next step waits for its true time, not the fast clock's
