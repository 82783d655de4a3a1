"""The lifecycle as data: (action, from statuses, to status, who may), per ticket type.

The same table answers "may this person do this now?" for the use cases and "which buttons does
this person see?" for the adapters, so the two can never disagree. The built-in tables are read
from `workflows/default_workflows.py`, written in the organisation file's `workflows:` format;
an organisation's own workflows (`Organisation.workflows`) are built by the same code.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workflows.actions import Action
from workflows.errors import NotAllowed
from workflows.kinds import TicketType
from workflows.roles import Role
from workflows.status import Status
from workflows.workflow_status import BUILT_IN_STATUSES, WorkflowStatus

if TYPE_CHECKING:
    from workflows.approval import ApprovalStep

S = Status
R = Role

LIVE = frozenset({S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.PENDING, S.SUSPENDED})
# Kept for code that builds rows in Python (the tables themselves are data now).
WORKING = frozenset({S.ASSIGNED, S.IN_PROGRESS, S.PENDING})
PARTICIPANTS = frozenset({R.REQUESTER, R.ASSIGNEE, R.COLLABORATOR, R.MEMBER, R.LEAD, R.ADMIN})
AGENTS = frozenset({R.ASSIGNEE, R.MEMBER, R.LEAD, R.ADMIN})
OWNERS = frozenset({R.ASSIGNEE, R.LEAD, R.ADMIN})
MANAGERS = frozenset({R.LEAD, R.ADMIN})


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    sources: frozenset[str]  # status ids (built-in ones are `Status` members)
    dest: str | None  # None: the status does not change
    roles: frozenset[Role]
    # Who else may, beyond roles: "team:<key>", "person:<handle>", "group:<name>".
    principals: frozenset[str] = frozenset()
    requires: tuple[str, ...] = ()  # what the action must be given (reason, resolution, …)

    def allows(self, roles: frozenset[Role], principals: frozenset[str]) -> bool:
        return bool(roles & self.roles or principals & self.principals)


def _t(action: Action, sources, dest: Status | None, roles) -> Transition:
    return Transition(action, frozenset(sources), dest, frozenset(roles))


def _replace(
    table: tuple[Transition, ...], action: Action, *rows: Transition
) -> tuple[Transition, ...]:
    """The table with `action`'s rows swapped for `rows`, in the same place (buttons keep order)."""
    at = next(i for i, t in enumerate(table) if t.action is action)
    rest = tuple(t for t in table if t.action is not action)
    return rest[:at] + rows + rest[at:]


