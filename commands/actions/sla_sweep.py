"""The scheduled SLA sweep: lock due tickets and do their steps, a batch per transaction.

Exactly once, across replicas and restarts: a batch's due tickets are locked (rows another
transaction holds are skipped) and their steps written, with each fencing token moved on, in
the same transaction. Nothing is written to claim them, so a sweep that dies mid-batch leaves
nothing done and its tickets due again at once; no other sweep, and no person's change, touches
them before the commit. Work missed while no bot ran is done at the next sweep, once, marked late.

A batch is loaded in one statement (with its collaborators, links and people), each ticket's step
decided from what its row says, the people and preferences the messages need read once, and the
rows, audit lines and outbox rows written set-based. If anything in the batch raises, nothing of
it was written and its tickets are done the careful way: claimed with a fencing token and a
lease (committed), then as a batch of claims whose stale ones do nothing and whose tickets are
judged as they are by then, and if that raises too, one transaction each, so one broken ticket
is counted (and in the end a dead letter) without holding back the others.

A sweep goes on while it finds work (a burst is worked off in one tick), until its time budget
is spent: the next tick goes on from there, and shutdown never waits long for a sweep.

Time is the earlier of this replica's clock and the database's, so a replica whose clock runs
fast neither claims nor does a step early. A step that fails is retried when its lease runs out;
after `max_attempts` failures it is a dead letter (`ticketbot sla failed`), not retried forever.
"""

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from commands.context import commit_change, save_changes
from commands.lookups import BatchLookups
from commands.notify import NotifyConfig
from commands.ports import (
    Clock,
    PeopleRepository,
    SlaClaim,
    StorageUnavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)
from workflows import sla
from workflows.organisation import Organisation
from workflows.ticket import Ticket

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BUDGET_SECONDS = 10.0  # of one sweep, under the 15 s tick


@dataclass
class SweepReport:
    claimed: int = 0
    done: list[str] = field(default_factory=list)  # "IT-4 resolution breach"
    stale: int = 0  # the token had moved on: another sweep owns the ticket now
    idle: int = 0  # claimed, but nothing was due any more (a change moved the clock)
    failed: int = 0  # steps that raised (each retried after its lease, up to the limit)
    dead: list[str] = field(default_factory=list)  # keys given up on in this sweep


@dataclass(frozen=True, slots=True)
class HeldBack:
    """This replica's clock, held back by how far it ran ahead of the database's."""

    clock: Clock
    by: timedelta

    def now(self) -> datetime:
        return self.clock.now() - self.by


async def claim_due(uow: UnitOfWorkFactory, clock: Clock, batch: int, lease: timedelta
                    ) -> tuple[list[SlaClaim], Clock]:
    """The claims, and the clock their steps are to be done by."""
    async with uow() as work:
        local = clock.now()
        ahead = max(local - await work.sla.database_now(), timedelta(0))
        claims = await work.sla.claim(local - ahead, batch, lease)
        await work.commit()
    return claims, (HeldBack(clock, ahead) if ahead else clock)


async def step(ticket: Ticket, org: Organisation, people: PeopleRepository, now: datetime,
               report: SweepReport) -> None:
    """The one step of a claimed ticket whose fence held (both paths run this): whatever is due
    by what the ticket says now, and the fence moved on."""
    assert ticket.sla is not None
    due = sla.due_now(ticket, org, now)
    if due is not None:
        handle = sla.reassign_target(ticket, org, due, now)
        person = await people.by_handle(handle) if handle else None
        sla.perform(ticket, org, due, now, person)
        report.done.append(f"{ticket.key} {due.step.clock.value} {due.step.kind.value}")
    else:
        report.idle += 1
    ticket.sla.fence += 1


def _held(ticket: Ticket | None, claim: SlaClaim) -> bool:
    return ticket is not None and ticket.sla is not None and ticket.sla.fence == claim.fence


async def run_step(uow: UnitOfWorkFactory, org: Organisation, clock: Clock, notify: NotifyConfig,
                   claim: SlaClaim, report: SweepReport) -> None:
    async with uow() as work:
        ticket = await work.tickets.get(claim.key, for_update=True)
        if not _held(ticket, claim):
            report.stale += 1
            return
        now = clock.now()
        done = SweepReport()  # counted once committed
        await step(ticket, org, work.people, now, done)
        if claim.failing:
            await work.sla.step_done(ticket.key)
        await commit_change(work, ticket, org, notify, None, now)
    report.done += done.done
    report.idle += done.idle


async def _preload(lookups: BatchLookups, tickets: list[Ticket], org: Organisation) -> None:
    people = {t.requester.id for t in tickets} | {t.assignee.id for t in tickets if t.assignee}
    people |= {p.id for t in tickets for p in t.collaborators}
    leads = {h for t in tickets if (team := org.team(t.team)) for h in team.leads}
    await lookups.preload(people, leads)


async def run_batch(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                    notify: NotifyConfig, claims: list[SlaClaim], report: SweepReport) -> None:
    """The steps of `claims` in one transaction. Raises (having written nothing) if any does;
    `report` is then as it was."""
    batch = SweepReport()
    async with uow() as work:
        loaded = {t.key: t for t in await work.tickets.get_many([c.key for c in claims])}
        held = [loaded[c.key] for c in claims if _held(loaded.get(c.key), c)]
        batch.stale = len(claims) - len(held)
        await _step_all(work, org, clock, notify, held, {c.key for c in claims if c.failing},
                        batch)
        await work.commit()
    report.done += batch.done
    report.stale += batch.stale
    report.idle += batch.idle


