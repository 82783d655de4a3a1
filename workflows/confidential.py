"""Confidential queues (HR, security): who may see a ticket, and who hears of it.

A ticket is confidential when its queue or its team is marked `confidential: true` in the
organisation file. Such a ticket is seen only by its insiders: the requester, the assignee, the
people added to it and the members and leads of its team. Being an agent of another team, or an
admin, is not enough. To anyone else it does not exist: they get the answer an unknown key gets,
so a refusal never confirms that the key is taken.

Pure: the commands apply it to every read (show, history, list, search, reports, the API, the
knowledge base's hints) and to delivery (no channel ever hears of such a ticket).
"""

from dataclasses import dataclass

from workflows.organisation import Organisation
from workflows.people import Person
from workflows.roles import roles_of
from workflows.ticket import Ticket


def confidential_queues(org: Organisation) -> frozenset[str]:
    return frozenset(q.key for q in org.queues.values() if q.confidential)


def confidential_teams(org: Organisation) -> frozenset[str]:
    return frozenset(t.key for t in org.teams.values() if t.confidential)


def is_confidential(org: Organisation, queue: str, team: str | None) -> bool:
    found = org.queue(queue)
    if found is not None and found.confidential:
        return True
    owner = org.team(team) if team else None
    return owner is not None and owner.confidential


def ticket_is_confidential(org: Organisation, ticket: Ticket) -> bool:
    return is_confidential(org, ticket.queue, ticket.team)


def is_insider(org: Organisation, person: Person, ticket: Ticket) -> bool:
    """The requester, the assignee, a collaborator, or someone on the ticket's team."""
    if person.id is not None and (
            person.id == ticket.requester.id
            or (ticket.assignee is not None and person.id == ticket.assignee.id)
            or any(person.id == c.id for c in ticket.collaborators)):
        return True
    team = org.team(ticket.team)
    return team is not None and team.has_member(person.handle)


def may_see(org: Organisation, person: Person, ticket: Ticket) -> bool:
    """Whether this person may know this ticket exists. An ordinary ticket: agents and anyone
    with a role on it. A confidential one: its insiders only."""
    if ticket_is_confidential(org, ticket):
        return is_insider(org, person, ticket)
    if org.is_agent(person.handle):
        return True
    return bool(roles_of(person, ticket, org))


def insider_handles(org: Organisation, ticket: Ticket) -> tuple[str, ...]:
    """Who hears, by direct message, what a channel would hear of an ordinary ticket: the
    requester, the assignee, the collaborators and the ticket's team, in that order."""
    found = [ticket.requester.handle]
    if ticket.assignee is not None:
        found.append(ticket.assignee.handle)
    found += [c.handle for c in ticket.collaborators]
    team = org.team(ticket.team)
    if team is not None:
        found += [*team.lead_list, *(team.member_order or sorted(team.members))]
    return tuple(dict.fromkeys(found))


@dataclass(frozen=True, slots=True)
class Shield:
    """What a query must leave out for one viewer: tickets of these queues or teams, unless the
    viewer is on the ticket's team, asked for it, has it, or was added to it."""

    queues: frozenset[str]
    teams: frozenset[str]
    viewer_id: int | None
    viewer_teams: frozenset[str]


def shield_for(org: Organisation, viewer: Person | None) -> Shield | None:
    """None when nothing is confidential (the query needs no extra condition)."""
    queues, teams = confidential_queues(org), confidential_teams(org)
    if not queues and not teams:
        return None
    if viewer is None:  # nobody in particular (a webhook, a public export): none of them
        return Shield(queues, teams, None, frozenset())
    return Shield(queues, teams, viewer.id,
                  frozenset(t.key for t in org.teams_of(viewer.handle)))
