"""Every cell of every transition table, checked against a specification written out by hand.

The expectations below are NOT read from `workflows.transitions`: they are the lifecycle rules as
stated in the product brief, so a wrong row in a production table makes a cell here fail.

Notation of the specification: per action, a list of rows `(from statuses, to status, roles)`.
Statuses and roles are space-separated words; `None` as the destination means "status unchanged".
A (status, role) pair matching no row of an action is refused.
"""

from itertools import product

import pytest

from workflows.actions import Action
from workflows.errors import NotAllowed
from workflows.kinds import TicketType
from workflows.roles import Role
from workflows.status import Status
from workflows.transitions import Workflow, workflow_for

Row = tuple[str, str | None, str]

STANDARD_SPEC: dict[str, list[Row]] = {
    "claim": [
        ("new", "in_progress", "member lead admin"),
        ("assigned", "in_progress", "assignee"),
    ],
    "assign": [
        ("new", "assigned", "member lead admin system"),  # system: automatic assignment
        ("assigned in_progress", "assigned", "assignee lead admin"),
    ],
    "transfer": [
        ("new", "assigned", "member lead admin"),
        ("assigned in_progress pending", "assigned", "assignee lead admin"),
    ],
    "transfer_team": [
        ("new", "new", "member lead admin"),
        ("assigned in_progress pending", "new", "assignee lead admin"),
    ],
    "cc": [
        ("new assigned in_progress pending suspended resolved", None,
         "requester assignee collaborator member lead admin"),
    ],
    "reply": [
        ("new assigned in_progress pending suspended resolved", None,
         "requester assignee collaborator member lead admin"),
    ],
    "note": [
        ("new assigned in_progress pending suspended resolved", None,
         "assignee collaborator member lead admin"),
    ],
    "pend": [
        ("assigned in_progress", "pending", "assignee lead admin"),
    ],
    "resume": [
        ("pending", "in_progress", "assignee lead admin requester"),
        ("suspended", "in_progress", "lead admin"),
    ],
    "priority": [
        ("new assigned in_progress pending suspended", None, "assignee member lead admin system"),
    ],
    "resolve": [
        ("assigned in_progress pending", "resolved", "assignee lead admin"),
    ],
    "reopen": [
        ("resolved", "in_progress", "requester lead admin"),
    ],
    "close": [
        ("resolved", "closed", "requester lead admin system"),
    ],
    "cancel": [
        ("new assigned in_progress pending suspended", "cancelled", "requester lead admin"),
    ],
    "suspend": [
        ("assigned in_progress pending", "suspended", "lead admin system"),
    ],
    "urge": [
        ("new assigned in_progress pending suspended", None, "requester collaborator"),
    ],
    "link": [
        ("new assigned in_progress pending suspended resolved closed", None,
         "assignee member lead admin"),
    ],
    "merge": [
        ("new assigned in_progress pending", "closed", "assignee member lead admin"),
    ],
    "rate": [
        ("resolved closed", None, "requester"),
    ],
    # An SLA escalation step hands the ticket to the lead or the person on duty.
    "escalate": [
        ("new assigned in_progress", "assigned", "system"),
    ],
}

# A change is reopened only by its approvers; the requester may withdraw it only before work starts.
CHANGE_REQUEST_SPEC: dict[str, list[Row]] = {
    **STANDARD_SPEC,
    "reopen": [
        ("resolved", "in_progress", "lead admin"),
    ],
    "cancel": [
        ("new assigned", "cancelled", "requester"),
        ("new assigned in_progress pending suspended", "cancelled", "lead admin"),
    ],
}

# Tasks may also be closed by their assignee.
TASK_SPEC: dict[str, list[Row]] = {
    **STANDARD_SPEC,
    "close": [
        ("resolved", "closed", "requester assignee lead admin system"),
    ],
}

SPECS: dict[str, dict[str, list[Row]]] = {
    "incident": STANDARD_SPEC,
    "service_request": STANDARD_SPEC,
    "change_request": CHANGE_REQUEST_SPEC,
    "task": TASK_SPEC,
}

