"""The ticket entity. Every method checks the transition table, changes state and records audit."""

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from workflows.actions import Action
from workflows.audit import AuditEntry
from workflows.checklist import CheckItem, open_required
from workflows.errors import Conflict, InvalidInput, NotAllowed
from workflows.fields import BUILT_IN_FIELDS, Form, field_rows
from workflows.fields import changes as field_changes
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Policies
from workflows.people import Person
from workflows.priority import Priority
from workflows.roles import Role, principals_of, roles_of
from workflows.sla_clock import SlaState
from workflows.sla_policy import Clock
from workflows.status import Status
from workflows.ticket_types import Kind, TypeWord
from workflows.transitions import (
    REOPEN_AUTO_CLOSED,
    REOPEN_BY_MONITORING,
    RESOLVE_BY_MONITORING,
    Transition,
    Workflow,
    workflow_for,
)
from workflows.workflow_status import BUILT_IN

MAX_TITLE = 200
MAX_TEXT = 4000
# The resolution of a ticket its requester solved with an article (workflows/knowledge.py).
SELF_SERVED = re.compile(r"KB-\d+")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, with which roles on this ticket, when, and from which platform."""

    person: Person | None  # None for the system
    roles: frozenset[Role]
    now: datetime
    source: Source
    # Who they are beyond roles, for workflows that name them: team:…, person:…, group:…
    principals: frozenset[str] = frozenset()
    channel: str | None = None  # the channel or chat they acted in, if the adapter says

    @property
    def id(self) -> int | None:
        return self.person.id if self.person else None

    @classmethod
    def system(cls, now: datetime) -> "Actor":
        return cls(None, frozenset({Role.SYSTEM}), now, Source.SYSTEM)

    @classmethod
    def of(cls, person: Person, ticket: "Ticket", org: Organisation, now: datetime,
           source: Source, channel: str | None = None) -> "Actor":
        if ticket.workflow is None:
            ticket.workflow = org.workflow_for(ticket.kind)
        others = principals_of(person, org) if ticket.workflow.names_others else frozenset()
        return cls(person, roles_of(person, ticket, org), now, source, others, channel)


@dataclass(frozen=True, slots=True)
class NewComment:
    author_id: int | None
    body: str
    internal: bool
    at: datetime
    source: Source


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str | None) -> str:
    return _CONTROL.sub("", value or "").strip()


def require_text(value: str | None, what: str, limit: int = MAX_TEXT) -> str:
    # Control characters (NUL above all) cannot be stored and mean nothing to a reader.
    text = _CONTROL.sub("", value or "").strip()
    if not text:
        raise InvalidInput("error.text_required", what=what)
    if len(text) > limit:
        raise InvalidInput("error.text_too_long", what=what, limit=limit)
    return text


@dataclass
class Ticket:
    key: str
    queue: str
    number: int
    title: str
    description: str
    type: TicketType
    priority: Priority
    status: Status
    requester: Person
    team: str
    source: Source
    created_at: datetime
    updated_at: datetime
    category: str | None = None
    assignee: Person | None = None
    collaborators: list[Person] = field(default_factory=list)
    response_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    first_response_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    resolution: str | None = None
    pending_reason: str | None = None
    last_urged_at: datetime | None = None
    duplicate_of: str | None = None
    links: list[str] = field(default_factory=list)
    # Where the ticket was raised (a Slack channel and message, a DingTalk group): its card and
    # thread live there.
    origin_channel: str | None = None
    origin_ts: str | None = None
    csat_score: int | None = None  # 1-5, given by the requester once resolved
    skills: tuple[str, ...] = ()  # what whoever takes it should know (from routing)
    sla: SlaState | None = None  # the SLA clocks (workflows.sla settles them with each change)
    checklist: list[CheckItem] = field(default_factory=list)  # a planned work order's steps
    # The workflow's own status when it is not the phase itself (`awaiting_cab` in `pending`).
    workflow_status: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)  # the type's own fields (workflows.fields)
    # The organisation's workflow for this type, attached by whoever knows the organisation
    # (Actor.of, the SLA settle, the answers); None: the built-in one.
    workflow: Workflow | None = field(default=None, compare=False, repr=False)
    asset: str | None = None  # the registered equipment it is about (workflows.assets)
    # An organisation's own type (workflows.ticket_types) behaving like `type`; None: none.
    custom_type: str | None = None
    # Its names ({"en": …, "zh-CN": …}), attached with the workflow by whoever shows it.
    type_names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    # The organisation's form for this type (its fields' labels), attached with the workflow
    # by whoever shows the ticket; None: values are shown under their names.
    form: Form | None = field(default=None, compare=False, repr=False)
    id: int | None = None
    version: int = 0
    # Recorded by the methods below, persisted by the unit of work in the same transaction.
    new_audit: list[AuditEntry] = field(default_factory=list)
    new_comments: list[NewComment] = field(default_factory=list)
    new_links: list[str] = field(default_factory=list)
    # The buttons its creation offered (suggested articles, similar open tickets), for the
    # cards of this request: [{"action", "arg"}] (commands/buttons.py). Not persisted.
    offered: list[dict[str, str]] = field(default_factory=list)

    # -- queries ---------------------------------------------------------------------------
    @property
    def flow(self) -> Workflow:
        return self.workflow or workflow_for(self.type)

    @property
    def kind(self) -> str:
        """The type its workflow, form and routing go by: its own type, else the built-in."""
        return Kind(self.custom_type, self.type) if self.custom_type else self.type.value

    @property
    def type_word(self) -> str:
        """What cards say for the type: an own type with its names, else the built-in id."""
        return TypeWord(self.custom_type, self.type_names) if self.custom_type else self.type

    @property
    def status_id(self) -> str:
        """Where the ticket stands in its workflow: its own status, else its phase's."""
        if self.workflow_status is None and self.workflow is None:
            return self.status  # the built-in workflow has every phase
        return self.flow.here(self.workflow_status or self.status.value, self.status)

    def field_rows(self, card_only: bool = False) -> list[dict[str, Any]]:
        """The values of the type's own fields to show: `{name, labels, value}` (text)."""
        return field_rows(self.form, self.fields, card_only)

    @property
    def status_word(self) -> str:
        """What lists, cards and `show` say for the status (the workflow's names, if any)."""
        return self.flow.word(self.status_id)

    def allowed_actions(self, roles: frozenset[Role],
                        principals: frozenset[str] = frozenset()) -> list[Action]:
        return self.flow.allowed_actions(self.status_id, roles, principals)

    def late_clocks(self, now: datetime) -> list[tuple[Clock, datetime]]:
        """The clocks past their due time (`list overdue`): the first response while nobody has
        answered, the resolution while open. Pending tickets wait on someone else: not late."""
        if not self.status.is_open or self.status is Status.PENDING:
            return []
        late = []
        if self.first_response_at is None and self.response_due_at and self.response_due_at < now:
            late.append((Clock.RESPONSE, self.response_due_at))
        if self.resolution_due_at is not None and self.resolution_due_at < now:
            late.append((Clock.RESOLUTION, self.resolution_due_at))
        return late

    def at_risk_clocks(self, now: datetime) -> list[tuple[Clock, datetime]]:
        """The clocks whose first warning has been given and that are not breached yet
        (`list at-risk`). The sweep's stage cursor says a warning was given: storage/tickets.py
        asks the same in SQL."""
        if self.sla is None or not self.status.is_open or self.status is Status.PENDING:
            return []
        risky = []
        for clock, due in ((Clock.RESPONSE, self.response_due_at),
                           (Clock.RESOLUTION, self.resolution_due_at)):
            progress = self.sla.progress(clock)
            answered = clock is Clock.RESPONSE and self.first_response_at is not None
            if (due is not None and due >= now and not answered and progress.stage >= 1
                    and progress.breached_at is None):
                risky.append((clock, due))
        return risky

    # -- plumbing --------------------------------------------------------------------------
    def _check(self, action: Action, actor: Actor) -> Transition:
        row = self.flow.check(action, self.status_id, actor.roles, actor.principals)
        missing = self.fields_needed(row)
        if missing:
            raise InvalidInput("error.transition_needs_fields", key=self.key,
                               action=action.value, fields=missing)
        return row

    def fields_needed(self, row: Transition) -> list[str]:
        """The type's own fields the transition requires and the ticket lacks. A transition's
        `requires` beyond the built-in ones (which the commands themselves ask for) names them:
        they must be set (`set IT-4 name=…`, a form, the guided dialogue) first."""
        wanted = [name for name in row.requires if name not in BUILT_IN_FIELDS]
        return [name for name in wanted if self.fields.get(name) in (None, "", [])]

    def set_fields(self, actor: Actor, values: dict[str, Any]) -> dict[str, list[Any]]:
        """Give the type's own fields new values (anyone on the ticket, while it is open); the
        history says each change."""
        if not actor.roles - {Role.SYSTEM}:
            raise NotAllowed("error.fields_not_allowed", key=self.key)
        if self.status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
            raise Conflict("error.fields_closed", key=self.key, status=self.status.value)
        after = {**self.fields, **values}
        changed = field_changes(self.fields, after)
        if changed:
            self.fields = after
            self.updated_at = actor.now
            self.new_audit.append(AuditEntry(
                action="fields", actor_id=actor.id, at=actor.now, source=actor.source,
                changes=changed))
        return changed

    def _move(self, dest: str) -> None:
        """To a status of the workflow, or to a phase (moves outside the table)."""
        flow = self.flow
        target = dest if dest in flow.statuses else flow.status_in(Status(dest))
        self.status = flow.phase_of(target)
        self.workflow_status = None if target == self.status.value else str(target)

    def _record(self, action: Action | str, actor: Actor, transition: Transition | None = None,
                changes: dict[str, list[Any]] | None = None, reason: str | None = None,
                internal: bool = False) -> None:
        before = self.status
        before_id = self.status_id
        if transition is not None and transition.dest is not None:
            self._move(transition.dest)
        changed_status = self.status is not before
        after_id = self.status_id
        if after_id != before_id and (self.workflow_status or str(before_id) not in BUILT_IN):
            # A workflow's own status: the history says it, the phases stay in from/to.
            changes = {**(changes or {}), "workflow_status": [str(before_id), str(after_id)]}
        self.updated_at = actor.now
        self.new_audit.append(AuditEntry(
            action=str(action),
            actor_id=actor.id,
            at=actor.now,
            source=actor.source,
            from_status=before if changed_status else None,
            to_status=self.status if changed_status else None,
            changes=changes or {},
            reason=reason,
            internal=internal,
            said_in=actor.channel,
        ))

    def _first_response(self, actor: Actor) -> None:
        """Stops the response clock. Called only by what the requester hears from an agent: a
        public reply, or a status change they are told of (claim, pend, resolve, suspend, merge;
        see workflows/audience.py). Routing, assignment and hand-overs are not responses, and
        neither is anything the requester does on their own ticket."""
        agent = actor.roles & {Role.ASSIGNEE, Role.MEMBER, Role.LEAD, Role.ADMIN}
        if self.first_response_at is None and agent and actor.id != self.requester.id:
            self.first_response_at = actor.now

    @staticmethod
    def _label(person: Person | None) -> str | None:
        return person.handle if person else None

    # -- lifecycle -------------------------------------------------------------------------
    def record_creation(self, actor: Actor) -> None:
        start = self.flow.status_in(Status.NEW)  # a workflow may start tickets in its own status
        self.workflow_status = None if start == Status.NEW.value else str(start)
        changes: dict[str, list[Any]] = {"priority": [None, self.priority.value],
                                         "team": [None, self.team]}
        if self.sla is not None:
            changes["sla_policy"] = [None, self.sla.snapshot.policy]
        if self.links:  # a follow-up of an earlier ticket (`new … related:IT-4`)
            changes["links"] = [None, ", ".join(self.links)]
        if self.workflow_status is not None:
            changes["workflow_status"] = [None, self.workflow_status]
        if self.fields:  # the type's own fields, as given or defaulted
            changes.update(field_changes({}, self.fields))
        self.new_audit.append(AuditEntry(
            action="create", actor_id=actor.id, at=actor.now, source=actor.source,
            from_status=None, to_status=self.status, changes=changes,
        ))

    def record_planned(self, now: datetime, schedule: str, due: datetime, late: bool) -> None:
        """Which schedule opened this work order, for which occurrence (and whether late)."""
        self.new_audit.append(AuditEntry(
            action="schedule", actor_id=None, at=now, source=Source.SYSTEM,
            changes={"schedule": [None, schedule], "due": [None, due.isoformat()],
                     "late": [None, late]}))

    def check(self, actor: Actor, number: int) -> CheckItem:
        """Tick item `number` (from 1): agents working the ticket, while it is open."""
        if not actor.roles & {Role.ASSIGNEE, Role.MEMBER, Role.LEAD, Role.ADMIN}:
            raise NotAllowed("error.check_not_allowed", key=self.key)
        if self.status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
            raise Conflict("error.check_closed", key=self.key, status=self.status.value)
        if not 1 <= number <= len(self.checklist):
            raise InvalidInput("error.check_no_item", key=self.key, number=number,
                               count=len(self.checklist))
        item = self.checklist[number - 1]
        if item.done:
            raise Conflict("error.check_done", key=self.key, number=number, by=item.done_by,
                           at=item.done_at)
        label = actor.person.label if actor.person else None
        ticked = CheckItem(item.text, item.required, label, actor.now)
        self.checklist[number - 1] = ticked
        self.updated_at = actor.now
        self.new_audit.append(AuditEntry(
            action="check", actor_id=actor.id, at=actor.now, source=actor.source,
            changes={"item": [None, number], "text": [None, item.text]}))
        return ticked

    def record_routing(self, actor: Actor, changes: dict[str, list[Any]], reason: str) -> None:
        """The routing decision, by the system: what the rule changed and which rule it was."""
        self._record("route", actor, changes=changes, reason=reason)
    def record_system(self, action: str, at: datetime, changes: dict[str, list[Any]],
                      reason: str | None = None, actor_id: int | None = None,
                      source: Source = Source.SYSTEM) -> None:
        """An SLA line of the history (clocks, warnings, escalations): agents only."""
        self.new_audit.append(AuditEntry(action=action, actor_id=actor_id, at=at, source=source,
                                         changes=changes, reason=reason, internal=True))

    def claim(self, actor: Actor) -> None:
        mine = self.assignee is not None and self.assignee.id == actor.id
        if mine and self.status is Status.IN_PROGRESS:
            raise InvalidInput("error.already_yours", key=self.key)
        could_claim = actor.roles & {Role.MEMBER, Role.LEAD, Role.ADMIN}
        if self.assignee is not None and not mine and self.status.is_open and could_claim:
            raise Conflict("error.already_claimed", key=self.key, by=self.assignee.label)
        t = self._check(Action.CLAIM, actor)
        changes: dict[str, list[Any]] = {}
        if not mine:  # accepting a ticket assigned to you changes the status, not the assignee
            changes["assignee"] = [self._label(self.assignee), self._label(actor.person)]
        self.assignee = actor.person
        self._first_response(actor)
        self._record(Action.CLAIM, actor, t, changes)

    def assign(self, actor: Actor, to: Person, org: Organisation, reason: str | None,
               how: str | None = None) -> None:
        """`how`: the strategy's code when the system assigns, kept so every reader's language
        can say why (the English `reason` stays as it was written)."""
        t = self._check(Action.ASSIGN, actor)
        team = org.team(self.team)
        if team is None or not team.has_member(to.handle):
            raise InvalidInput("error.not_in_team", person=to.label, team=self.team)
        self._hand_over(Action.ASSIGN, actor, t, to, reason, how=how)

    def transfer(self, actor: Actor, to: Person, org: Organisation, reason: str | None) -> None:
        t = self._check(Action.TRANSFER, actor)
        why = require_text(reason, "reason")
        if not org.is_agent(to.handle):
            raise InvalidInput("error.not_an_agent", person=to.label)
        team = org.team(self.team)
        new_team = None
        if team is None or not team.has_member(to.handle):
            teams = org.teams_of(to.handle)
            new_team = teams[0].key if teams else None
        self._hand_over(Action.TRANSFER, actor, t, to, why, new_team)

    def _hand_over(self, action: Action, actor: Actor, t: Transition, to: Person,
                   reason: str | None, new_team: str | None = None,
                   how: str | None = None) -> None:
        # Every check before any change: a refused hand-over leaves the ticket as it was.
        if self.assignee is not None and self.assignee.id == to.id:
            raise InvalidInput("error.already_assigned", key=self.key, person=to.label)
        changes: dict[str, list[Any]] = {}
        if new_team is not None and new_team != self.team:
            changes["team"] = [self.team, new_team]
            self.team = new_team
        changes["assignee"] = [self._label(self.assignee), to.handle]
        if how is not None:
            changes["how"] = [None, how]
        self.assignee = to
        self.pending_reason = None
        self._record(action, actor, t, changes, reason=reason)

    def escalate_to(self, actor: Actor, to: Person, reason: str) -> None:
        """An escalation step hands the ticket to the lead or the person on duty."""
        t = self._check(Action.ESCALATE, actor)
        if self.assignee is not None and self.assignee.id == to.id:
            raise InvalidInput("error.already_assigned", key=self.key, person=to.label)
        changes = {"assignee": [self._label(self.assignee), to.handle]}
        self.assignee = to
        self._record(Action.ESCALATE, actor, t, changes, reason=reason)

    def transfer_team(self, actor: Actor, team_key: str, org: Organisation,
                      reason: str | None) -> None:
        t = self._check(Action.TRANSFER_TEAM, actor)
        why = require_text(reason, "reason")
        if org.team(team_key) is None:
            raise InvalidInput("error.unknown_team", team=team_key,
                               teams=", ".join(sorted(org.teams)))
        if team_key == self.team:
            raise InvalidInput("error.same_team", key=self.key, team=team_key)
        changes = {"team": [self.team, team_key], "assignee": [self._label(self.assignee), None]}
        self.team = team_key
        self.assignee = None
        self.pending_reason = None
        self._record(Action.TRANSFER_TEAM, actor, t, changes, reason=why)

    def add_collaborators(self, actor: Actor, people: list[Person]) -> list[Person]:
        t = self._check(Action.CC, actor)
        if not people:
            raise InvalidInput("error.mention_required", action="cc")
        known = {c.id for c in self.collaborators}
        added = []
        for p in people:
            if p.id not in known and p.id != self.requester.id:  # the requester is on it already
                known.add(p.id)
                added.append(p)
        if not added:
            raise InvalidInput("error.already_collaborators", key=self.key)
        before = [c.handle for c in self.collaborators]
        self.collaborators.extend(added)
        self._record(Action.CC, actor, t,
                     {"collaborators": [before, [c.handle for c in self.collaborators]]})
        return added

    def reply(self, actor: Actor, text: str) -> None:
        t = self._check(Action.REPLY, actor)
        body = require_text(text, "reply")
        self._first_response(actor)
        self.new_comments.append(NewComment(actor.id, body, False, actor.now, actor.source))
        self._record(Action.REPLY, actor, t)

    def note(self, actor: Actor, text: str) -> None:
        t = self._check(Action.NOTE, actor)
        body = require_text(text, "note")
        self.new_comments.append(NewComment(actor.id, body, True, actor.now, actor.source))
        self._record(Action.NOTE, actor, t, internal=True)

    def pend(self, actor: Actor, reason: str | None) -> None:
        t = self._check(Action.PEND, actor)
        why = require_text(reason, "reason")
        self.pending_reason = why
        self._first_response(actor)
        self._record(Action.PEND, actor, t, reason=why)

    def resume(self, actor: Actor, reason: str | None = None) -> None:
        t = self._check(Action.RESUME, actor)
        self.pending_reason = None
        self._record(Action.RESUME, actor, t, reason=(reason or "").strip() or None)

    def record_decision(self, actor: Actor, step: str, approved: bool, dest: str | None,
                        reason: str | None) -> None:
        """An approver's decision on the approval step the ticket is in (workflows/approval.py
        says who may and where it leads); `dest`: where the step's outcome moves it, if it
        ends now."""
        why = None if approved else require_text(reason, "reason")
        handle = actor.person.handle if actor.person is not None else None
        if dest is not None:
            self.pending_reason = None
        self._record("approve" if approved else "reject", actor,
                     None if dest is None else Transition(
                         Action.RESUME, frozenset({step}), dest, frozenset()),
                     changes={"approval": [step, handle]}, reason=why or (reason or None))

    def set_priority(self, actor: Actor, priority: Priority, reason: str | None) -> None:
        """The SLA clocks are re-targeted when the change is settled (workflows.sla)."""
        t = self._check(Action.PRIORITY, actor)
        if priority is self.priority:
            raise InvalidInput("error.same_priority", key=self.key, priority=priority.value)
        changes: dict[str, list[Any]] = {"priority": [self.priority.value, priority.value]}
        self.priority = priority
        self._record(Action.PRIORITY, actor, t, changes, reason=(reason or "").strip() or None)

    def resolve(self, actor: Actor, resolution: str | None) -> None:
        t = self._check(Action.RESOLVE, actor)
        text = require_text(resolution, "resolution")
        still_open = open_required(self.checklist)
        if still_open:
            raise Conflict("error.checklist_open", key=self.key, items=still_open)
        self.resolution = text
        self.resolved_at = actor.now
        self.pending_reason = None
        self._first_response(actor)
        self._record(Action.RESOLVE, actor, t, reason=text)

    def record_self_service(self, actor: Actor, article_key: str) -> None:
        """Resolved by its requester with an article (workflows/knowledge.py checks who and
        when): a resolution line naming the article, which reports count as deflected."""
        before = self.status
        self._move(Status.RESOLVED)
        self.updated_at = actor.now
        self.new_audit.append(AuditEntry(
            action=str(Action.RESOLVE), actor_id=actor.id, at=actor.now, source=actor.source,
            from_status=before, to_status=self.status,
            changes={"kb": [None, article_key], "self_service": [None, True]},
            reason=article_key,
        ))

    def reopen(self, actor: Actor, policies: Policies, reason: str | None,
               auto_closed: bool = False) -> None:
        """`auto_closed`: the ticket closed itself (nobody confirmed the resolution), so its
        requester may still reopen it within the window, as if it were resolved."""
        window = policies.reopen_window
        late = bool(self.resolved_at) and actor.now - self.resolved_at > window  # type: ignore[operator]
        if self.status is Status.CLOSED and auto_closed and Role.REQUESTER in actor.roles and (
                self.flow.may(Action.REOPEN, self.flow.status_in(Status.RESOLVED), actor.roles,
                              actor.principals)):
            if late:
                raise NotAllowed("error.reopen_closed_window", key=self.key, days=window.days,
                                 title=self.title)
            t = REOPEN_AUTO_CLOSED
            self.closed_at = None
        else:
            t = self._check(Action.REOPEN, actor)
            if late and not actor.roles & {Role.LEAD, Role.ADMIN}:
                raise NotAllowed("error.reopen_window", key=self.key, days=window.days,
                                 title=self.title)
        if self.self_served():
            # Its requester closed it with an article, so nobody ever worked on it: reopened, it
            # goes back to whoever had it, or to the queue to be routed and claimed.
            t = replace(t, dest=Status.ASSIGNED if self.assignee else Status.NEW)
        self.resolved_at = None
        self.resolution = None
        self._record(Action.REOPEN, actor, t, reason=(reason or "").strip() or None)

    def self_served(self) -> bool:
        """Resolved by its requester with a knowledge-base article (its resolution names it)."""
        return self.resolution is not None and SELF_SERVED.fullmatch(self.resolution) is not None

    def _by_monitoring(self, t: Transition, actor: Actor) -> Transition:
        if not actor.roles & t.roles or self.status not in t.sources:
            raise NotAllowed("error.wrong_status", action=t.action.value, status=self.status.value)
        return t

    def resolve_by_monitoring(self, actor: Actor, resolution: str) -> None:
        """The alert that opened this ticket has resolved (see RESOLVE_BY_MONITORING)."""
        t = self._by_monitoring(RESOLVE_BY_MONITORING, actor)
        self.resolution = require_text(resolution, "resolution")
        self.resolved_at = actor.now
        self.pending_reason = None
        self._record(Action.RESOLVE, actor, t, reason=self.resolution)

    def reopen_by_monitoring(self, actor: Actor, reason: str) -> None:
        t = self._by_monitoring(REOPEN_BY_MONITORING, actor)
        self.resolved_at = None
        self.resolution = None
        self._record(Action.REOPEN, actor, t, reason=reason)

    def close(self, actor: Actor, reason: str | None = None) -> None:
        t = self._check(Action.CLOSE, actor)
        self.closed_at = actor.now
        self._record(Action.CLOSE, actor, t, reason=(reason or "").strip() or None)

    def auto_close_due(self, now: datetime, after: timedelta) -> bool:
        return self.status is Status.RESOLVED and bool(self.resolved_at) and (
            now - self.resolved_at >= after)  # type: ignore[operator]

    def cancel(self, actor: Actor, reason: str | None) -> None:
        t = self._check(Action.CANCEL, actor)
        self.closed_at = actor.now
        self._record(Action.CANCEL, actor, t, reason=(reason or "").strip() or None)

    def suspend(self, actor: Actor, reason: str | None) -> None:
        t = self._check(Action.SUSPEND, actor)
        why = require_text(reason, "reason")
        self._first_response(actor)
        self._record(Action.SUSPEND, actor, t, reason=why)

    def urge(self, actor: Actor, policies: Policies, text: str | None) -> None:
        t = self._check(Action.URGE, actor)
        interval = policies.urge_interval
        if self.last_urged_at is not None and actor.now - self.last_urged_at < interval:
            wait = self.last_urged_at + interval - actor.now
            minutes = max(1, int(wait.total_seconds() // 60) + (wait.total_seconds() % 60 > 0))
            raise Conflict("error.urge_too_soon", key=self.key, minutes=minutes)
        self.last_urged_at = actor.now
        self._record(Action.URGE, actor, t, reason=(text or "").strip() or None)

    def rate(self, actor: Actor, score: int, comment: str | None) -> None:
        t = self._check(Action.RATE, actor)
        if not 1 <= score <= 5:
            raise InvalidInput("error.bad_rating", score=score)
        changes: dict[str, list[Any]] = {"csat": [self.csat_score, score]}
        self.csat_score = score
        self._record(Action.RATE, actor, t, changes, reason=(comment or "").strip() or None)

    def link(self, actor: Actor, other: "Ticket") -> None:
        t = self._check(Action.LINK, actor)
        if other.key == self.key:
            raise InvalidInput("error.link_self", key=self.key)
        if other.key in self.links:
            raise InvalidInput("error.already_linked", key=self.key, other=other.key)
        self.links.append(other.key)
        self.new_links.append(other.key)
        self._record(Action.LINK, actor, t, {"links": [None, other.key]})

    def merge_into(self, actor: Actor, other: "Ticket") -> None:
        t = self._check(Action.MERGE, actor)
        if other.key == self.key:
            raise InvalidInput("error.link_self", key=self.key)
        if other.status.is_terminal:
            raise InvalidInput("error.merge_into_closed", other=other.key,
                               status=other.status.value)
        self.duplicate_of = other.key
        self.resolution = f"duplicate of {other.key}"
        self.closed_at = actor.now
        self._first_response(actor)
        if other.key not in self.links:
            self.links.append(other.key)
            self.new_links.append(other.key)
        self._record(Action.MERGE, actor, t, {"duplicate_of": [None, other.key]},
                     reason=self.resolution)
