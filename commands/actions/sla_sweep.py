"""The scheduled SLA sweep: claim due tickets, then do one step per ticket in its own transaction.

Exactly once, across replicas and restarts: the claim hands each due ticket to one sweep with a
fencing token; the step transaction locks the ticket, does nothing if the token has moved on (a
stale run), and otherwise writes the audit line, the outbox rows, the next due time and a new
token in one commit. A sweep that dies after claiming leaves its tickets due again once the
lease runs out; work missed while no bot ran is done at the next sweep, once, marked late.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from commands.context import commit_change
from commands.notify import NotifyConfig
from commands.ports import Clock, SlaClaim, UnitOfWorkFactory
from workflows import sla
from workflows.organisation import Organisation

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    claimed: int = 0
    done: list[str] = field(default_factory=list)  # "IT-4 resolution breach"
    stale: int = 0  # the token had moved on: another sweep owns the ticket now
    idle: int = 0  # claimed, but nothing was due any more (a change moved the clock)


async def claim_due(uow: UnitOfWorkFactory, clock: Clock, batch: int, lease: timedelta
                    ) -> list[SlaClaim]:
    async with uow() as work:
        claims = await work.sla.claim(clock.now(), batch, lease)
        await work.commit()
    return claims


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
        await commit_change(work, ticket, org, notify, None, now)


async def sweep(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                notify: NotifyConfig | None = None, batch: int = 100,
                lease: timedelta = timedelta(minutes=2), rounds: int = 50) -> SweepReport:
    """Claim and step until nothing is due (at most `rounds` batches: the next tick goes on)."""
    report = SweepReport()
    for _ in range(rounds):
        claims = await claim_due(uow, clock, batch, lease)
        report.claimed += len(claims)
        for claim in claims:
            try:
                await run_step(uow, org, clock, notify or NotifyConfig(), claim, report)
            except Exception:  # one broken ticket must not stop the others; its lease expires
                log.exception("SLA step failed for %s", claim.key)
        if not claims:  # steps due right after the one just done are taken by the next round
            break
    return report