async def _step_all(work: UnitOfWork, org: Organisation, clock: Clock, notify: NotifyConfig,
                    tickets: list[Ticket], failing: set[str], report: SweepReport) -> None:
    """The steps of `tickets`, loaded and locked in `work`, written set-based (not committed)."""
    lookups = BatchLookups(work)
    await _preload(lookups, tickets, org)
    now = clock.now()
    for ticket in tickets:
        await step(ticket, org, lookups.people, now, report)
    await work.sla.steps_done([t.key for t in tickets if t.key in failing])
    await save_changes(_as_uow(lookups), tickets, org, notify, now)


def _as_uow(lookups: BatchLookups) -> UnitOfWork:
    return lookups  # type: ignore[return-value]  # a view of the unit of work, same interface


async def _count_failure(uow: UnitOfWorkFactory, clock: Clock, claim: SlaClaim, error: Exception,
                         max_attempts: int, report: SweepReport) -> None:
    report.failed += 1
    try:
        async with uow() as work:
            failure = await work.sla.step_failed(claim, f"{type(error).__name__}: {error}",
                                                 clock.now(), max_attempts)
            await work.commit()
    except Exception:  # the database itself is failing: the lease brings the ticket back
        log.exception("could not record the failed SLA step of %s", claim.key)
        return
    if failure is not None and failure.dead_at is not None:
        report.dead.append(claim.key)
        log.error("SLA step of %s failed %d times, given up (ticketbot sla failed): %s",
                  claim.key, failure.attempts, failure.error)


async def _one_by_one(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                      notify: NotifyConfig, claims: list[SlaClaim], max_attempts: int,
                      report: SweepReport) -> None:
    for claim in claims:
        try:
            await run_step(uow, org, clock, notify, claim, report)
        except Exception as error:  # one broken ticket must not stop the others
            log.exception("SLA step failed for %s", claim.key)
            await _count_failure(uow, clock, claim, error, max_attempts, report)


async def sweep(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                notify: NotifyConfig | None = None, batch: int = 100,
                lease: timedelta = timedelta(minutes=2), rounds: int = 10_000,
                max_attempts: int = MAX_ATTEMPTS, budget: float = BUDGET_SECONDS,
                batched: bool = True) -> SweepReport:
    """Lock and step batches until nothing is due, or `budget` seconds (or `rounds` batches)
    are spent: the next tick goes on. A batch that fails is rolled back and its tickets done
    the careful way: claimed with a lease, then one transaction each. `batched=False` does
    every step so."""
    report = SweepReport()
    notify = notify or NotifyConfig()
    ends = time.monotonic() + budget
    for _ in range(rounds):
        found = await _locked_batch(uow, org, clock, notify, batch, report) if batched else None
        if found == 0:  # steps due right after the one just done are taken by the next round
            break
        if found is None:
            claims, step_clock = await claim_due(uow, clock, batch, lease)
            report.claimed += len(claims)
            if not claims:
                break
            if not batched or not await _batch(uow, org, step_clock, notify, claims, report):
                await _one_by_one(uow, org, step_clock, notify, claims, max_attempts, report)
        if time.monotonic() >= ends:
            break
    return report


async def _locked_batch(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                        notify: NotifyConfig, batch: int, report: SweepReport) -> int | None:
    """How many due tickets one transaction locked and stepped (0: none was due); None if the
    batch failed or holds a ticket it cannot step, and so wrote nothing."""
    done = SweepReport()
    try:
        async with uow() as work:
            local = clock.now()
            ahead = max(local - await work.sla.database_now(), timedelta(0))
            held = await work.sla.lock_due(local - ahead, batch)
            if not held:
                return 0
            tickets = await work.tickets.get_many([c.key for c in held])
            if len(tickets) != len(held) or any(t.sla is None for t in tickets):
                return None  # a due time without a clock: the claim's lease keeps it at bay
            await _step_all(work, org, HeldBack(clock, ahead) if ahead else clock, notify,
                            tickets, {c.key for c in held if c.failing}, done)
            await work.commit()
    except StorageUnavailable:
        raise  # nothing to be careful about: the next tick tries again
    except Exception as error:  # a broken ticket in it: the careful way finds it
        log.warning("SLA batch failed (%s: %s); claiming its steps one by one",
                    type(error).__name__, error)
        return None
    report.claimed += len(held)
    report.done += done.done
    report.idle += done.idle
    return len(held)


async def _batch(uow: UnitOfWorkFactory, org: Organisation, clock: Clock, notify: NotifyConfig,
                 claims: list[SlaClaim], report: SweepReport) -> bool:
    """Whether the batch was done; if not, nothing of it was written."""
    try:
        await run_batch(uow, org, clock, notify, claims, report)
    except Exception as error:  # a broken ticket in it, or the database: find out one by one
        log.warning("SLA batch of %d failed (%s: %s); doing its steps one by one",
                    len(claims), type(error).__name__, error)
        return False
    return True
