"""Who may see a ticket, applied by every use case that reads or acts on one."""

from dataclasses import replace

from commands.answer import Answer
from commands.ports import TicketQuery
from workflows.confidential import may_see as _may_see
from workflows.confidential import shield_for, ticket_is_confidential
from workflows.errors import NotAllowed, NotFound
from workflows.organisation import Organisation
from workflows.people import Person
from workflows.ticket import Ticket


def check_visible(org: Organisation, person: Person, ticket: Ticket) -> None:
    """Refuse a ticket this person may not see. A confidential ticket refuses with the words an
    unknown key gets, so an outsider cannot tell `HR-3` exists."""
    if _may_see(org, person, ticket):
        return
    if ticket_is_confidential(org, ticket):
        raise NotFound("error.no_ticket", key=ticket.key)
    raise NotAllowed("error.not_visible", key=ticket.key)


def check_not_hidden(org: Organisation, person: Person, ticket: Ticket) -> None:
    """For acting on a ticket (the workflow says who may do what): a confidential ticket is, to
    an outsider, unknown; an ordinary one is left to the workflow's own refusals."""
    if ticket_is_confidential(org, ticket) and not _may_see(org, person, ticket):
        raise NotFound("error.no_ticket", key=ticket.key)


def shielded(query: TicketQuery, org: Organisation, viewer: Person | None) -> TicketQuery:
    """The query, leaving out the confidential tickets this viewer is not inside."""
    return replace(query, shield=shield_for(org, viewer))


def kept_private(answer: Answer, org: Organisation) -> Answer:
    """An answer about a confidential ticket is for the asker alone (Slack: ephemeral,
    DingTalk: 1:1), never for the channel the command came from."""
    key = answer.ticket.key if answer.ticket is not None else answer.params.get("key")
    if not answer.public or not isinstance(key, str) or "-" not in key:
        return answer
    queue = org.queue(key.rsplit("-", 1)[0])
    if (answer.ticket is not None and ticket_is_confidential(org, answer.ticket)) or (
            queue is not None and queue.confidential):
        return replace(answer, public=False)
    return answer
