"""Monitoring alerts become tickets: one ticket per alert group, in one transaction per
notification, under the group's lock (see storage/alerts.py).

The first firing of an alert opens the group's ticket; repeats change nothing unless the alert
changed; more alerts of the group, changes and resolutions are comments from the monitoring
identity; once every alert has resolved the ticket is resolved if the intake says so. A ticket
someone finished is left alone by repeats unless the intake is told to reopen it, and a new
firing after that opens a new ticket linked to the old one.

A sender that cuts its notifications (Alertmanager's `max_alerts`) says how many alerts it left
out (`truncatedAlerts`): the ticket says so when that number changes, and is not resolved while
left-out alerts may still fire (only the sender's own "every alert resolved" resolves it then).
"""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from commands.actions.create import open_ticket
from commands.context import Context, save_change
from commands.messages import Create
from commands.ports import KnownAlert, UnitOfWork
from workflows.alerts import FIRING, Alert, AlertBatch, IntakeRules, description_of, title_of
from workflows.kinds import Source
from workflows.people import Person
from workflows.roles import Role
from workflows.status import Status
from workflows.ticket import MAX_TEXT, MAX_TITLE, Actor, Ticket

Words = Callable[..., str]  # a catalog key and its parameters -> text in the intake's language


@dataclass(frozen=True, slots=True)
class IntakeResult:
    ticket: str | None  # the key of the ticket the notification concerns, if any
    outcome: str  # opened, updated or unchanged


@dataclass(frozen=True, slots=True)
class _Sorted:
    fresh: list[Alert]  # firing, never seen with this start time
    changed: list[Alert]  # still firing, labels or annotations differ
    resolved: list[Alert]  # resolved now, seen firing
    repeats: list[Alert]  # firing, exactly as seen

    @property
    def news(self) -> bool:
        return bool(self.fresh or self.changed or self.resolved)


def _seen(alert: Alert, known: dict[str, list[KnownAlert]]) -> KnownAlert | None:
    return next((k for k in known.get(alert.fingerprint, []) if k.starts_at == alert.starts_at),
                None)


def _sort(batch: AlertBatch, known: dict[str, list[KnownAlert]]) -> _Sorted:
    fresh, changed, resolved, repeats = [], [], [], []
    for alert in batch.alerts:
        seen = _seen(alert, known)
        if alert.status == FIRING:
            if seen is None:
                fresh.append(alert)
            elif batch.own_start_times and seen.status != FIRING:
                pass  # a late copy of an older notification: this firing has ended
            elif seen.status != FIRING or seen.digest != alert.digest():
                changed.append(alert)
            else:
                repeats.append(alert)
        elif seen is not None and seen.status == FIRING:
            resolved.append(alert)
        # A resolution of an alert never seen firing opens nothing.
    return _Sorted(fresh, changed, resolved, repeats)


async def _requester(uow: UnitOfWork, handle: str, now: datetime) -> Person:
    found = await uow.people.by_handle(handle)
    if found is not None:
        return found
    person, _ = await uow.people.add(handle, handle, now)
    return person


def _truncation(words: Words, truncated: int) -> str:
    return words("intake.truncated", n=truncated) if truncated else words("intake.untruncated")


def _comment(words: Words, sorted_: _Sorted, truncation: str | None = None) -> str:
    parts = [truncation] if truncation else []
    for key, alerts in (("intake.firing", sorted_.fresh), ("intake.changed", sorted_.changed),
                        ("intake.resolved", sorted_.resolved)):
        if alerts:
            parts.append(words(key, alerts=[a.summary for a in alerts]))
    return "\n".join(parts)[:MAX_TEXT]


