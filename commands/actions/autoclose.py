"""The scheduled job that closes tickets left resolved for the configured number of days."""

from commands.context import commit_change
from commands.notify import NotifyConfig
from commands.ports import Clock, UnitOfWorkFactory
from workflows.errors import DomainError
from workflows.organisation import Organisation
from workflows.ticket import Actor


async def close_stale_resolved(uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                               notify: NotifyConfig | None = None, batch: int = 100) -> list[str]:
    now = clock.now()
    cutoff = now - org.policies.auto_close_after
    async with uow() as work:
        keys = await work.tickets.resolved_before(cutoff, batch)
    closed: list[str] = []
    for key in keys:
        # One transaction per ticket; a ticket reopened meanwhile is skipped, not closed.
        async with uow() as work:
            ticket = await work.tickets.get(key, for_update=True)
            if not ticket.auto_close_due(now, org.policies.auto_close_after):
                continue
            try:
                ticket.close(Actor.system(now), "auto-closed")
            except DomainError:
                continue
            await commit_change(work, ticket, org, notify or NotifyConfig(), None, now)
            closed.append(key)
    return closed
