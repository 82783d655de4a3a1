"""The routing and assignment parts of the organisation file: rules, rosters, strategies.

Regular expressions, time zones and shift times are checked when the file loads, so a typo is
reported with its file, line and field instead of surfacing as a wrong assignment later.
"""

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from workflows.kinds import TicketType
from workflows.priority import Priority
from workflows.roster import DEFAULT_ANCHOR, Shift
from workflows.routing import Keyword, Match, Outcome, Rule, compile_pattern, fold
from workflows.ticket_types import OwnType, TypeChoice, parse_type

_NAME = r"^[a-z0-9][a-z0-9._-]{0,63}$"
_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def check_zone(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (use a name like Asia/Shanghai)") from None
    return value


def _ticket_type(value: Any) -> Any:
    """A built-in type word as its TicketType; other words stay (an own type's, else a
    problem `cross_check_routing` reports)."""
    if isinstance(value, str) and TicketType.parse(value) is not None:
        return TicketType.parse(value)
    return value


def _type_choice(word: str | None, own: Sequence[OwnType]) -> TypeChoice | None:
    if word is None:
        return None
    if isinstance(word, TicketType):
        return TypeChoice(word)
    return parse_type(word, own)


def _regex(pattern: str) -> str:
    try:
        compile_pattern(pattern)
    except re.error as error:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {error}") from None
    return pattern


def _keyword(word: str) -> str:
    if not word.strip():
        raise ValueError("a keyword cannot be blank")
    return word


class MatchSpec(_Strict):
    keywords: list[Annotated[str, AfterValidator(_keyword)]] = []
    regex: list[Annotated[str, AfterValidator(_regex)]] = []
    channels: list[str] = []
    departments: list[str] = []
    types: list[str] = []  # built-in types, or the organisation's own
    categories: list[str] = []

    @field_validator("types", mode="before")
    @classmethod
    def _aliases(cls, values: Any) -> Any:
        return [_ticket_type(v) for v in values] if isinstance(values, list) else values


class SetSpec(_Strict):
    queue: str | None = None
    team: str | None = None
    type: str | None = None  # a built-in type, or the organisation's own
    category: str | None = None
    priority: Priority | None = None
    skills: list[str] = []

    @field_validator("type", mode="before")
    @classmethod
    def _alias(cls, value: Any) -> Any:
        return _ticket_type(value)

    @model_validator(mode="after")
    def _something(self) -> "SetSpec":
        if not (self.queue or self.team or self.type or self.category or self.priority
                or self.skills):
            raise ValueError("set at least one of queue, team, type, category, priority, skills")
        return self


class RuleSpec(_Strict):
    name: str = Field(pattern=_NAME)
    match: MatchSpec = MatchSpec()
    then: SetSpec = Field(alias="set")


class ShiftSpec(_Strict):
    name: str
    start: str
    end: str
    days: list[str] = list(_DAYS)
    rotation: list[str] = Field(min_length=1)
    rotate_every: str = "1w"
    rotation_start: date = DEFAULT_ANCHOR

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str:
        if isinstance(value, int) and 0 <= value < 24 * 60:
            # YAML 1.1 reads an unquoted 18:00 as the base-60 number 1080.
            return f"{value // 60:02d}:{value % 60:02d}"
        if isinstance(value, str) and _CLOCK.match(value.strip()):
            hours, minutes = value.strip().split(":")
            return f"{int(hours):02d}:{minutes}"
        raise ValueError(f"{value!r} is not a time of day like 09:00")

    @field_validator("days")
    @classmethod
    def _weekdays(cls, days: list[str]) -> list[str]:
        wrong = [d for d in days if str(d).lower()[:3] not in _DAYS]
        if wrong or not days:
            raise ValueError(f"days are mon, tue, wed, thu, fri, sat, sun (got {wrong or days})")
        return days

    @field_validator("rotate_every")
    @classmethod
    def _whole_days(cls, value: str) -> str:
        if _every_days(value) is None:
            raise ValueError(f"{value!r} is not a whole number of days or weeks like 1d or 1w")
        return value


def _every_days(value: str) -> int | None:
    match = re.match(r"^\s*(\d+)\s*([dw])\s*$", str(value))
    if not match or int(match.group(1)) < 1:
        return None
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def build_shift(spec: ShiftSpec) -> Shift:
    return Shift(
        name=spec.name, start=time.fromisoformat(spec.start), end=time.fromisoformat(spec.end),
        rotation=tuple(spec.rotation), days=frozenset(_DAYS[d.lower()[:3]] for d in spec.days),
        every_days=_every_days(spec.rotate_every) or 7, anchor=spec.rotation_start)


def build_rule(spec: RuleSpec, own: Sequence[OwnType] = ()) -> Rule:
    m = spec.match
    chosen = _type_choice(spec.then.type, own)
    match = Match(
        keywords=tuple(Keyword.of(k) for k in m.keywords),
        patterns=tuple(compile_pattern(p) for p in m.regex),
        channels=frozenset(fold(c) for c in m.channels),
        departments=frozenset(fold(d) for d in m.departments),
        types=frozenset(c.id for w in m.types if (c := _type_choice(w, own)) is not None),
        categories=frozenset(fold(c) for c in m.categories),
    )
    s = spec.then
    return Rule(spec.name, match, Outcome(
        queue=s.queue.upper() if s.queue else None, team=s.team,
        type=chosen.type if chosen else None, custom_type=chosen.own if chosen else None,
        category=s.category, priority=s.priority,
        skills=frozenset(k.lower() for k in s.skills)))


def cross_check_routing(rules: list[RuleSpec], team_keys: list[str], queue_keys: list[str],
                        ticket_types: list[TicketType], own: Sequence[OwnType] = ()
                        ) -> list[tuple[tuple[Any, ...], str]]:
    problems: list[tuple[tuple[Any, ...], str]] = []
    names = [r.name for r in rules]
    catch_all: str | None = None
    for i, rule in enumerate(rules):
        where = ("routing", i)
        if names.index(rule.name) != i:
            problems.append(((*where, "name"), f"duplicate rule {rule.name!r}"))
        if catch_all is not None:
            problems.append(((*where, "name"), f"rule {rule.name!r} can never match: rule "
                             f"{catch_all!r} above it matches every ticket"))
        if build_rule(rule, own).match.is_catch_all and catch_all is None:
            catch_all = rule.name
        if rule.then.team is not None and rule.then.team not in team_keys:
            problems.append(((*where, "set", "team"), f"unknown team {rule.then.team!r}"))
        if rule.then.queue is not None and rule.then.queue.upper() not in queue_keys:
            problems.append(((*where, "set", "queue"), f"unknown queue {rule.then.queue!r}"))
        for k, word in enumerate(rule.match.types):
            if _type_choice(word, own) is None:
                problems.append(((*where, "match", "types", k), f"{word!r} is not a ticket type"))
        chosen = _type_choice(rule.then.type, own)
        if rule.then.type is not None and chosen is None:
            problems.append(((*where, "set", "type"), f"{rule.then.type!r} is not a ticket type"))
        elif chosen is not None and chosen.own is None and chosen.type not in ticket_types:
            problems.append(((*where, "set", "type"),
                             f"ticket type {chosen.type.value!r} is not enabled"))
    return problems
