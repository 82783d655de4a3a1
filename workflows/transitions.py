"""The lifecycle as data: (action, from statuses, to status, roles that may do it), per ticket type.

The same table answers "may this person do this now?" for the use cases and "which buttons does
this person see?" for the adapters, so the two can never disagree.
"""

from dataclasses import dataclass

from workflows.actions import Action
from workflows.errors import NotAllowed
from workflows.kinds import TicketType
from workflows.roles import Role
from workflows.status import Status

S = Status
R = Role

LIVE = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.PENDING, S.SUSPENDED})
WORKING = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.PENDING})
PARTICIPANTS = frozenset({R.REQUESTER, R.ASSIGNEE, R.COLLABORATOR, R.MEMBER, R.LEAD, R.ADMIN})
AGENTS = frozenset({R.ASSIGNEE, R.MEMBER, R.LEAD, R.ADMIN})
OWNERS = frozenset({R.ASSIGNEE, R.LEAD, R.ADMIN})
MANAGERS = frozenset({R.LEAD, R.ADMIN})


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    dest: Status | None  # None: the status does not change
    roles: frozenset[Role]


def _t(action: Action, sources, dest: Status | None, roles) -> Transition:
    return Transition(action, frozenset(sources), dest, frozenset(roles))


STANDARD: tuple[Transition, ...] = (
    _t(Action.CLAIM, {S.NEW}, S.IN_PROGRESS, {R.MEMBER, R.LEAD, R.ADMIN}),
    _t(Action.CLAIM, {S.ASSIGNED}, S.IN_PROGRESS, {R.ASSIGNEE}),
    _t(Action.ASSIGN, {S.NEW}, S.ASSIGNED, {R.MEMBER, R.LEAD, R.ADMIN, R.SYSTEM}),  # routing
    _t(Action.ASSIGN, {S.ASSIGNED, S.IN_PROGRESS}, S.ASSIGNED, OWNERS),
    _t(Action.TRANSFER, {S.NEW}, S.ASSIGNED, {R.MEMBER, R.LEAD, R.ADMIN}),
    _t(Action.TRANSFER, WORKING, S.ASSIGNED, OWNERS),
    _t(Action.TRANSFER_TEAM, {S.NEW}, S.NEW, {R.MEMBER, R.LEAD, R.ADMIN}),
    _t(Action.TRANSFER_TEAM, WORKING, S.NEW, OWNERS),
    _t(Action.CC, LIVE | {S.RESOLVED}, None, PARTICIPANTS),
    _t(Action.REPLY, LIVE | {S.RESOLVED}, None, PARTICIPANTS),
    _t(Action.NOTE, LIVE | {S.RESOLVED}, None, AGENTS | {R.COLLABORATOR}),
    _t(Action.PEND, {S.ASSIGNED, S.IN_PROGRESS}, S.PENDING, OWNERS),
    _t(Action.RESUME, {S.PENDING}, S.IN_PROGRESS, OWNERS | {R.REQUESTER}),
    _t(Action.RESUME, {S.SUSPENDED}, S.IN_PROGRESS, MANAGERS),
    _t(Action.PRIORITY, LIVE, None, AGENTS | {R.SYSTEM}),
    _t(Action.RESOLVE, WORKING, S.RESOLVED, OWNERS),
    _t(Action.REOPEN, {S.RESOLVED}, S.IN_PROGRESS, {R.REQUESTER, R.LEAD, R.ADMIN}),
    _t(Action.CLOSE, {S.RESOLVED}, S.CLOSED, {R.REQUESTER, R.LEAD, R.ADMIN, R.SYSTEM}),
    _t(Action.CANCEL, LIVE, S.CANCELLED, {R.REQUESTER, R.LEAD, R.ADMIN}),
    _t(Action.SUSPEND, WORKING, S.SUSPENDED, {R.LEAD, R.ADMIN, R.SYSTEM}),
    _t(Action.URGE, LIVE, None, {R.REQUESTER, R.COLLABORATOR}),
    _t(Action.LINK, LIVE | {S.RESOLVED, S.CLOSED}, None, AGENTS),
    _t(Action.MERGE, LIVE - {S.SUSPENDED}, S.CLOSED, AGENTS),
    _t(Action.RATE, {S.RESOLVED, S.CLOSED}, None, {R.REQUESTER}),
    _t(Action.ESCALATE, {S.NEW, S.ASSIGNED, S.IN_PROGRESS}, S.ASSIGNED, {R.SYSTEM}),
)


