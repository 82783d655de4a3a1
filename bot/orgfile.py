"""Load and validate the organisation YAML. Every error names the file, the line and the field."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from bot.org_routing import RuleSpec, ShiftSpec, build_rule, build_shift, check_zone, cross_check_routing
from bot.orgfile_assets import AssetSpec, check_assets, say_problem
from bot.orgfile_hooks import (
    IntakeConfig,
    IntakeSpec,
    WebhookSpec,
    hook_problems,
    intake_config,
    subscriptions,
    webhook_secrets,
)
from bot.orgfile_schedules import ScheduleSpec, build_schedules
from bot.orgfile_sla import SlaSpec, build_book, sla_problems
from bot.orgfile_types import OwnTypeSpec, offered, own_ids, own_types, type_problems
from bot.orgfile_workflows import (
    WorkflowSpec,
    build_org_forms,
    build_org_workflows,
    workflow_problems,
)
from bot.platforms import DINGTALK, SLACK, Platform
from storage.directory import DirectoryEntry
from workflows.assets import Asset
from workflows.assignment import AssignmentPolicy, P1Bypass, Strategy
from workflows.digest import WEEKDAYS, DigestSchedule
from workflows.kinds import Source, TicketType
from workflows.knowledge_settings import KnowledgeSettings
from workflows.organisation import DEFAULT_TARGETS, Organisation, Policies, Profile, Queue, Team
from workflows.priority import Priority
from workflows.roster import Roster
from workflows.routing import fold
from workflows.sla_policy import ClockTargets, SlaBook
from workflows.work_order import Schedule

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


class IdentitySpec(_Strict):
    """`identities: [{platform: feishu, id: ou_…}]`: an account on a messenger; `workspace`
    (team, corp, app or tenant) only where an id is not unique without it."""

    platform: Platform
    id: str = Field(min_length=1, max_length=128)
    workspace: str = Field(default="", max_length=64)


class PersonSpec(_Strict):
    handle: str = Field(pattern=_HANDLE)
    name: str
    slack_id: str | None = None
    dingtalk_id: str | None = None
    identities: list[IdentitySpec] = []
    department: str | None = None
    skills: list[str] = []
    timezone: str | None = None
    manager: str | None = None  # their manager's handle: approval steps may name `manager`

    _zone = field_validator("timezone")(check_zone)


class DigestSpec(_Strict):
    """`digest: {channel, weekday, time}`: the weekly report, posted in the team's zone. A
    `channel` is Slack's (C…/G…) or DingTalk's (cid…) by its form, or one per platform."""

    channel: str | dict[Platform, str]
    weekday: str = "monday"
    time: str = Field(default="09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    locale: Literal["en", "zh-CN"] | None = None

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, value: str) -> str:
        if value.strip().lower()[:3] not in {d[:3] for d in WEEKDAYS}:
            raise ValueError(f"{value!r} is not a weekday (monday … sunday)")
        return value

    def schedule(self, zone: str) -> DigestSchedule:
        channels = ({p.value: c for p, c in self.channel.items()}
                    if isinstance(self.channel, dict) else {_platform_of(self.channel): self.channel})
        weekday = [d[:3] for d in WEEKDAYS].index(self.weekday.strip().lower()[:3])
        hour, minute = (int(part) for part in self.time.split(":"))
        return DigestSchedule(channels, weekday, dtime(hour, minute), ZoneInfo(zone), self.locale)


def _platform_of(channel: str) -> str:
    if channel.startswith("cid"):
        return DINGTALK.value
    if channel[:1] in ("C", "G", "D") and channel[1:2].isalnum() and channel.isalnum():
        return SLACK.value
    return Source.CONSOLE.value


class TeamSpec(_Strict):
    key: str = Field(pattern=_HANDLE)
    name: str
    leads: list[str] = []
    members: list[str] = []
    skills: list[str] = []
    channels: dict[Platform, str] = {}
    triage_channel: str | None = None
    assignment: Strategy = Strategy.MANUAL
    p1_bypass: P1Bypass = P1Bypass.NONE
    timezone: str | None = None  # the roster's; the organisation's when not given
    roster: list[ShiftSpec] = []

    _zone = field_validator("timezone")(check_zone)
    on_duty: list[str] = []  # a weekly rota for escalations that reassign to the person on duty
    escalation_channels: dict[Platform, str] = {}
    control_channels: dict[Platform, str] = {}
    digest: DigestSpec | None = None
    # Its tickets are seen by insiders only and never posted to a channel.
    confidential: StrictBool = False


class QueueSpec(_Strict):
    key: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,15}$")
    name: str
    default_team: str
    triage_channel: str | None = None
    channels: dict[Platform, str] = {}
    # A requester's reply to a ticket pending on them takes it back to work.
    resume_on_requester_reply: StrictBool = True
    # HR, security: its tickets are seen by insiders only and never posted to a channel.
    confidential: StrictBool = False


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
    load_weights: dict[Priority, int] = {}  # how much an open ticket of each priority weighs

    @field_validator("load_weights")
    @classmethod
    def _positive(cls, weights: dict[Priority, int]) -> dict[Priority, int]:
        if any(w < 0 for w in weights.values()):
            raise ValueError("weights cannot be negative")
        return weights


class KnowledgeSpec(_Strict):
    folder: str | None = None  # Markdown articles, relative to this file
    suggest: StrictBool = True
    similar_days: int = Field(default=30, ge=1)
    duplicate_hours: int = Field(default=24, ge=0)
    similar_score: float = Field(default=0.5, gt=0, le=1)
    duplicate_score: float = Field(default=0.7, gt=0, le=1)


class OrgSpec(_Strict):
    default_queue: str
    admins: list[str] = []
    people: list[PersonSpec]
    teams: list[TeamSpec]
    queues: list[QueueSpec] = Field(min_length=1)
    # Built-in ids offered, and the organisation's own types (bot/orgfile_types.py).
    ticket_types: list[TicketType | OwnTypeSpec] = list(TicketType)
    policies: PolicySpec = PolicySpec()
    timezone: str = "UTC"
    routing: list[RuleSpec] = []
    category_skills: dict[str, list[str]] = {}

    _zone = field_validator("timezone")(check_zone)
    groups: dict[str, list[str]] = {}  # requester groups for SLA policies (departments count too)
    sla: SlaSpec | None = None
    schedules: list[ScheduleSpec] = []  # planned work orders (bot/orgfile_schedules.py)
    assets: list[AssetSpec] = []  # equipment tickets can name (bot/orgfile_assets.py)
    knowledge_base: KnowledgeSpec = KnowledgeSpec()
    webhooks: list[WebhookSpec] = []  # outgoing, signed
    intake: IntakeSpec = IntakeSpec()  # monitoring alerts that become tickets
    workflows: list[WorkflowSpec] = []  # per ticket type; docs/workflows.md


class OrgFileError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class LoadedOrg:
    org: Organisation
    directory: list[DirectoryEntry]
    path: Path
    schedules: tuple[Schedule, ...] = ()
    webhook_secrets: dict[str, str] = field(default_factory=dict)  # by subscription name
    intake: IntakeConfig = field(default_factory=IntakeConfig)
    assets: tuple[Asset, ...] = ()
    floating: frozenset[str] = frozenset()  # schedules whose file gives no `start:`


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


def line_of(path: Path, loc: tuple[Any, ...]) -> str:
    """`file:line: field` for a place in an organisation file that loads (for later reports)."""
    node = yaml.compose(path.read_text(encoding="utf-8"))
    return _where(path, _lines(node), loc) if node is not None else str(path)


def _cross_check(spec: OrgSpec) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    handles = [p.handle for p in spec.people]
    known = set(handles)
    for i, handle in enumerate(handles):
        if handles.index(handle) != i:
            problems.append((("people", i, "handle"), f"duplicate person {handle!r}"))
    accounts: dict[tuple[str, str, str], str] = {}
    for pi, person in enumerate(spec.people):
        for ii, ident in enumerate(person.identities):
            account = (ident.platform.value, ident.workspace, ident.id)
            owner = accounts.setdefault(account, person.handle)
            if owner != person.handle:
                problems.append((("people", pi, "identities", ii),
                                 f"{ident.platform.value} id {ident.id!r} belongs to {owner!r} already"))
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
        problems += _check_assignment(spec, ti, team)
    queue_keys = [q.key for q in spec.queues]
    for qi, queue in enumerate(spec.queues):
        if queue_keys.index(queue.key) != qi:
            problems.append((("queues", qi, "key"), f"duplicate queue {queue.key!r}"))
        if queue.default_team not in team_keys:
            problems.append((("queues", qi, "default_team"),
                             f"unknown team {queue.default_team!r}"))
    if spec.default_queue not in queue_keys:
        problems.append((("default_queue",), f"unknown queue {spec.default_queue!r}"))
    problems += type_problems(spec.ticket_types)
    own = own_types(spec.ticket_types)
    problems += cross_check_routing(spec.routing, team_keys, queue_keys,
                                    offered(spec.ticket_types), own)
    for group, members in spec.groups.items():
        for i, handle in enumerate(members):
            if handle not in known:
                problems.append((("groups", group, i), f"unknown person {handle!r}"))
    for pi, person in enumerate(spec.people):  # approval steps may name a person's manager
        if person.manager is not None and person.manager not in known:
            problems.append((("people", pi, "manager"), f"unknown person {person.manager!r}"))
    if spec.sla is not None:
        if spec.policies.targets:
            problems.append((("policies", "targets"),
                             "targets belong to the policies of the sla section when there is one"))
        problems += sla_problems(spec.sla, set(team_keys), set(queue_keys))
    problems += workflow_problems(spec.workflows, known, set(team_keys), set(_groups(spec)),
                                  offered(spec.ticket_types))
    problems += build_org_workflows(spec.workflows, own_ids(spec.ticket_types))[1]
    problems += build_org_forms(spec.workflows, own_ids(spec.ticket_types))[1]
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



def _check_assignment(spec: OrgSpec, ti: int, team: TeamSpec) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    on_team = set(team.leads) | set(team.members)
    for si, shift in enumerate(team.roster):
        for i, handle in enumerate(shift.rotation):
            if handle not in on_team:
                problems.append((("teams", ti, "roster", si, "rotation", i),
                                 f"{handle!r} is not a lead or member of team {team.key!r}"))
    needs_roster = team.assignment is Strategy.ON_DUTY or team.p1_bypass is P1Bypass.ON_DUTY
    if needs_roster and not team.roster:
        field = "assignment" if team.assignment is Strategy.ON_DUTY else "p1_bypass"
        problems.append((("teams", ti, field), "on_duty needs a roster of shifts for the team"))
    if team.assignment is Strategy.SKILL:
        declared = {p.handle: {s.lower() for s in p.skills} for p in spec.people}
        have = set().union(*(declared.get(h, set()) for h in on_team))
        for ri, rule in enumerate(spec.routing):
            if rule.then.team == team.key:
                for k, skill in enumerate(rule.then.skills):
                    if skill.lower() not in have:
                        problems.append((("routing", ri, "set", "skills", k),
                                         f"no one on team {team.key!r} has skill {skill!r}"))
    return problems


def _team(spec: TeamSpec, org_zone: str) -> Team:
    policy = AssignmentPolicy(spec.assignment, spec.p1_bypass, ZoneInfo(spec.timezone or org_zone),
                              Roster(tuple(build_shift(s) for s in spec.roster)))
    return Team(spec.key, spec.name, frozenset(spec.leads), frozenset(spec.members),
                frozenset(spec.skills), {p.value: c for p, c in spec.channels.items()},
                policy, spec.triage_channel, tuple(dict.fromkeys(spec.members)),
                tuple(dict.fromkeys(spec.leads)), _sla_channels(spec), tuple(spec.on_duty),
                spec.digest.schedule(spec.timezone or org_zone) if spec.digest else None,
                confidential=spec.confidential)


def _sla_channels(t: TeamSpec) -> dict[str, dict[str, str]]:
    return {kind: {p.value: c for p, c in channels.items()} for kind, channels in
            (("escalation", t.escalation_channels), ("control", t.control_channels)) if channels}


def _build(spec: OrgSpec) -> Organisation:
    weights = {**Policies().load_weights, **spec.policies.load_weights}
    return Organisation(
        teams={t.key: _team(t, spec.timezone) for t in spec.teams},
        queues={q.key: Queue(q.key, q.name, q.default_team, q.triage_channel,
                             {p.value: c for p, c in q.channels.items()},
                             q.resume_on_requester_reply, confidential=q.confidential)
                for q in spec.queues},
        admins=frozenset(spec.admins),
        default_queue=spec.default_queue,
        ticket_types=tuple(offered(spec.ticket_types)),
        own_types=own_types(spec.ticket_types),
        policies=Policies(
            reopen_window=timedelta(days=spec.policies.reopen_window_days),
            auto_close_after=timedelta(days=spec.policies.auto_close_days),
            urge_interval=timedelta(minutes=spec.policies.urge_interval_minutes),
            load_weights=weights,
        ),
        routing=tuple(build_rule(r, own_types(spec.ticket_types)) for r in spec.routing),
        profiles={p.handle: Profile(p.department, frozenset(s.lower() for s in p.skills),
                                    ZoneInfo(p.timezone) if p.timezone else None, p.manager)
                  for p in spec.people},
        category_skills={fold(c): frozenset(s.lower() for s in skills)
                         for c, skills in spec.category_skills.items()},
        tz=ZoneInfo(spec.timezone),
        sla=_sla(spec),
        groups=_groups(spec),
        knowledge=KnowledgeSettings(
            folder=spec.knowledge_base.folder, suggest=spec.knowledge_base.suggest,
            similar_within=timedelta(days=spec.knowledge_base.similar_days),
            duplicate_within=timedelta(hours=spec.knowledge_base.duplicate_hours),
            similar_score=spec.knowledge_base.similar_score,
            duplicate_score=spec.knowledge_base.duplicate_score),
        webhooks=subscriptions(spec.webhooks),
        workflows=build_org_workflows(spec.workflows, own_ids(spec.ticket_types))[0],
        forms=build_org_forms(spec.workflows, own_ids(spec.ticket_types))[0],
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
    problems = _cross_check(spec) + hook_problems(spec.webhooks, spec.intake)
    if problems:
        raise OrgFileError([f"{_where(path, lines, loc)}: {msg}" for loc, msg in problems])
    directory = [DirectoryEntry(p.handle, p.name, p.slack_id, p.dingtalk_id, tuple(
                     (i.platform.value, i.workspace, i.id) for i in p.identities))
                 for p in spec.people]
    org = _build(spec)
    # Read against the built organisation (teams, calendars); a start in the past is allowed.
    schedules, wrong = build_schedules(spec.schedules, org, datetime.now(UTC))
    if wrong:
        raise OrgFileError([f"{_where(path, lines, loc)}: {msg}" for loc, msg in wrong])
    assets, bad = check_assets([a.model_dump() for a in spec.assets],
                               frozenset(p.handle for p in spec.people))
    if bad:
        raise OrgFileError([f"{_where(path, lines, ('assets', i))}: {say_problem(code, value)}"
                            for i, code, value in bad])
    floating = frozenset(s.name for s in spec.schedules if not s.start)
    return LoadedOrg(org, directory, path, tuple(schedules), webhook_secrets(spec.webhooks),
                     intake_config(spec.intake), tuple(assets), floating)