async def take_alerts(batch: AlertBatch, ctx: Context, rules: IntakeRules,
                      words: Words) -> IntakeResult:
    now = ctx.clock.now()
    async with ctx.uow() as uow:
        group = await uow.alerts.lock_group(batch.source, batch.group_key, now)
        group_ticket = group.ticket_key
        known = await uow.alerts.known(batch.source, [a.fingerprint for a in batch.alerts])
        sorted_ = _sort(batch, known)
        truncation = (_truncation(words, batch.truncated)
                      if batch.truncated != group.truncated else None)
        # The ticket was kept open for alerts left out last time; the sender now says all of
        # the group resolved.
        held_back = rules.resolve and batch.all_resolved and group.truncated > 0
        # The group's ticket, or (a configuration change split the group) the ticket one of
        # its alerts was seen in.
        key = group_ticket or next((k.ticket_key for a in batch.alerts
                                    if (k := _seen(a, known)) is not None), None)
        ticket = await uow.tickets.get(key, for_update=True) if key else None
        reopen = ticket is not None and _reopens(ticket, rules, sorted_)
        if (not sorted_.news and not reopen
                and (ticket is None or (truncation is None and not held_back))):
            return IntakeResult(key, "unchanged")  # a repeat: nothing is written
        person = await _requester(uow, rules.requester, now)
        ctx = replace(ctx, person=person, source=Source.API, origin=batch.source)
        if ticket is None or (_needs_new(ticket, rules, sorted_) and (sorted_.news or reopen)):
            firing = sorted_.fresh or [*sorted_.changed, *sorted_.repeats]
            ticket = await _open(uow, ctx, batch, tuple(firing), rules, ticket, now, words)
            await save_change(uow, ticket, ctx.org, ctx.notify, person, now)
            await _remember(uow, batch, [*firing, *sorted_.resolved], ticket, now)
            outcome = "opened"
        elif ticket.status.is_open or reopen:
            if reopen:
                ticket.reopen_by_monitoring(_system(person, now), words("intake.reopened"))
            text = _comment(words, sorted_, truncation)
            if text:
                ticket.reply(ctx.actor(ticket), text)
            await _remember(uow, batch, [*sorted_.fresh, *sorted_.changed, *sorted_.resolved],
                            ticket, now)
            complete = batch.truncated == 0 or batch.all_resolved  # nothing left out still fires
            if ((sorted_.resolved or held_back) and rules.resolve and complete
                    and not await uow.alerts.firing(ticket.id or 0)):
                ticket.resolve_by_monitoring(_system(person, now), words("intake.resolution"))
            await save_change(uow, ticket, ctx.org, ctx.notify, person, now)
            outcome = "updated"
        else:  # finished, and not to be reopened: what changed is remembered, quietly
            await _remember(uow, batch, [*sorted_.changed, *sorted_.resolved], ticket, now)
            outcome = "unchanged"
        await uow.alerts.set_group_ticket(batch.source, batch.group_key, ticket.id or 0, now,
                                          batch.truncated)
        await uow.commit()
    return IntakeResult(ticket.key, outcome)


def _system(person: Person, now: datetime) -> Actor:
    return Actor(person, frozenset({Role.SYSTEM}), now, Source.API)


def _reopens(ticket: Ticket, rules: IntakeRules, sorted_: _Sorted) -> bool:
    """A repeat (or change) of a still-firing alert, for a ticket resolved before it stopped."""
    return (rules.reopen and ticket.status is Status.RESOLVED
            and bool(sorted_.repeats or sorted_.changed) and not sorted_.fresh)


def _needs_new(ticket: Ticket, rules: IntakeRules, sorted_: _Sorted) -> bool:
    """A finished ticket is not reused for a new firing; nor, when reopening is configured, for
    a repeat once it is closed (a closed ticket cannot be reopened)."""
    if ticket.status.is_open:
        return False
    if sorted_.fresh:
        return True
    return (rules.reopen and ticket.status is not Status.RESOLVED
            and bool(sorted_.repeats or sorted_.changed))


async def _open(uow: UnitOfWork, ctx: Context, batch: AlertBatch, firing: tuple[Alert, ...],
                rules: IntakeRules, previous: Ticket | None, now: datetime,
                words: Words) -> Ticket:
    description = description_of(batch, firing)
    if batch.truncated:  # said first: the cut may drop the end of a long description
        description = _truncation(words, batch.truncated) + "\n\n" + description
    cmd = Create(title=title_of(firing)[:MAX_TITLE],
                 description=description[:MAX_TEXT],
                 priority=rules.priority(firing),
                 related=previous.key if previous is not None else None)
    ticket, _, _, _ = await open_ticket(uow, ctx, cmd, ctx.person, now, suggestions=False)
    return ticket


async def _remember(uow: UnitOfWork, batch: AlertBatch, alerts: list[Alert], ticket: Ticket,
                    now: datetime) -> None:
    await uow.alerts.remember(batch.source, alerts, ticket.id or 0, now)


def summary(result: IntakeResult) -> dict[str, Any]:
    return {"ticket": result.ticket, "outcome": result.outcome}
