"""What stops the response clock: a public reply, or a status change the requester is told of, by
an agent who is not the requester. Hand-overs, notes and the system are not responses."""

from collections.abc import Callable

import pytest

from tests.unit.test_ticket import ALICE, BOB, CAROL, DAVE, NOW, ORG, POLICIES, act, make_ticket
from workflows.audience import AUDIENCES, Audience
from workflows.people import Person
from workflows.status import Status
from workflows.ticket import Actor, Ticket

Change = Callable[[Ticket], object]

# Each change a person makes, from a state that allows it, with whether it is a first response.
RESPONSES: dict[str, tuple[Status, Person | None, Change]] = {
    "claim": (Status.NEW, None, lambda t: t.claim(act(BOB, t))),
    "reply": (Status.ASSIGNED, BOB, lambda t: t.reply(act(BOB, t), "Looking at it now")),
    "pend": (Status.IN_PROGRESS, BOB, lambda t: t.pend(act(BOB, t), "which floor?")),
    "resolve": (Status.IN_PROGRESS, BOB, lambda t: t.resolve(act(BOB, t), "cable replaced")),
    "suspend": (Status.IN_PROGRESS, BOB, lambda t: t.suspend(act(DAVE, t), "waiting for budget")),
    "merge": (Status.NEW, None,
              lambda t: t.merge_into(act(BOB, t), make_ticket(key="IT-2", number=2))),
}
NOT_RESPONSES: dict[str, tuple[Status, Person | None, Change]] = {
    "assign by a lead": (Status.NEW, None, lambda t: t.assign(act(DAVE, t), CAROL, ORG, None)),
    "assign by the system": (Status.NEW, None,
                             lambda t: t.assign(Actor.system(NOW), BOB, ORG, "round robin")),
    "transfer": (Status.ASSIGNED, BOB, lambda t: t.transfer(act(BOB, t), CAROL, ORG, "printers")),
    "internal note": (Status.ASSIGNED, BOB, lambda t: t.note(act(BOB, t), "disk 3 degraded")),
    "cc": (Status.ASSIGNED, BOB, lambda t: t.add_collaborators(act(BOB, t), [CAROL])),
    "requester's reply": (Status.NEW, None, lambda t: t.reply(act(ALICE, t), "any news?")),
    "requester's cancel": (Status.NEW, None, lambda t: t.cancel(act(ALICE, t), "fixed itself")),
    "urge": (Status.NEW, None, lambda t: t.urge(act(ALICE, t), POLICIES, "please")),
}


@pytest.mark.parametrize("name", RESPONSES)
def test_a_response_stops_the_clock(name: str) -> None:
    status, assignee, change = RESPONSES[name]
    ticket = make_ticket(status=status, assignee=assignee)
    change(ticket)
    assert ticket.first_response_at == NOW


@pytest.mark.parametrize("name", NOT_RESPONSES)
def test_what_the_requester_is_not_answered_by_leaves_the_clock_running(name: str) -> None:
    status, assignee, change = NOT_RESPONSES[name]
    ticket = make_ticket(status=status, assignee=assignee)
    change(ticket)
    assert ticket.first_response_at is None


@pytest.mark.parametrize("name", RESPONSES)
def test_every_response_is_something_the_requester_hears(name: str) -> None:
    assert Audience.REQUESTER in AUDIENCES[name]


def test_an_agent_replying_on_their_own_ticket_does_not_answer_themselves() -> None:
    ticket = make_ticket(requester=BOB)
    ticket.reply(act(BOB, ticket), "adding the error message")
    assert ticket.first_response_at is None
    ticket.reply(act(CAROL, ticket), "on it")
    assert ticket.first_response_at == NOW