TYPES = ["incident", "service_request", "change_request", "task"]
ACTIONS = [
    "claim", "assign", "transfer", "transfer_team", "cc", "reply", "note", "pend", "resume",
    "priority", "resolve", "reopen", "close", "cancel", "suspend", "urge", "link", "merge",
    "rate", "escalate",
]
STATUSES = ["new", "assigned", "in_progress", "pending", "suspended", "resolved", "closed", "cancelled"]
ROLES = ["requester", "assignee", "collaborator", "member", "lead", "admin", "system"]

REFUSED = "refused"


def expected(ticket_type: str, action: str, status: str, roles: set[str]) -> str | None:
    """The destination the specification gives (None: unchanged), or REFUSED."""
    for sources, dest, who in SPECS[ticket_type][action]:
        if status in sources.split() and roles & set(who.split()):
            return dest
    return REFUSED


def spec_allowed(ticket_type: str, status: str, roles: set[str]) -> set[str]:
    return {a for a in ACTIONS if expected(ticket_type, a, status, roles) != REFUSED}


# -- the specification itself names every type, action, status and role the code knows ------


def test_the_specification_covers_every_enum_member() -> None:
    assert sorted(TYPES) == sorted(t.value for t in TicketType)
    assert sorted(ACTIONS) == sorted(a.value for a in Action)
    assert sorted(STATUSES) == sorted(s.value for s in Status)
    assert sorted(ROLES) == sorted(r.value for r in Role)
    for spec in SPECS.values():
        assert sorted(spec) == sorted(ACTIONS)
        for rows in spec.values():
            for sources, dest, who in rows:
                assert set(sources.split()) <= set(STATUSES)
                assert dest is None or dest in STATUSES
                assert set(who.split()) <= set(ROLES)


# -- every cell ----------------------------------------------------------------------------

CELLS = [
    pytest.param(t, a, s, r, id=f"{t}-{a}-{s}-{r}")
    for t, a, s, r in product(TYPES, ACTIONS, STATUSES, ROLES)
]


@pytest.mark.parametrize(("ticket_type", "action", "status", "role"), CELLS)
def test_cell(ticket_type: str, action: str, status: str, role: str) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    roles = frozenset({Role(role)})
    want = expected(ticket_type, action, status, {role})
    found = workflow.find(Action(action), Status(status), roles)
    if want == REFUSED:
        assert workflow.may(Action(action), Status(status), roles) is False
        assert found is None
    else:
        assert workflow.may(Action(action), Status(status), roles) is True
        assert found is not None
        assert found.dest == (None if want is None else Status(want))


OUTSIDER_CELLS = [
    pytest.param(t, a, s, id=f"{t}-{a}-{s}-outsider")
    for t, a, s in product(TYPES, ACTIONS, STATUSES)
]


@pytest.mark.parametrize(("ticket_type", "action", "status"), OUTSIDER_CELLS)
def test_outsider_with_no_role_is_refused(ticket_type: str, action: str, status: str) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    assert workflow.may(Action(action), Status(status), frozenset()) is False
    assert workflow.find(Action(action), Status(status), frozenset()) is None


@pytest.mark.parametrize("ticket_type", TYPES)
@pytest.mark.parametrize("status", STATUSES)
def test_outsider_sees_no_buttons(ticket_type: str, status: str) -> None:
    assert workflow_for(TicketType(ticket_type)).allowed_actions(Status(status), frozenset()) == []


def test_incident_and_service_request_share_the_standard_rules() -> None:
    incident = workflow_for(TicketType.INCIDENT)
    service = workflow_for(TicketType.SERVICE_REQUEST)
    assert incident.transitions == service.transitions


# -- the terminal statuses ------------------------------------------------------------------


@pytest.mark.parametrize("ticket_type", TYPES)
def test_nothing_is_allowed_from_cancelled(ticket_type: str) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    everyone = frozenset(Role)
    assert workflow.allowed_actions(Status.CANCELLED, everyone) == []


@pytest.mark.parametrize("ticket_type", TYPES)
def test_only_link_and_the_rating_are_allowed_from_closed(ticket_type: str) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    everyone = frozenset(Role)
    assert workflow.allowed_actions(Status.CLOSED, everyone) == [Action.LINK, Action.RATE]


# -- several roles at once: any one role suffices -------------------------------------------


