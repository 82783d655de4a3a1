"""`route explain <text>`: which rule would route such a ticket, and who would get it now."""

from typing import Any

from commands.actions.away import local_day
from commands.actions.create import requested
from commands.answer import Answer
from commands.assigning import pick
from commands.context import Context
from commands.messages import ExplainRoute
from commands.ports import UnitOfWork
from workflows.choice import Choice
from workflows.errors import InvalidInput
from workflows.organisation import Organisation, Team
from workflows.placement import place
from workflows.priority import Priority


async def _labels(uow: UnitOfWork, handles: set[str]) -> dict[str, str]:
    found = {h: await uow.people.by_handle(h) for h in handles}
    return {h: (p.label if p else h) for h, p in found.items()}


def _choice_params(choice: Choice, names: dict[str, str], tz: Any) -> dict[str, Any]:
    duty = choice.duty
    return {
        "assignee": names[choice.handle] if choice.handle else None,
        "how": choice.how.value,
        "loads": [{"who": names[h], "load": load} for h, load in choice.compared],
        "skipped": [{"who": names[h], **local_day(t, tz)} for h, t in choice.skipped],
        "after": names.get(choice.after or "", choice.after),
        "has": list(choice.has), "lacks": list(choice.lacks),
        "shift": duty.shift.name if duty else None, "hours": duty.shift.hours if duty else None,
        "zone": choice.zone,
    }


def triage_channel(org: Organisation, team: Team, queue_key: str) -> str:
    queue = org.queue(queue_key)
    return team.triage_channel or (queue.triage_channel if queue else None) or f"#{queue_key}"


async def explain(cmd: ExplainRoute, ctx: Context) -> Answer:
    org = ctx.org
    asked = cmd.ticket
    placement = place(org, requested(asked, ctx.channel), org.profile(ctx.person.handle).department)
    if placement.type not in org.ticket_types and placement.custom_type is None:
        raise InvalidInput("error.type_disabled", type=placement.type.value)
    team = org.team(placement.team)
    assert team is not None  # rules and queues name known teams (checked at load)
    policy = team.assignment
    async with ctx.uow() as uow:  # reads only: nothing is locked, moved or written
        choice = await pick(uow, org, team, placement.priority, placement.skills,
                            ctx.clock.now(), lock=False)
        handles = {h for h, _ in choice.compared} | {h for h, _ in choice.skipped}
        names = await _labels(uow, handles | {h for h in (choice.handle, choice.after) if h})
    decision = placement.decision
    bypass = policy.p1_bypass.value if placement.priority is Priority.P1 else "none"
    return Answer("route.explain", {
        "text": asked.title, "rule": decision.rule.name if decision.rule else None,
        "hits": [{"kind": h.kind, "value": h.value, "where": h.where} for h in decision.hits],
        "checked": decision.checked, "rules": len(org.routing),
        "queue": placement.queue, "team": team.name, "type": placement.custom_type or placement.type.value,
        "category": placement.category, "priority": placement.priority.value,
        "skills": sorted(placement.skills), "strategy": policy.strategy.value, "bypass": bypass,
        "triage": triage_channel(org, team, placement.queue),
        **_choice_params(choice, names, policy.tz),
    }, public=False)
