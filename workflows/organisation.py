"""The organisation the bot serves: teams, queues, admins and the policies that apply to tickets."""

from dataclasses import dataclass, field
from datetime import timedelta

from workflows.kinds import TicketType
from workflows.priority import Priority


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str
    leads: frozenset[str]
    members: frozenset[str]
    skills: frozenset[str] = frozenset()
    channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id

    def has_member(self, handle: str) -> bool:
        return handle in self.members or handle in self.leads


@dataclass(frozen=True, slots=True)
class Queue:
    """A ticket queue: its key is the id prefix (`IT` gives `IT-42`)."""

    key: str
    name: str
    default_team: str
    triage_channel: str | None = None
    channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id


@dataclass(frozen=True, slots=True)
class Targets:
    """Wall-clock response and resolution targets for one priority."""

    response: timedelta
    resolution: timedelta


DEFAULT_TARGETS: dict[Priority, Targets] = {
    Priority.P1: Targets(timedelta(minutes=15), timedelta(hours=4)),
    Priority.P2: Targets(timedelta(hours=1), timedelta(hours=8)),
    Priority.P3: Targets(timedelta(hours=4), timedelta(days=3)),
    Priority.P4: Targets(timedelta(days=1), timedelta(days=7)),
    Priority.P5: Targets(timedelta(days=3), timedelta(days=30)),
}


@dataclass(frozen=True, slots=True)
class Policies:
    reopen_window: timedelta = timedelta(days=7)
    auto_close_after: timedelta = timedelta(days=3)
    urge_interval: timedelta = timedelta(minutes=30)
    targets: dict[Priority, Targets] = field(default_factory=lambda: dict(DEFAULT_TARGETS))


@dataclass(frozen=True, slots=True)
class Organisation:
    teams: dict[str, Team]
    queues: dict[str, Queue]
    admins: frozenset[str] = frozenset()
    default_queue: str = "IT"
    ticket_types: tuple[TicketType, ...] = tuple(TicketType)
    policies: Policies = field(default_factory=Policies)

    def team(self, key: str) -> Team | None:
        return self.teams.get(key)

    def queue(self, key: str) -> Queue | None:
        return self.queues.get(key.upper())

    def is_agent(self, handle: str) -> bool:
        """Anyone on a team or an admin: may see internal notes and work tickets."""
        return handle in self.admins or any(t.has_member(handle) for t in self.teams.values())

    def teams_of(self, handle: str) -> list[Team]:
        return [t for t in self.teams.values() if t.has_member(handle)]