class Workflow:
    def __init__(self, name: str, transitions: tuple[Transition, ...],
                 statuses: dict[str, WorkflowStatus] | None = None,
                 types: tuple[str, ...] = (),  # TicketTypes and own types' ids
                 approvals: "dict[str, ApprovalStep] | None" = None) -> None:
        self.name = name
        # Statuses that are approval steps (docs/workflows.md): left by approvers' decisions.
        self.approvals = dict(approvals or {})
        self.transitions = transitions
        self.statuses = dict(statuses) if statuses is not None else dict(BUILT_IN_STATUSES)
        self.types = types
        # Whether any row names teams, people or groups: if none, who someone is beyond their
        # roles is never needed (Actor.of skips working it out).
        self.names_others = any(t.principals for t in transitions)
        self._allowed: dict[tuple[str, frozenset[Role]], tuple[Action, ...]] = {}

    # -- statuses ----------------------------------------------------------------------------
    def phase_of(self, status: str) -> Status:
        known = self.statuses.get(status)
        return known.phase if known is not None else Status(status)

    def status_in(self, phase: Status) -> str:
        """Where a ticket of this phase stands when only its phase is known (a ticket whose
        status this workflow no longer has, a move by the system outside the table)."""
        if phase.value in self.statuses:
            return self.statuses[phase.value].id
        return next((s.id for s in self.statuses.values() if s.phase is phase), phase)

    def here(self, status: str, phase: Status) -> str:
        """The status to check a ticket against: its own, or its phase's if this workflow has
        lost it (the ticket keeps working after a workflow change)."""
        return status if status in self.statuses else self.status_in(phase)

    def word(self, status: str) -> str:
        known = self.statuses.get(status)
        return known.word if known is not None else str(status)

    # -- may / which ---------------------------------------------------------------------------
    def find(self, action: Action, status: str, roles: frozenset[Role],
             principals: frozenset[str] = frozenset()) -> Transition | None:
        for t in self.transitions:  # inlined `allows`: this runs for every button of every card
            if t.action is action and status in t.sources and (
                    roles & t.roles or (principals and principals & t.principals)):
                return t
        return None

    def check(self, action: Action, status: str, roles: frozenset[Role],
              principals: frozenset[str] = frozenset()) -> Transition:
        """The transition to take, or NotAllowed saying whether the status or the role is wrong."""
        found = self.find(action, status, roles, principals)
        if found is not None:
            return found
        by_status = [t for t in self.transitions if t.action is action and status in t.sources]
        if not by_status:
            ever = [t for t in self.transitions if t.action is action]
            # An agent can become the assignee (claim, assign): for them it is the status.
            could = roles | ({Role.ASSIGNEE} if roles & {Role.MEMBER, Role.LEAD, Role.ADMIN}
                             else set())
            if could & {r for t in ever for r in t.roles} or principals & {
                    p for t in ever for p in t.principals}:
                raise NotAllowed("error.wrong_status", action=action.value,
                                 status=self.word(status))
            # Someone who may never do this hears who may: "only the requester can rate",
            # not "you cannot rate a ticket that is in progress".
            by_status = ever
        granted = {r for t in by_status for r in t.roles} - {Role.SYSTEM}
        allowed = [r.value for r in Role if r in granted]  # the natural order of the roles
        others = sorted({p for t in by_status for p in t.principals})
        if others:
            raise NotAllowed("error.wrong_who", action=action.value, roles=allowed,
                             others=[p.split(":", 1)[1] for p in others])
        raise NotAllowed("error.wrong_role", action=action.value, roles=allowed)

    def may(self, action: Action, status: str, roles: frozenset[Role],
            principals: frozenset[str] = frozenset()) -> bool:
        return self.find(action, status, roles, principals) is not None

    def allowed_actions(self, status: str, roles: frozenset[Role],
                        principals: frozenset[str] = frozenset()) -> list[Action]:
        """Actions in table order, once each: what a card shows this person as buttons."""
        seen: dict[Action, None] = {}
        if not principals:  # the common case: the table never changes, each answer is kept
            known = self._allowed.get((status, roles))
            if known is None:
                for t in self.transitions:
                    if status in t.sources and roles & t.roles:
                        seen.setdefault(t.action, None)
                known = self._allowed[(status, roles)] = tuple(seen)
            return list(known)
        for t in self.transitions:
            if status in t.sources and (roles & t.roles or principals & t.principals):
                seen.setdefault(t.action, None)
        return list(seen)


def _built_in() -> dict[str, Workflow]:
    from workflows.default_workflows import DEFAULT_WORKFLOWS
    from workflows.workflow_spec import build_workflows

    built, problems = build_workflows(DEFAULT_WORKFLOWS)
    assert not problems, problems  # the shipped data is checked by tests/unit/test_workflow_spec.py
    return built


DEFAULTS: dict[str, Workflow] = _built_in()
STANDARD: tuple[Transition, ...] = DEFAULTS["standard"].transitions
CHANGE_REQUEST: tuple[Transition, ...] = DEFAULTS["change"].transitions
TASK: tuple[Transition, ...] = DEFAULTS["task"].transitions


# Not in the tables (no button offers it): a ticket that closed itself after its resolution may
# be reopened by its requester within the reopen window, if the workflow lets them reopen it
# while resolved. Ticket.reopen takes it only for such a ticket. These compare phases.
REOPEN_AUTO_CLOSED = _t(Action.REOPEN, {S.CLOSED}, S.IN_PROGRESS, {R.REQUESTER})

# Not in the tables either: a monitoring intake configured to do so resolves the ticket its alert
# opened once the alert resolves (whether or not anyone has it yet), and reopens a resolved one
# when the same alert is still firing. Only the system acts so; no button offers it.
RESOLVE_BY_MONITORING = _t(Action.RESOLVE, LIVE, S.RESOLVED, {R.SYSTEM})
REOPEN_BY_MONITORING = _t(Action.REOPEN, {S.RESOLVED}, S.IN_PROGRESS, {R.SYSTEM})


WORKFLOWS: dict[TicketType, Workflow] = {
    t: w for w in DEFAULTS.values() for t in w.types
}


def workflow_for(ticket_type: TicketType) -> Workflow:
    """The built-in workflow of a type (an organisation's own: `Organisation.workflow_for`)."""
    return WORKFLOWS[ticket_type]


def by_type(workflows: Iterable[Workflow]) -> dict[str, Workflow]:
    return {t: w for w in workflows for t in w.types}
