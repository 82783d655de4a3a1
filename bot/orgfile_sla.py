"""The `sla:` section of the organisation file: business calendars and SLA policies.

Durations in business time use the calendar's units: `1d` is one standard working day of the
calendar (7.5 h for 09:00-12:00 + 13:30-18:00; 24 h on a 24x7 calendar), `1w` one working week.
A target of `0` or `none` means the clock is not tracked for that priority.
"""

import re
from datetime import date, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.platforms import Platform
from workflows.calendar import DAY, BusinessCalendar, CalendarError, Span, parse_hours
from workflows.holidays import OfficialNotice, holiday_source, with_notices
from workflows.kinds import TicketType
from workflows.priority import Priority
from workflows.sla_policy import (
    ClockTargets,
    EscalationChain,
    EscalationStep,
    PolicyMatch,
    SlaBook,
    SlaPolicy,
    StepAction,
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_amount(value: str | int | float) -> tuple[float, str]:
    """`15m` -> (15, 'm'); a bare number counts minutes."""
    if isinstance(value, int | float):
        return float(value), "m"
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a duration like 15m, 4h, 3d or 2w")
    unit = {"min": "m"}.get(match.group(2), match.group(2))
    return float(match.group(1)), unit


def to_timedelta(value: str | int | float, calendar: BusinessCalendar | None) -> timedelta:
    """In business time of `calendar` (days and weeks are working days and weeks), or wall time."""
    amount, unit = parse_amount(value)
    if unit == "d":
        return amount * (calendar.day_length if calendar else timedelta(days=1))
    if unit == "w":
        return amount * (calendar.week_length if calendar else timedelta(weeks=1))
    return timedelta(**{{"s": "seconds", "m": "minutes", "h": "hours"}[unit]: amount})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _target(value: Any) -> Any:
    """A target: a duration, or 0/none for a clock that is not tracked."""
    if value is None or str(value).strip().lower() in ("none", "0"):
        return None
    parse_amount(value)
    return value


def _duration(value: Any) -> Any:
    parse_amount(value)
    return value


class OfficialSpec(_Strict):
    """One year's official notice (e.g. the State Council's 国务院办公厅关于…放假安排的通知), for a
    year the holiday package does not know yet: the days off and the make-up working days."""

    holidays: list[date] = Field(min_length=1)
    workdays: list[date] = []


def _notice_problems(year: int, spec: OfficialSpec) -> list[str]:
    problems = [f"{day} is not in {year}" for day in (*spec.holidays, *spec.workdays)
                if day.year != year]
    problems += [f"{day} is both a holiday and a make-up workday"
                 for day in sorted(set(spec.holidays) & set(spec.workdays))]
    return problems


class CalendarSpec(_Strict):
    name: str
    timezone: str = "UTC"
    hours: dict[str, list[str]] | Literal["24x7"] = "24x7"
    holidays: str | None = None  # china | US | US-NY | DE-BY …
    extra_holidays: list[date] = []
    extra_workdays: list[date] = []
    workday_hours: list[str] = []  # hours of a make-up working day; default: Monday's
    # {2027: {holidays: [...], workdays: [...]}}: a year's notice; that year counts as covered
    official: dict[int, OfficialSpec] = {}

    @field_validator("official")
    @classmethod
    def _official(cls, value: dict[int, OfficialSpec]) -> dict[int, OfficialSpec]:
        for year, notice in value.items():
            if not 2000 <= year <= 2100:
                raise ValueError(f"{year} is not a year between 2000 and 2100")
            problems = _notice_problems(year, notice)
            if problems:
                raise ValueError(f"official {year}: " + "; ".join(problems))
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("holidays")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        if value is not None:
            holiday_source(value)
        return value

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for days, spans in value.items():
                _weekdays(days)
                for span in spans:
                    parse_hours(span)
        return value

    def build(self) -> BusinessCalendar:
        week: list[tuple[Span, ...]] = [()] * 7
        if self.hours == "24x7":
            week = [((0, DAY),)] * 7
        else:
            for days, spans in self.hours.items():
                for day in _weekdays(days):
                    week[day] = tuple(sorted(parse_hours(s) for s in spans))
        return BusinessCalendar(
            self.name, ZoneInfo(self.timezone), tuple(week),
            with_notices(holiday_source(self.holidays) if self.holidays else None,
                         {year: OfficialNotice(frozenset(n.holidays), frozenset(n.workdays))
                          for year, n in self.official.items()}),
            frozenset(self.extra_holidays), frozenset(self.extra_workdays),
            tuple(sorted(parse_hours(s) for s in self.workday_hours)))


def _weekdays(text: str) -> list[int]:
    """`mon-fri`, `sat`, `mon,wed,fri` -> weekday numbers (Monday 0)."""
    found: list[int] = []
    for part in text.lower().replace(" ", "").split(","):
        first, _, last = part.partition("-")
        if first not in _DAYS or (last and last not in _DAYS):
            raise ValueError(f"{text!r} is not a day or range like mon-fri")
        a, b = _DAYS.index(first), _DAYS.index(last or first)
        if b < a:
            raise ValueError(f"{text!r} runs backwards")
        found += range(a, b + 1)
    return found


class TargetSpec(_Strict):
    response: str | int | None
    resolution: str | int | None

    @field_validator("response", "resolution")
    @classmethod
    def _check(cls, value: Any) -> Any:
        return _target(value)


class MatchSpec(_Strict):
    queues: list[str] = []
    teams: list[str] = []
    types: list[TicketType] = []
    categories: list[str] = []
    groups: list[str] = []


class StepSpec(_Strict):
    action: StepAction
    after: str | int = "0m"
    clock: Literal["business", "wall"] = "business"
    to: Literal["lead", "on_duty"] = "lead"

    @field_validator("after")
    @classmethod
    def _check(cls, value: Any) -> Any:
        return _duration(value)


class ChainSpec(_Strict):
    steps: list[StepSpec] = [StepSpec(action=StepAction.NOTIFY_LEAD),
                             StepSpec(action=StepAction.POST_CHANNEL)]
    repeat_every: str | int = "30m"
    repeat_clock: Literal["business", "wall"] = "business"
    max_reminders: int = Field(default=5, ge=0, le=100)

    @field_validator("repeat_every")
    @classmethod
    def _check(cls, value: Any) -> Any:
        return _duration(value)


class PolicySpec(_Strict):
    name: str
    match: MatchSpec = MatchSpec()
    calendar: str
    calendars: dict[Priority, str] = {}
    targets: dict[Priority, TargetSpec]
    warnings: list[str | float] = ["50%", "75%"]
    escalation: ChainSpec = ChainSpec()
    escalation_channels: dict[Platform, str] = {}
    control_channels: dict[Platform, str] = {}

    @field_validator("warnings")
    @classmethod
    def _warnings(cls, values: list[str | float]) -> list[str | float]:
        for value in values:
            _fraction(value)
        return values


def _fraction(value: str | float) -> float:
    if isinstance(value, int | float):
        return float(value) if value < 1 else float(value) / 100
    match = _PERCENT.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a percentage like 75%")
    return float(match.group(1)) / 100


class SlaSpec(_Strict):
    default_policy: str
    calendars: list[CalendarSpec] = Field(min_length=1)
    policies: list[PolicySpec] = Field(min_length=1)


def _chain(spec: ChainSpec, calendar: BusinessCalendar) -> EscalationChain:
    steps = tuple(EscalationStep(
        s.action, to_timedelta(s.after, calendar if s.clock == "business" else None),
        s.clock == "business", s.to) for s in spec.steps)
    business = spec.repeat_clock == "business"
    every = to_timedelta(spec.repeat_every, calendar if business else None)
    return EscalationChain(steps, every, business, spec.max_reminders)


def _policy(spec: PolicySpec, calendars: dict[str, BusinessCalendar]) -> SlaPolicy:
    base = calendars.get(spec.calendar) or BusinessCalendar.always()
    targets: dict[Priority, ClockTargets] = {}
    for priority, target in spec.targets.items():
        calendar = calendars.get(spec.calendars.get(priority, spec.calendar), base)
        targets[priority] = ClockTargets(
            *(None if value is None else to_timedelta(value, calendar)
              for value in (target.response, target.resolution)))
    match = spec.match
    return SlaPolicy(
        spec.name, targets, spec.calendar, dict(spec.calendars),
        PolicyMatch(frozenset(q.upper() for q in match.queues), frozenset(match.teams),
                    frozenset(match.types), frozenset(c.lower() for c in match.categories),
                    frozenset(match.groups)),
        tuple(sorted(_fraction(w) for w in spec.warnings)), _chain(spec.escalation, base),
        {kind: {p.value: c for p, c in channels.items()} for kind, channels in
         (("escalation", spec.escalation_channels), ("control", spec.control_channels))
         if channels})


def build_book(spec: SlaSpec) -> SlaBook:
    calendars = {c.name: c.build() for c in spec.calendars}
    return SlaBook(calendars, tuple(_policy(p, calendars) for p in spec.policies),
                   spec.default_policy)


def sla_problems(spec: SlaSpec, teams: set[str], queues: set[str]
                 ) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    names = [c.name for c in spec.calendars]
    for i, name in enumerate(names):
        if names.index(name) != i:
            problems.append((("sla", "calendars", i, "name"), f"duplicate calendar {name!r}"))
    policy_names = [p.name for p in spec.policies]
    if spec.default_policy not in policy_names:
        problems.append((("sla", "default_policy"), f"unknown policy {spec.default_policy!r}"))
    for i, policy in enumerate(spec.policies):
        where = ("sla", "policies", i)
        if policy_names.index(policy.name) != i:
            problems.append(((*where, "name"), f"duplicate policy {policy.name!r}"))
        for key, name in [("calendar", policy.calendar),
                          *((("calendars", p.value), n) for p, n in policy.calendars.items())]:
            if name not in names:
                loc = (*where, *key) if isinstance(key, tuple) else (*where, key)
                problems.append((loc, f"unknown calendar {name!r}"))
        for field, known in (("teams", teams), ("queues", queues)):
            for j, value in enumerate(getattr(policy.match, field)):
                if (value.upper() if field == "queues" else value) not in known:
                    problems.append(((*where, "match", field, j), f"unknown {field[:-1]} {value!r}"))
    if problems:
        return problems
    book = build_book(spec)
    for i, policy in enumerate(book.policies):
        problems += [(("sla", "policies", i), p) for p in policy.problems()]
    for i, calendar in enumerate(book.calendars.values()):
        try:
            problems += [(("sla", "calendars", i), p) for p in calendar.problems()]
        except CalendarError as error:
            problems.append((("sla", "calendars", i), str(error)))
    return problems