def _replace(
    table: tuple[Transition, ...], action: Action, *rows: Transition
) -> tuple[Transition, ...]:
    """The table with `action`'s rows swapped for `rows`, in the same place (buttons keep order)."""
    at = next(i for i, t in enumerate(table) if t.action is action)
    rest = tuple(t for t in table if t.action is not action)
    return rest[:at] + rows + rest[at:]


# A change, once resolved, is reopened only by its approvers; the requester may withdraw it
# only before work starts.
CHANGE_REQUEST = _replace(
    _replace(STANDARD, Action.REOPEN, _t(Action.REOPEN, {S.RESOLVED}, S.IN_PROGRESS, MANAGERS)),
    Action.CANCEL,
    _t(Action.CANCEL, {S.NEW, S.ASSIGNED}, S.CANCELLED, {R.REQUESTER}),
    _t(Action.CANCEL, LIVE, S.CANCELLED, MANAGERS),
)

# Tasks are internal work: whoever did it may close it without waiting for a confirmation.
TASK = _replace(
    STANDARD,
    Action.CLOSE,
    _t(Action.CLOSE, {S.RESOLVED}, S.CLOSED, {R.REQUESTER, R.ASSIGNEE, R.LEAD, R.ADMIN, R.SYSTEM}),
)


# Not in the tables (no button offers it): a ticket that closed itself after its resolution may
# be reopened by its requester within the reopen window, if the workflow lets them reopen it
# while resolved. Ticket.reopen takes it only for such a ticket.
REOPEN_AUTO_CLOSED = _t(Action.REOPEN, {S.CLOSED}, S.IN_PROGRESS, {R.REQUESTER})

# Not in the tables either: a monitoring intake configured to do so resolves the ticket its alert
# opened once the alert resolves (whether or not anyone has it yet), and reopens a resolved one
# when the same alert is still firing. Only the system acts so; no button offers it.
RESOLVE_BY_MONITORING = _t(Action.RESOLVE, LIVE, S.RESOLVED, {R.SYSTEM})
REOPEN_BY_MONITORING = _t(Action.REOPEN, {S.RESOLVED}, S.IN_PROGRESS, {R.SYSTEM})


class Workflow:
    def __init__(self, name: str, transitions: tuple[Transition, ...]) -> None:
        self.name = name
        self.transitions = transitions
        self._allowed: dict[tuple[Status, frozenset[Role]], tuple[Action, ...]] = {}

    def find(self, action: Action, status: Status, roles: frozenset[Role]) -> Transition | None:
        for t in self.transitions:
            if t.action is action and status in t.sources and roles & t.roles:
                return t
        return None

    def check(self, action: Action, status: Status, roles: frozenset[Role]) -> Transition:
        """The transition to take, or NotAllowed saying whether the status or the role is wrong."""
        found = self.find(action, status, roles)
        if found is not None:
            return found
        by_status = [t for t in self.transitions if t.action is action and status in t.sources]
        if not by_status:
            ever = [t for t in self.transitions if t.action is action]
            # An agent can become the assignee (claim, assign): for them it is the status.
            could = roles | ({Role.ASSIGNEE} if roles & {Role.MEMBER, Role.LEAD, Role.ADMIN}
                             else set())
            if could & {r for t in ever for r in t.roles}:
                raise NotAllowed("error.wrong_status", action=action.value, status=status.value)
            # Someone who may never do this hears who may: "only the requester can rate",
            # not "you cannot rate a ticket that is in progress".
            by_status = ever
        granted = {r for t in by_status for r in t.roles} - {Role.SYSTEM}
        allowed = [r.value for r in Role if r in granted]  # the natural order of the roles
        raise NotAllowed("error.wrong_role", action=action.value, roles=allowed)

    def may(self, action: Action, status: Status, roles: frozenset[Role]) -> bool:
        return self.find(action, status, roles) is not None

    def allowed_actions(self, status: Status, roles: frozenset[Role]) -> list[Action]:
        """Actions in table order, once each: what a card shows this person as buttons."""
        known = self._allowed.get((status, roles))
        if known is None:  # the table never changes: each answer is worked out once
            seen: dict[Action, None] = {}
            for t in self.transitions:
                if status in t.sources and roles & t.roles:
                    seen.setdefault(t.action, None)
            known = self._allowed[(status, roles)] = tuple(seen)
        return list(known)


WORKFLOWS: dict[TicketType, Workflow] = {
    TicketType.INCIDENT: Workflow("standard", STANDARD),
    TicketType.SERVICE_REQUEST: Workflow("standard", STANDARD),
    TicketType.CHANGE_REQUEST: Workflow("change", CHANGE_REQUEST),
    TicketType.TASK: Workflow("task", TASK),
}


def workflow_for(ticket_type: TicketType) -> Workflow:
    return WORKFLOWS[ticket_type]
