"""Who an actor is relative to one ticket. An actor can hold several roles at once."""

from enum import StrEnum
from typing import TYPE_CHECKING

from workflows.organisation import Organisation
from workflows.people import Person

if TYPE_CHECKING:
    from workflows.ticket import Ticket


class Role(StrEnum):
    REQUESTER = "requester"
    ASSIGNEE = "assignee"
    COLLABORATOR = "collaborator"
    MEMBER = "member"  # of the ticket's team
    LEAD = "lead"  # of the ticket's team
    ADMIN = "admin"
    SYSTEM = "system"  # scheduled jobs: auto-close, SLA escalation


def roles_of(person: Person, ticket: "Ticket", org: Organisation) -> frozenset[Role]:
    roles: set[Role] = set()
    if ticket.requester.id == person.id:
        roles.add(Role.REQUESTER)
    if ticket.assignee is not None and ticket.assignee.id == person.id:
        roles.add(Role.ASSIGNEE)
    if any(c.id == person.id for c in ticket.collaborators):
        roles.add(Role.COLLABORATOR)
    team = org.team(ticket.team)
    if team is not None:
        if person.handle in team.leads:
            roles.add(Role.LEAD)
        if person.handle in team.members:
            roles.add(Role.MEMBER)
    if person.handle in org.admins:
        roles.add(Role.ADMIN)
    return frozenset(roles)


def principals_of(person: Person, org: Organisation) -> frozenset[str]:
    """What a workflow's `who` may name besides roles: the person, their teams, their groups."""
    return frozenset({f"person:{person.handle}",
                      *(f"team:{t.key}" for t in org.teams_of(person.handle)),
                      *(f"group:{g}" for g in org.groups_of(person.handle))})
