"""The scheduled SLA sweep: claim due tickets, then do one step per ticket in its own transaction.

Exactly once, across replicas and restarts: the claim hands each due ticket to one sweep with a
fencing token; the step transaction locks the ticket, does nothing if the token has moved on (a
stale run), and otherwise writes the audit line, the outbox rows, the next due time and a new
token in one commit. A sweep that dies after claiming leaves its tickets due again once the
lease runs out; work missed while no bot ran is done at the next sweep, once, marked late.

Time is the earlier of this replica's clock and the database's, so a replica whose clock runs
fast neither claims nor does a step early. A step that fails is retried when its lease runs out;
after `max_attempts` failures it is a dead letter (`ticketbot sla failed`), not retried forever.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from commands.context import commit_change
from commands.notify import NotifyConfig
from commands.ports import Clock, SlaClaim, UnitOfWorkFactory
from workflows import sla
from workflows.organisation import Organisation

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


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


async def run_step(uow: UnitOfWorkFactory, org: Organisation, clock: Clock, notify: NotifyConfig,
                   claim: SlaClaim, report: SweepReport) -> None:
    async with uow() as work:
        ticket = await work.tickets.get(claim.key, for_update=True)
        if ticket.sla is None or ticket.sla.fence != claim.fence:
            report.stale += 1
            return
        now = clock.now()
        due = sla.due_now(ticket, org, now)
        if due is not None:
            handle = sla.reassign_target(ticket, org, due, now)
            person = await work.people.by_handle(handle) if handle else None
            sla.perform(ticket, org, due, now, person)
            report.done.append(f"{ticket.key} {due.step.clock.value} {due.step.kind.value}")
        else:
            report.idle += 1
        ticket.sla.fence += 1
        if claim.failing:
            await work.sla.step_done(ticket.key)
        await commit_change(work, ticket, org, notify, None, now)


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


async def sweep(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                notify: NotifyConfig | None = None, batch: int = 100,
                lease: timedelta = timedelta(minutes=2), rounds: int = 50,
                max_attempts: int = MAX_ATTEMPTS) -> SweepReport:
    """Claim and step until nothing is due (at most `rounds` batches: the next tick goes on)."""
    report = SweepReport()
    for _ in range(rounds):
        claims, step_clock = await claim_due(uow, clock, batch, lease)
        report.claimed += len(claims)
        for claim in claims:
            try:
                await run_step(uow, org, step_clock, notify or NotifyConfig(), claim, report)
            except Exception as error:  # one broken ticket must not stop the others
                log.exception("SLA step failed for %s", claim.key)
                await _count_failure(uow, step_clock, claim, error, max_attempts, report)
        if not claims:  # steps due right after the one just done are taken by the next round
            break
    return report
