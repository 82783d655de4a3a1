"""Load and validate the organisation YAML. Every error names the file, the line and the field."""

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.orgfile_sla import SlaSpec, build_book, sla_problems
from storage.directory import DirectoryEntry
from workflows.kinds import Source, TicketType
from workflows.organisation import DEFAULT_TARGETS, Organisation, Policies, Queue, Team
from workflows.priority import Priority
from workflows.sla_policy import ClockTargets, SlaBook

SAMPLE = Path(__file__).parent / "sample_org.yaml"
_DURATION = re.compile(r"^\s*(\d+)\s*(m|min|h|d|w)\s*$")
_UNITS = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_HANDLE = r"^[a-z0-9][a-z0-9._-]{0,63}$"


def parse_duration(value: str | int) -> timedelta:
    if isinstance(value, int):
        return timedelta(minutes=value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration like 15m, 4h, 3d or 2w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonSpec(_Strict):
    handle: str = Field(pattern=_HANDLE)
    name: str
    slack_id: str | None = None
    dingtalk_id: str | None = None
    department: str | None = None


class TeamSpec(_Strict):
    key: str = Field(pattern=_HANDLE)
    name: str
    leads: list[str] = []
    members: list[str] = []
    skills: list[str] = []
    channels: dict[Source, str] = {}
    on_duty: list[str] = []  # a weekly rota for escalations that reassign to the person on duty
    escalation_channels: dict[Source, str] = {}
    control_channels: dict[Source, str] = {}


class QueueSpec(_Strict):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,15}$")
    name: str
    default_team: str
    triage_channel: str | None = None
    channels: dict[Source, str] = {}


class TargetSpec(_Strict):
    response: str
    resolution: str

    @field_validator("response", "resolution")
    @classmethod
    def _duration(cls, value: str) -> str:
        parse_duration(value)
        return value


class PolicySpec(_Strict):
    reopen_window_days: int = Field(default=7, ge=0)
    auto_close_days: int = Field(default=3, ge=1)
    urge_interval_minutes: int = Field(default=30, ge=0)
    targets: dict[Priority, TargetSpec] = {}  # wall-clock targets, when there is no `sla:` section


class OrgSpec(_Strict):
    default_queue: str
    admins: list[str] = []
    people: list[PersonSpec]
    teams: list[TeamSpec]
    queues: list[QueueSpec] = Field(min_length=1)
    ticket_types: list[TicketType] = list(TicketType)
    policies: PolicySpec = PolicySpec()
    groups: dict[str, list[str]] = {}  # requester groups for SLA policies (departments count too)
    sla: SlaSpec | None = None


class OrgFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class LoadedOrg:
    org: Organisation
    directory: list[DirectoryEntry]
    path: Path