@pytest.mark.parametrize(
    ("ticket_type", "action", "status", "roles", "dest"),
    [
        ("incident", "claim", "assigned", {"requester", "assignee"}, "in_progress"),
        ("incident", "resume", "pending", {"collaborator", "requester"}, "in_progress"),
        ("change_request", "cancel", "in_progress", {"requester", "lead"}, "cancelled"),
        ("change_request", "reopen", "resolved", {"requester", "admin"}, "in_progress"),
        ("task", "close", "resolved", {"collaborator", "assignee"}, "closed"),
    ],
)
def test_one_matching_role_among_several_is_enough(
    ticket_type: str, action: str, status: str, roles: set[str], dest: str
) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    found = workflow.find(Action(action), Status(status), frozenset(Role(r) for r in roles))
    assert found is not None
    assert found.dest is Status(dest)


# -- check: why a refusal -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticket_type", "action", "status"),
    [
        ("incident", "claim", "in_progress"),
        ("incident", "claim", "closed"),
        ("incident", "resolve", "new"),
        ("incident", "reopen", "in_progress"),
        ("incident", "merge", "suspended"),
        ("service_request", "pend", "pending"),
        ("change_request", "cancel", "resolved"),
        ("task", "close", "in_progress"),
        *[("incident", a, "cancelled") for a in ACTIONS],
    ],
)
def test_check_says_wrong_status_when_no_row_has_the_status(
    ticket_type: str, action: str, status: str
) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    with pytest.raises(NotAllowed) as caught:
        workflow.check(Action(action), Status(status), frozenset(Role))
    assert caught.value.message_key == "error.wrong_status"
    assert caught.value.params == {"action": action, "status": status}


@pytest.mark.parametrize(
    ("ticket_type", "action", "status", "role", "allowed"),
    [
        ("incident", "claim", "new", "requester", ["member", "lead", "admin"]),
        ("incident", "claim", "assigned", "member", ["assignee"]),
        ("incident", "close", "resolved", "collaborator", ["requester", "lead", "admin"]),
        ("incident", "priority", "new", "requester", ["assignee", "member", "lead", "admin"]),
        ("incident", "suspend", "in_progress", "assignee", ["lead", "admin"]),
        ("incident", "resume", "pending", "member", ["requester", "assignee", "lead", "admin"]),
        ("incident", "resume", "suspended", "requester", ["lead", "admin"]),
        ("incident", "note", "new", "requester", ["assignee", "collaborator", "member", "lead", "admin"]),
        ("incident", "urge", "new", "member", ["requester", "collaborator"]),
        ("service_request", "reopen", "resolved", "assignee", ["requester", "lead", "admin"]),
        ("change_request", "reopen", "resolved", "requester", ["lead", "admin"]),
        ("change_request", "cancel", "in_progress", "requester", ["lead", "admin"]),
        ("change_request", "cancel", "new", "member", ["requester", "lead", "admin"]),
        ("task", "close", "resolved", "collaborator", ["requester", "assignee", "lead", "admin"]),
        ("task", "suspend", "pending", "member", ["lead", "admin"]),
    ],
)
def test_check_says_wrong_role_and_lists_the_roles_without_system(
    ticket_type: str, action: str, status: str, role: str, allowed: list[str]
) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    with pytest.raises(NotAllowed) as caught:
        workflow.check(Action(action), Status(status), frozenset({Role(role)}))
    assert caught.value.message_key == "error.wrong_role"
    assert caught.value.params["action"] == action
    assert caught.value.params["roles"] == allowed
    assert "system" not in caught.value.params["roles"]


def test_check_says_wrong_role_for_an_outsider() -> None:
    with pytest.raises(NotAllowed) as caught:
        workflow_for(TicketType.INCIDENT).check(Action.REPLY, Status.NEW, frozenset())
    assert caught.value.message_key == "error.wrong_role"
    assert caught.value.params["roles"] == [
        "requester", "assignee", "collaborator", "member", "lead", "admin"
    ]


