"""Automatic assignment inside a use case: read the team's state, let its strategy choose, assign.

Runs in the caller's transaction. The team's cursor row is locked first, so two tickets created
at the same moment on two replicas are assigned one after the other, each seeing the other's
load and turn.
"""

from datetime import datetime

from commands.ports import UnitOfWork
from workflows.assignment import LOAD_STATUSES, P1Bypass, Strategy, TeamState, choose, weighted_load
from workflows.choice import Choice, How
from workflows.organisation import Organisation, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.ticket import Actor, Ticket


def needs_state(team: Team, priority: Priority) -> bool:
    """Manual teams read nothing, unless a P1 may bypass their queue."""
    policy = team.assignment
    return policy.strategy is not Strategy.MANUAL or (
        priority is Priority.P1 and policy.p1_bypass is not P1Bypass.NONE)


async def team_state(uow: UnitOfWork, org: Organisation, team: Team, now: datetime, *,
                     lock: bool) -> TeamState:
    takers = team.takers
    everyone = set(takers) | set(team.leads) | team.assignment.roster.people
    last = await uow.assignment.cursor(team.key, lock=lock)
    work = await uow.assignment.open_work(everyone, LOAD_STATUSES)
    weights = org.policies.load_weights
    return TeamState(
        members=takers, leads=team.lead_list,
        loads={h: weighted_load(counts, weights) for h, counts in work.items()},
        last=last, away=await uow.away.until(everyone, now),
        skills={h: org.profile(h).skills for h in everyone})


async def pick(uow: UnitOfWork, org: Organisation, team: Team, priority: Priority,
               skills: frozenset[str], now: datetime, *, lock: bool) -> Choice:
    if not needs_state(team, priority):
        return Choice(None, How.MANUAL, zone=str(team.assignment.tz))
    state = await team_state(uow, org, team, now, lock=lock)
    return choose(team.assignment, state, priority, skills, now)


async def auto_assign(uow: UnitOfWork, org: Organisation, ticket: Ticket,
                      now: datetime) -> tuple[Choice, Person | None]:
    """Assign a ticket nobody has to whom the team's strategy picks; record why."""
    team = org.team(ticket.team)
    if team is None or ticket.assignee is not None:
        return Choice(None, How.MANUAL), None
    choice = await pick(uow, org, team, ticket.priority, frozenset(ticket.skills), now, lock=True)
    if choice.handle is None:
        return choice, None
    person = await uow.people.by_handle(choice.handle)
    if person is None:  # declared in a newer organisation file than the directory holds
        return Choice(None, How.NO_MEMBERS, zone=choice.zone), None
    ticket.assign(Actor.system(now), person, org, choice.reason(), how=choice.how.value)
    if choice.handle in team.takers:  # a lead taking a P1 does not use up a member's turn
        await uow.assignment.advance(team.key, choice.handle, now)
    return choice, person