def _lines(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map every path in the document (('teams', 1, 'leads', 0)) to its 1-based line."""
    found = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            found.update(_lines(value_node, (*path, key_node.value)))
            found.setdefault((*path, key_node.value), key_node.start_mark.line + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found.update(_lines(item, (*path, index)))
    return found


def _where(path: Path, lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> str:
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc)
            return f"{path}:{lines[loc[:cut]]}: {field.replace('.[', '[') or '(top)'}"
    return str(path)


def _cross_check(spec: OrgSpec) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    handles = [p.handle for p in spec.people]
    known = set(handles)
    for i, handle in enumerate(handles):
        if handles.index(handle) != i:
            problems.append((("people", i, "handle"), f"duplicate person {handle!r}"))
    for i, admin in enumerate(spec.admins):
        if admin not in known:
            problems.append((("admins", i), f"unknown person {admin!r}"))
    team_keys = [t.key for t in spec.teams]
    for ti, team in enumerate(spec.teams):
        if team_keys.index(team.key) != ti:
            problems.append((("teams", ti, "key"), f"duplicate team {team.key!r}"))
        for role in ("leads", "members", "on_duty"):
            for i, handle in enumerate(getattr(team, role)):
                if handle not in known:
                    problems.append((("teams", ti, role, i), f"unknown person {handle!r}"))
    queue_keys = [q.key for q in spec.queues]
    for qi, queue in enumerate(spec.queues):
        if queue_keys.index(queue.key) != qi:
            problems.append((("queues", qi, "key"), f"duplicate queue {queue.key!r}"))
        if queue.default_team not in team_keys:
            problems.append((("queues", qi, "default_team"),
                             f"unknown team {queue.default_team!r}"))
    if spec.default_queue not in queue_keys:
        problems.append((("default_queue",), f"unknown queue {spec.default_queue!r}"))
    for group, members in spec.groups.items():
        for i, handle in enumerate(members):
            if handle not in known:
                problems.append((("groups", group, i), f"unknown person {handle!r}"))
    if spec.sla is not None:
        if spec.policies.targets:
            problems.append((("policies", "targets"),
                             "targets belong to the policies of the sla section when there is one"))
        problems += sla_problems(spec.sla, set(team_keys), set(queue_keys))
    return problems


def _groups(spec: OrgSpec) -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {name: set(members) for name, members in spec.groups.items()}
    for person in spec.people:
        if person.department:
            groups.setdefault(person.department, set()).add(person.handle)
    return {name: frozenset(members) for name, members in groups.items()}


def _sla(spec: OrgSpec) -> SlaBook:
    if spec.sla is not None:
        return build_book(spec.sla)
    targets = dict(DEFAULT_TARGETS)
    for priority, target in spec.policies.targets.items():
        targets[priority] = ClockTargets(parse_duration(target.response),
                                         parse_duration(target.resolution))
    return SlaBook.wall_clock(targets)


def _team(t: TeamSpec) -> Team:
    sla_channels = {kind: {p.value: c for p, c in channels.items()} for kind, channels in
                    (("escalation", t.escalation_channels), ("control", t.control_channels))
                    if channels}
    return Team(t.key, t.name, frozenset(t.leads), frozenset(t.members), frozenset(t.skills),
                {p.value: c for p, c in t.channels.items()}, sla_channels, tuple(t.on_duty))


def _build(spec: OrgSpec) -> Organisation:
    return Organisation(
        teams={t.key: _team(t) for t in spec.teams},
        queues={q.key: Queue(q.key, q.name, q.default_team, q.triage_channel,
                             {p.value: c for p, c in q.channels.items()})
                for q in spec.queues},
        admins=frozenset(spec.admins),
        default_queue=spec.default_queue,
        ticket_types=tuple(spec.ticket_types),
        policies=Policies(
            reopen_window=timedelta(days=spec.policies.reopen_window_days),
            auto_close_after=timedelta(days=spec.policies.auto_close_days),
            urge_interval=timedelta(minutes=spec.policies.urge_interval_minutes),
        ),
        sla=_sla(spec),
        groups=_groups(spec),
    )


def load_org(path: Path | None = None) -> LoadedOrg:
    path = path or SAMPLE
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise OrgFileError([f"{path}: cannot read: {error.strerror or error}"]) from error
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise OrgFileError([f"{path}{line}: not valid YAML: {error}"]) from error
    if node is None or not isinstance(data, dict):
        raise OrgFileError([f"{path}: expected a mapping with people, teams and queues"])
    lines = _lines(node)
    try:
        spec = OrgSpec.model_validate(data)
    except ValidationError as error:
        raise OrgFileError([f"{_where(path, lines, tuple(e['loc']))}: {e['msg']}"
                            for e in error.errors()]) from error
    problems = _cross_check(spec)
    if problems:
        raise OrgFileError([f"{_where(path, lines, loc)}: {msg}" for loc, msg in problems])
    directory = [DirectoryEntry(p.handle, p.name, p.slack_id, p.dingtalk_id)
                 for p in spec.people]
    return LoadedOrg(_build(spec), directory, path)
