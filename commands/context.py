"""Everything a use case needs for one request, and the load-lock-change-save-commit frame."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from commands.answer import Answer
from commands.buttons import viewer_buttons
from commands.notify import NotifyConfig, plan
from commands.notify_approvals import approval_messages
from commands.ports import Clock, UnitOfWork, UnitOfWorkFactory
from commands.visibility import check_not_hidden
from commands.webhooks import plan_webhooks
from workflows.confidential import ticket_is_confidential
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.roles import principals_of, roles_of
from workflows.sla import settle
from workflows.ticket import Actor, Ticket
from workflows.webhooks import Subscription


@dataclass(frozen=True, slots=True)
class Context:
    uow: UnitOfWorkFactory
    org: Organisation
    clock: Clock
    person: Person
    source: Source
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    # The platform's id of this inbound action, if it has one; the dispatcher has claimed it.
    dedup_key: str | None = None
    origin: str | None = None  # the channel or group the request came from
    account: str | None = None  # the asker's own id on the messenger they wrote from
    said_in: str | None = None  # the chat it was said in (Identity.conversation, else origin)

    @property
    def channel(self) -> str | None:
        return self.origin

    def actor(self, ticket: Ticket) -> Actor:
        return Actor.of(self.person, ticket, self.org, self.clock.now(), self.source,
                        self.said_in)

    def with_workflows(self, tickets: list[Ticket]) -> list[Ticket]:
        """The tickets with their organisation's workflow attached, so what a list says of their
        status is the workflow's words."""
        for ticket in tickets:
            if ticket.workflow is None:
                ticket.workflow = self.org.workflow_for(ticket.kind)
            if ticket.form is None:
                ticket.form = self.org.form_for(ticket.kind)
            ticket.type_names = self.org.type_names(ticket.custom_type)
        return tickets

    def card(self, key: str, ticket: Ticket, **params: Any) -> Answer:
        """An answer showing the ticket with the buttons this person may now press."""
        if ticket.workflow is None:
            ticket.workflow = self.org.workflow_for(ticket.kind)
        if ticket.form is None:
            ticket.form = self.org.form_for(ticket.kind)
        ticket.type_names = self.org.type_names(ticket.custom_type)
        roles = roles_of(self.person, ticket, self.org)
        others = principals_of(self.person, self.org) if ticket.workflow.names_others else frozenset()
        actions = tuple(ticket.allowed_actions(roles, others))
        return Answer(key, {"key": ticket.key, **params}, ticket=ticket, actions=actions,
                      buttons=tuple(viewer_buttons(ticket, self.person, self.org)))


@asynccontextmanager
async def changing(ctx: Context, key: str) -> AsyncIterator[tuple[UnitOfWork, Ticket, Actor]]:
    """Load the ticket under a row lock, let the caller change it, then save and commit once.

    If the caller raises, nothing is written: the unit of work rolls back on exit.
    """
    async with ctx.uow() as uow:
        ticket = await uow.tickets.get(key, for_update=True)
        check_not_hidden(ctx.org, ctx.person, ticket)  # a confidential one: as if unknown
        yield uow, ticket, ctx.actor(ticket)
        await commit_change(uow, ticket, ctx.org, ctx.notify, ctx.person, ctx.clock.now())


async def commit_change(uow: UnitOfWork, ticket: Ticket, org: Organisation, notify: NotifyConfig,
                        actor: Person | None, now: datetime,
                        coalesced: frozenset[str] = frozenset()) -> None:
    """Settle the SLA clocks, then save the ticket with its audit lines and the messages they
    promise, in one commit. `coalesced`: audit actions whose notices to people join a burst's
    one notice (commands/duplicate_burst.py)."""
    await save_change(uow, ticket, org, notify, actor, now, coalesced)
    await uow.commit()


async def save_change(uow: UnitOfWork, ticket: Ticket, org: Organisation, notify: NotifyConfig,
                      actor: Person | None, now: datetime,
                      coalesced: frozenset[str] = frozenset()) -> None:
    """`commit_change` without the commit: for a request that changes several tickets in its
    one transaction."""
    settle(ticket, org, now)
    messages = await plan(uow, ticket, ticket.new_audit, org, notify, actor, now, coalesced)
    messages = await approval_messages(uow, ticket, ticket.new_audit, org, notify, now, messages)
    messages += plan_webhooks(ticket, ticket.new_audit,
                              may_hear(org, ticket, await subscriptions_of(uow, org)), actor,
                              now)
    new = ticket.id is None
    await uow.tickets.save(ticket)  # a new ticket's row is written here, and gets its id
    if new:
        messages = [replace(m, ticket_id=ticket.id) for m in messages]
    await uow.outbox.add(messages)


async def save_changes(uow: UnitOfWork, tickets: list[Ticket], org: Organisation,
                       notify: NotifyConfig, now: datetime) -> None:
    """`save_change` for a batch of system changes to tickets `uow.tickets.get_many` loaded: each
    settled and planned as alone, then saved and their messages written set-based."""
    messages = []
    subscriptions = await subscriptions_of(uow, org)
    for ticket in tickets:
        settle(ticket, org, now)
        messages += await approval_messages(
            uow, ticket, ticket.new_audit, org, notify, now,
            await plan(uow, ticket, ticket.new_audit, org, notify, None, now))
        messages += plan_webhooks(ticket, ticket.new_audit,
                                  may_hear(org, ticket, subscriptions), None, now)
    await uow.tickets.save_many(tickets)
    await uow.outbox.add(messages)


def may_hear(org: Organisation, ticket: Ticket, subscriptions: tuple[Subscription, ...]
              ) -> tuple[Subscription, ...]:
    """A confidential ticket's events go only to subscriptions configured to receive them."""
    if not ticket_is_confidential(org, ticket):
        return subscriptions
    return tuple(s for s in subscriptions if s.confidential)


async def subscriptions_of(uow: UnitOfWork, org: Organisation) -> tuple[Subscription, ...]:
    """The organisation file's webhook subscriptions and those made through the API (a name the
    file took later than the API is the file's: one destination, one set of rows)."""
    stored = await uow.webhooks.active()
    if not stored:
        return org.webhooks
    taken = {s.name for s in org.webhooks}
    return org.webhooks + tuple(s for s in stored if s.name not in taken)