@pytest.mark.parametrize(
    ("ticket_type", "action", "status", "role", "dest"),
    [
        ("incident", "claim", "new", "member", "in_progress"),
        ("incident", "reply", "resolved", "requester", None),
        ("change_request", "cancel", "assigned", "requester", "cancelled"),
        ("task", "close", "resolved", "assignee", "closed"),
        ("incident", "close", "resolved", "system", "closed"),
    ],
)
def test_check_returns_the_transition_when_allowed(
    ticket_type: str, action: str, status: str, role: str, dest: str | None
) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    roles = frozenset({Role(role)})
    taken = workflow.check(Action(action), Status(status), roles)
    assert taken.action is Action(action)
    assert Status(status) in taken.sources
    assert taken.dest == (None if dest is None else Status(dest))
    assert taken == workflow.find(Action(action), Status(status), roles)


# -- allowed_actions: the card's buttons ------------------------------------------------------

A = Action


@pytest.mark.parametrize(
    ("ticket_type", "status", "roles", "buttons"),
    [
        ("incident", "new", {"requester"}, [A.CC, A.REPLY, A.CANCEL, A.URGE]),
        ("incident", "new", {"member"},
         [A.CLAIM, A.ASSIGN, A.TRANSFER, A.TRANSFER_TEAM, A.CC, A.REPLY, A.NOTE, A.PRIORITY,
          A.LINK, A.MERGE]),
        ("incident", "in_progress", {"lead"},
         [A.ASSIGN, A.TRANSFER, A.TRANSFER_TEAM, A.CC, A.REPLY, A.NOTE, A.PEND, A.PRIORITY,
          A.RESOLVE, A.CANCEL, A.SUSPEND, A.LINK, A.MERGE]),
        ("incident", "new", {"requester", "lead"},
         [A.CLAIM, A.ASSIGN, A.TRANSFER, A.TRANSFER_TEAM, A.CC, A.REPLY, A.NOTE, A.PRIORITY,
          A.CANCEL, A.URGE, A.LINK, A.MERGE]),
        ("incident", "resolved", {"requester"}, [A.CC, A.REPLY, A.REOPEN, A.CLOSE, A.RATE]),
        ("incident", "closed", {"member"}, [A.LINK]),
        ("incident", "closed", {"requester"}, [A.RATE]),
        # Per-type rows (task close, change reopen/cancel) keep the standard button order.
        ("task", "resolved", {"assignee"}, [A.CC, A.REPLY, A.NOTE, A.CLOSE, A.LINK]),
        ("change_request", "resolved", {"requester"}, [A.CC, A.REPLY, A.CLOSE, A.RATE]),
        # Two cancel rows match a lead who is also the requester: the button appears once.
        ("change_request", "new", {"requester", "lead"},
         [A.CLAIM, A.ASSIGN, A.TRANSFER, A.TRANSFER_TEAM, A.CC, A.REPLY, A.NOTE, A.PRIORITY,
          A.CANCEL, A.URGE, A.LINK, A.MERGE]),
    ],
)
def test_allowed_actions_examples(
    ticket_type: str, status: str, roles: set[str], buttons: list[Action]
) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    assert workflow.allowed_actions(Status(status), frozenset(Role(r) for r in roles)) == buttons


ROLE_SETS = [
    *[{r} for r in ROLES],
    {"requester", "assignee"},
    {"requester", "lead"},
    {"requester", "admin"},
    {"assignee", "member"},
    {"collaborator", "member"},
    set(ROLES),
]


@pytest.mark.parametrize("ticket_type", TYPES)
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda rs: "+".join(sorted(rs)))
def test_allowed_actions_are_the_specified_ones_in_table_order_once_each(
    ticket_type: str, status: str, roles: set[str]
) -> None:
    workflow = workflow_for(TicketType(ticket_type))
    role_set = frozenset(Role(r) for r in roles)
    actions = workflow.allowed_actions(Status(status), role_set)
    assert len(actions) == len(set(actions))
    assert {a.value for a in actions} == spec_allowed(ticket_type, status, roles)
    assert actions == sorted(actions, key=lambda a: _first_matching_row(workflow, a, status, role_set))
    for a in actions:
        assert workflow.may(a, Status(status), role_set)


def _first_matching_row(workflow: Workflow, action: Action, status: str, roles: frozenset[Role]) -> int:
    return next(
        i for i, t in enumerate(workflow.transitions)
        if t.action is action and Status(status) in t.sources and roles & t.roles
    )
