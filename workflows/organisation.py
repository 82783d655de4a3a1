"""The organisation the bot serves: teams, queues, admins and the policies that apply to tickets."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from workflows.assignment import DEFAULT_WEIGHTS, UTC_ZONE, AssignmentPolicy
from workflows.digest import DigestSchedule
from workflows.kinds import TicketType
from workflows.knowledge_settings import KnowledgeSettings
from workflows.priority import Priority
from workflows.routing import Rule
from workflows.sla_policy import ClockTargets, SlaBook
from workflows.ticket_types import OwnType, TypeChoice, parse_type
from workflows.webhooks import Subscription

if TYPE_CHECKING:  # transitions imports roles, which imports this module
    from workflows.fields import Form
    from workflows.transitions import Workflow


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str
    leads: frozenset[str]
    members: frozenset[str]
    skills: frozenset[str] = frozenset()
    channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id
    assignment: AssignmentPolicy = field(default_factory=AssignmentPolicy)
    triage_channel: str | None = None  # where unassigned tickets wait (console channel name)
    member_order: tuple[str, ...] = ()  # members as declared: the round-robin order
    lead_order: tuple[str, ...] = ()
    # "escalation" / "control" -> platform -> channel id, where SLA escalations are posted
    sla_channels: dict[str, dict[str, str]] = field(default_factory=dict)
    on_duty: tuple[str, ...] = ()  # a weekly rota, by ISO week number
    digest: DigestSchedule | None = None  # the weekly report posted to the leads' channel
    confidential: bool = False  # its tickets are seen by insiders only (workflows.confidential)

    def on_duty_at(self, now: datetime) -> str | None:
        if not self.on_duty:
            return None
        return self.on_duty[now.isocalendar().week % len(self.on_duty)]

    def has_member(self, handle: str) -> bool:
        return handle in self.members or handle in self.leads

    @property
    def takers(self) -> tuple[str, ...]:
        """Who automatic assignment picks from: the members, or the leads of a team of leads."""
        members = self.member_order or tuple(sorted(self.members))
        return members or self.lead_list

    @property
    def lead_list(self) -> tuple[str, ...]:
        return self.lead_order or tuple(sorted(self.leads))


@dataclass(frozen=True, slots=True)
class Queue:
    """A ticket queue: its key is the id prefix (`IT` gives `IT-42`)."""

    key: str
    name: str
    default_team: str
    triage_channel: str | None = None
    channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id
    resume_on_requester_reply: bool = True  # a requester's reply ends their ticket's pending
    confidential: bool = False  # never in a channel; seen by insiders only (HR, security)


# Used when the organisation file declares no SLA policies: wall-clock time (24x7, UTC).
DEFAULT_TARGETS: dict[Priority, ClockTargets] = {
    Priority.P1: ClockTargets(timedelta(minutes=15), timedelta(hours=4)),
    Priority.P2: ClockTargets(timedelta(hours=1), timedelta(hours=8)),
    Priority.P3: ClockTargets(timedelta(hours=4), timedelta(days=3)),
    Priority.P4: ClockTargets(timedelta(days=1), timedelta(days=7)),
    Priority.P5: ClockTargets(timedelta(days=3), timedelta(days=30)),
}


@dataclass(frozen=True, slots=True)
class Policies:
    reopen_window: timedelta = timedelta(days=7)
    auto_close_after: timedelta = timedelta(days=3)
    urge_interval: timedelta = timedelta(minutes=30)
    load_weights: dict[Priority, int] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


@dataclass(frozen=True, slots=True)
class Profile:
    """What the organisation file says about a person beyond their name."""

    department: str | None = None
    skills: frozenset[str] = frozenset()
    tz: ZoneInfo | None = None
    manager: str | None = None  # their manager's handle (an approval step may name them)


@dataclass(frozen=True, slots=True)
class Organisation:
    teams: dict[str, Team]
    queues: dict[str, Queue]
    admins: frozenset[str] = frozenset()
    default_queue: str = "IT"
    ticket_types: tuple[TicketType, ...] = tuple(TicketType)
    policies: Policies = field(default_factory=Policies)
    routing: tuple[Rule, ...] = ()
    profiles: dict[str, Profile] = field(default_factory=dict)  # by handle
    category_skills: dict[str, frozenset[str]] = field(default_factory=dict)
    tz: ZoneInfo = UTC_ZONE
    sla: SlaBook = field(default_factory=lambda: SlaBook.wall_clock(DEFAULT_TARGETS))
    groups: dict[str, frozenset[str]] = field(default_factory=dict)  # requester group -> handles
    knowledge: KnowledgeSettings = field(default_factory=KnowledgeSettings)
    webhooks: tuple[Subscription, ...] = ()  # outgoing webhook subscriptions
    # The organisation file's `workflows:` by ticket type; a type not here has the built-in one.
    workflows: "dict[TicketType, Workflow]" = field(default_factory=dict)
    # Each type's own fields and ticket template (workflows.fields); a type not here has none.
    forms: "dict[str, Form]" = field(default_factory=dict)
    # The organisation's own ticket types (a laptop request), each like a built-in one.
    own_types: tuple[OwnType, ...] = ()

    def form_for(self, ticket_type: str) -> "Form":
        """A type's form, by its id (a `TicketType` or an own type's id)."""
        from workflows.fields import NO_FORM

        return self.forms.get(ticket_type, NO_FORM)

    def workflow_for(self, ticket_type: str) -> "Workflow":
        """A type's workflow: the file's, else (for an own type, its built-in type's) the
        built-in one."""
        found = self.workflows.get(ticket_type)
        if found is not None:
            return found
        from workflows.transitions import workflow_for

        own = self.own_type(ticket_type)
        if own is not None:
            return workflow_for(own.like)
        # An own type the file dropped (a Kind knows its ticket's built-in type).
        return workflow_for(getattr(ticket_type, "like", None) or TicketType(ticket_type))

    def own_type(self, type_id: str | None) -> OwnType | None:
        return next((t for t in self.own_types if t.id == type_id), None)

    def parse_type(self, word: str) -> TypeChoice | None:
        """The type a word names: an own type's id, name or alias, or a built-in word."""
        return parse_type(word, self.own_types)

    def type_names(self, type_id: str | None) -> dict[str, str]:
        own = self.own_type(type_id)
        return dict(own.names) if own is not None else {}

    def profile(self, handle: str) -> Profile:
        return self.profiles.get(handle, Profile())

    def team(self, key: str) -> Team | None:
        return self.teams.get(key)

    def queue(self, key: str) -> Queue | None:
        return self.queues.get(key.upper())

    def is_agent(self, handle: str) -> bool:
        """Anyone on a team or an admin: may see internal notes and work tickets."""
        return handle in self.admins or any(t.has_member(handle) for t in self.teams.values())

    def teams_of(self, handle: str) -> list[Team]:
        return [t for t in self.teams.values() if t.has_member(handle)]

    def groups_of(self, handle: str) -> frozenset[str]:
        return frozenset(name for name, members in self.groups.items() if handle in members)
