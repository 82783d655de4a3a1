"""SLA steps in batches: a burst is worked off in one sweep, a few transactions for hundreds of
steps, with every guarantee of a step in its own transaction: once across sweepers, nothing from
a claim another sweep has taken since, a person's change since the claim seen, one broken
ticket not holding back the others, nothing written by a sweep that dies mid-batch."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from commands import context
from commands.actions.sla_sweep import SweepReport, claim_due, run_batch, sweep
from commands.messages import Identity
from commands.ports import UnitOfWorkFactory
from storage.models import AuditRow, OutboxRow, SlaFailureRow, TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.sla import fast_sla_app, run_sweep
from workflows.kinds import Source

LEASE = timedelta(minutes=2)


@pytest.fixture
async def sla_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    async with fast_sla_app(database_url, tmp_path, clock) as app:
        yield app


async def open_tickets(app: App, count: int) -> None:
    for start in range(0, count, 25):
        await asyncio.gather(*(
            app.dispatcher.handle_text(Identity(Source.CONSOLE, "alice"), f"new P1 Outage {n}")
            for n in range(start, min(start + 25, count))))


class Counting:
    """A unit-of-work factory counting commits; `dies_at` makes that commit never happen (the
    process is gone: the error escapes every handler)."""

    def __init__(self, inner: UnitOfWorkFactory, dies_at: int | None = None) -> None:
        self.inner, self.commits, self.dies_at = inner, 0, dies_at

    def __call__(self) -> Any:
        uow = self.inner()
        commit = uow.commit

        async def counted() -> None:
            self.commits += 1
            if self.commits == self.dies_at:
                raise asyncio.CancelledError
            await commit()

        uow.commit = counted  # type: ignore[method-assign]
        return uow


async def warnings_per_ticket(app: App) -> Counter[int]:
    async with app.engine.connect() as conn:
        rows = (await conn.execute(select(AuditRow.ticket_id)
                                   .where(AuditRow.action == "sla_warning"))).all()
    return Counter(ticket_id for (ticket_id,) in rows)


async def test_a_burst_is_done_in_one_sweep_a_transaction_per_batch(
        sla_app: App, clock: FakeClock) -> None:
    await open_tickets(sla_app, 230)
    clock.advance(minutes=6)  # every ticket's response warning (at 5 min) is due
    counting = Counting(sla_app.uow)
    report = await sweep(counting, sla_app.loaded.org, clock, sla_app.notify, batch=100)
    assert sorted(report.done) == sorted(f"IT-{n} response warning" for n in range(1, 231))
    # one transaction for each batch of 100, 100 and 30, claim and steps together; the look
    # that finds nothing more due commits nothing
    assert counting.commits == 3
    assert set((await warnings_per_ticket(sla_app)).values()) == {1}
    assert len(await warnings_per_ticket(sla_app)) == 230
    async with sla_app.engine.connect() as conn:
        told = (await conn.execute(select(OutboxRow.ticket_key, OutboxRow.address)
                                   .where(OutboxRow.event == "sla_warning"))).all()
    # the assignee is nobody yet: the lead (dave) hears it, and the queue's channel
    assert Counter(address for _, address in told) == {"dave": 230, "#it": 230}
    assert (await run_sweep(sla_app)).done == []


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_sweepers_on_postgres_do_each_step_once(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    async with (fast_sla_app(database_url, tmp_path, clock) as a,
                fast_sla_app(database_url, tmp_path, clock) as b):
        await open_tickets(a, 300)
        clock.advance(minutes=6)
        first, second = await asyncio.gather(
            sweep(a.uow, a.loaded.org, clock, a.notify, batch=50),
            sweep(b.uow, b.loaded.org, clock, b.notify, batch=50))
        assert not set(first.done) & set(second.done)
        assert len(first.done) + len(second.done) == 300
        per_ticket = await warnings_per_ticket(a)
    assert len(per_ticket) == 300 and set(per_ticket.values()) == {1}


async def test_a_claim_that_died_holding_its_lease_is_taken_when_the_lease_ends(
        sla_app: App, clock: FakeClock) -> None:
    await open_tickets(sla_app, 150)
    clock.advance(minutes=6)
    dying = Counting(sla_app.uow, dies_at=3)  # the claim of 100, one step, then it dies
    with pytest.raises(asyncio.CancelledError):
        await sweep(dying, sla_app.loaded.org, clock, sla_app.notify, batch=100,
                    lease=timedelta(seconds=30), batched=False)
    assert len(await warnings_per_ticket(sla_app)) == 1
    assert len((await run_sweep(sla_app)).done) == 50  # the 50 nobody claimed
    clock.advance(seconds=31)  # the lease ran out, before the 75 % warnings (7.5 min)
    assert len((await run_sweep(sla_app)).done) == 99
    per_ticket = await warnings_per_ticket(sla_app)
    assert len(per_ticket) == 150 and set(per_ticket.values()) == {1}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_a_ticket_a_person_holds_is_left_to_a_later_batch(
        sla_app: App, clock: FakeClock) -> None:
    await open_tickets(sla_app, 3)
    clock.advance(minutes=6)
    async with sla_app.uow() as person:  # someone's change to IT-2, not committed yet
        await person.tickets.get("IT-2", for_update=True)
        report = await run_sweep(sla_app)
        assert sorted(report.done) == ["IT-1 response warning", "IT-3 response warning"]
    assert (await run_sweep(sla_app)).done == ["IT-2 response warning"]


async def test_a_ticket_changed_after_the_claim_is_judged_as_it_is_now(
        sla_app: App, clock: FakeClock) -> None:
    chat = Chat(sla_app)
    await open_tickets(sla_app, 3)
    clock.advance(minutes=6)
    claims, step_clock = await claim_due(sla_app.uow, clock, 100, LEASE)
    assert len(claims) == 3
    # Bob takes IT-2 between the claim and the batch: his claim is its first response.
    assert (await chat.user("bob").says("claim IT-2")).ok
    report = SweepReport()
    await run_batch(sla_app.uow, sla_app.loaded.org, step_clock, sla_app.notify, claims, report)
    assert sorted(report.done) == ["IT-1 response warning", "IT-3 response warning"]
    assert (report.idle, report.stale) == (1, 0)
    async with sla_app.engine.connect() as conn:
        warned = set((await conn.execute(
            select(TicketRow.key).join(AuditRow, AuditRow.ticket_id == TicketRow.id)
            .where(AuditRow.action == "sla_warning"))).scalars())
    assert warned == {"IT-1", "IT-3"}


async def test_a_claim_another_sweep_has_taken_since_writes_nothing(
        sla_app: App, clock: FakeClock) -> None:
    await open_tickets(sla_app, 2)
    clock.advance(minutes=6)
    org, notify = sla_app.loaded.org, sla_app.notify
    old, old_clock = await claim_due(sla_app.uow, clock, 100, LEASE)
    clock.advance(minutes=2, seconds=1)  # the lease ran out: another sweep claims them
    new, new_clock = await claim_due(sla_app.uow, clock, 100, LEASE)
    assert {c.key for c in new} == {c.key for c in old}

    async def snapshot() -> tuple[list[Any], int, int]:
        async with sla_app.engine.connect() as conn:
            rows = (await conn.execute(select(TicketRow.key, TicketRow.version, TicketRow.sla_fence,
                                              TicketRow.sla_next_due_at)
                                       .order_by(TicketRow.key))).all()
            audit = len((await conn.execute(select(AuditRow.id))).all())
            outbox = len((await conn.execute(select(OutboxRow.id))).all())
        return list(rows), audit, outbox

    before = await snapshot()
    stale = SweepReport()
    await run_batch(sla_app.uow, org, old_clock, notify, old, stale)
    assert (stale.done, stale.stale) == ([], 2)
    assert await snapshot() == before
    fresh = SweepReport()
    await run_batch(sla_app.uow, org, new_clock, notify, new, fresh)
    assert sorted(fresh.done) == ["IT-1 response warning", "IT-2 response warning"]


async def test_one_broken_ticket_does_not_hold_back_its_batch(
        sla_app: App, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    await open_tickets(sla_app, 5)
    real_plan = context.plan

    async def plan(uow: Any, ticket: Any, *args: Any) -> Any:
        if ticket.key == "IT-3":
            raise RuntimeError("template broken")
        return await real_plan(uow, ticket, *args)

    monkeypatch.setattr(context, "plan", plan)
    clock.advance(minutes=5, seconds=1)
    report = await run_sweep(sla_app)
    assert sorted(report.done) == [f"IT-{n} response warning" for n in (1, 2, 4, 5)]
    assert report.failed == 1
    async with sla_app.engine.connect() as conn:
        failure = (await conn.execute(select(SlaFailureRow))).one()
    assert failure.attempts == 1 and failure.last_error == "RuntimeError: template broken"
    monkeypatch.setattr(context, "plan", real_plan)
    clock.advance(minutes=2, seconds=1)  # retried when its lease runs out, before 75 %
    assert (await run_sweep(sla_app)).done == ["IT-3 response warning"]


async def test_a_sweep_dying_mid_batch_leaves_nothing_and_loses_nothing(
        sla_app: App, clock: FakeClock) -> None:
    await open_tickets(sla_app, 150)
    clock.advance(minutes=6)
    dying = Counting(sla_app.uow, dies_at=2)  # the first batch, then the second one dies
    with pytest.raises(asyncio.CancelledError):
        await sweep(dying, sla_app.loaded.org, clock, sla_app.notify, batch=100,
                    lease=timedelta(seconds=30))
    assert len(await warnings_per_ticket(sla_app)) == 100
    # The dead batch held its tickets only while its transaction lived: they are due at once.
    assert len((await run_sweep(sla_app)).done) == 50
    per_ticket = await warnings_per_ticket(sla_app)
    assert len(per_ticket) == 150 and set(per_ticket.values()) == {1}


async def test_a_batch_writes_what_changed_even_back_to_what_was_read(
        sla_app: App, clock: FakeClock) -> None:
    await open_tickets(sla_app, 2)
    async with sla_app.uow() as work:
        # get_many reads in id order; numbers are taken outside the creating transaction, so
        # the tickets opened together may have IT-2 first.
        found = {t.key: t for t in await work.tickets.get_many(["IT-1", "IT-2"])}
        first, second = found["IT-1"], found["IT-2"]
        title, created = first.title, {first.key: first.version, second.key: second.version}
        first.title, second.title = "Printer on fire", "Second title"
        await work.tickets.save_many([first, second])
        first.title = title  # changed back within the transaction: written again
        await work.tickets.save_many([first])
        await work.commit()
    async with sla_app.engine.connect() as conn:
        rows = (await conn.execute(select(TicketRow.key, TicketRow.title, TicketRow.version)
                                   .order_by(TicketRow.key))).tuples().all()
    assert rows == [("IT-1", title, created["IT-1"] + 2),  # saved twice
                    ("IT-2", "Second title", created["IT-2"] + 1)]
