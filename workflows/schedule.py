"""Planned and recurring work orders: when a schedule's occurrences fall.

A schedule's rule is an RFC 5545 recurrence (`RRULE`) evaluated by python-dateutil on the
schedule's *local wall time*: 09:00 stays 09:00 across DST. Each local occurrence is then
resolved to one UTC instant: in a fold (the repeated hour) the first one, in a gap (a time that
does not exist) the instant the clocks jump. So a change of offset never doubles or drops an
occurrence.

Business days come from a `BusinessCalendar`: a date is a workday when it has working hours
(holidays have none; China's make-up workdays have some). `off_days` says what happens to an
occurrence on a day off: kept, skipped, moved to the next workday or back to the previous one.
"every workday" is a daily rule that skips days off; "the last workday of the month" is the
month's last day moved back.

The count limit and the pause after N count work orders (after skipping and moving), since
that is what people see. Time is always a parameter.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from workflows.calendar import BusinessCalendar

MAX_SHIFT_DAYS = 60  # a day off moved further than this is skipped instead
SEARCH_YEARS = 12  # a rule with no occurrence in this many years has none


class OffDays(StrEnum):
    KEEP = "keep"  # the calendar is not consulted
    SKIP = "skip"
    NEXT = "next"  # moved to the next workday
    PREVIOUS = "previous"  # moved back to the previous workday


class CatchUp(StrEnum):
    """What a tick does with occurrences missed while no bot ran."""

    ALL = "all"  # each one, marked late
    LATEST = "latest"  # only the most recent, marked late
    NONE = "none"  # none of them


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Recurrence:
    """The rule (RRULE without DTSTART), its start in the zone, and what days off do."""

    rrule: str  # e.g. "FREQ=WEEKLY;BYDAY=MO"
    at: time
    tz: ZoneInfo
    start: date
    off_days: OffDays = OffDays.KEEP
    calendar: BusinessCalendar | None = None
    until: date | None = None  # last date an occurrence may fall on (inclusive)

    def text(self) -> str:
        """The RFC 5545 form stored in the database (DTSTART with its zone, then RRULE)."""
        start = datetime.combine(self.start, self.at).strftime("%Y%m%dT%H%M%S")
        rule = self.rrule
        if self.until is not None and "UNTIL=" not in rule:
            rule += f";UNTIL={self.until.strftime('%Y%m%d')}T235959"
        return f"DTSTART;TZID={self.tz.key}:{start}\nRRULE:{rule}"

    def _local(self, from_day: date) -> Iterator[datetime]:
        """Naive local occurrences of the rule itself, from a date on."""
        rule = _parsed(self.text().split("\n", 1)[1].removeprefix("RRULE:"),
                       datetime.combine(self.start, self.at))
        begin = datetime.combine(max(from_day, self.start), time(0))
        yield from rule.xafter(begin, inc=True)

    def _is_workday(self, day: date) -> bool:
        return self.calendar is None or bool(self.calendar.hours_of(day))

    def _shift(self, day: date) -> date | None:
        if self.off_days is OffDays.KEEP or self._is_workday(day):
            return day
        if self.off_days is OffDays.SKIP:
            return None
        step = timedelta(days=1 if self.off_days is OffDays.NEXT else -1)
        for _ in range(MAX_SHIFT_DAYS):
            day += step
            if self._is_workday(day):
                return day
        return None

    def occurrences(self, after: datetime) -> Iterator[datetime]:
        """UTC instants strictly after `after`, in order, each once."""
        # An occurrence moved forward may come from a rule date well before `after`'s date.
        back = MAX_SHIFT_DAYS if self.off_days is OffDays.NEXT else 1
        first_day = after.astimezone(self.tz).date() - timedelta(days=back)
        seen: set[datetime] = set()
        pending: list[datetime] = []  # moved occurrences may come out of order: hold a few
        horizon = after.astimezone(self.tz).date() + timedelta(days=366 * SEARCH_YEARS)
        for local in self._local(first_day):
            if local.date() > horizon:
                break
            moved = self._shift(local.date())
            if moved is not None:
                instant = resolve(moved, local.time(), self.tz)
                if instant > after and instant not in seen:
                    seen.add(instant)
                    pending.append(instant)
            # Anything earlier than what this rule date could still move to is final.
            floor = resolve(local.date() - timedelta(days=MAX_SHIFT_DAYS
                                                     if self.off_days is OffDays.PREVIOUS else 0),
                            time(0), self.tz)
            pending.sort()
            while pending and pending[0] < floor:
                yield pending.pop(0)
        yield from sorted(pending)


@lru_cache(maxsize=4096)
def _parsed(rule: str, start: datetime) -> rrule:
    """Parsing is most of a rule's cost; the parsed rule is only read (each use iterates anew)."""
    parsed = rrulestr(rule, dtstart=start)
    assert isinstance(parsed, rrule)
    return parsed


def resolve(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A local wall time as one UTC instant: the first of a fold, the jump of a gap."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return min(first, naive.replace(tzinfo=tz, fold=1).astimezone(UTC))
    # In a gap: fold=0 uses the offset before the jump, fold=1 the one after; the jump itself
    # lies between them. Whole minutes are enough: zones jump on minute boundaries.
    low = min(first, naive.replace(tzinfo=tz, fold=1).astimezone(UTC))
    offset = low.astimezone(tz).utcoffset()
    while low.astimezone(tz).utcoffset() == offset:
        low += timedelta(minutes=1)
    return low


@dataclass(frozen=True, slots=True)
class Limits:
    max_count: int | None = None  # no work order after this many
    pause_after: int | None = None  # paused after this many since it was last resumed

    def problems(self) -> list[str]:
        return [f"{name} must be at least 1" for name, value in
                (("count", self.max_count), ("pause after", self.pause_after))
                if value is not None and value < 1]


@dataclass(frozen=True, slots=True)
class Progress:
    """What a schedule has done: the state its next occurrence is computed from."""

    made: int = 0  # work orders created, ever
    since_resume: int = 0
    paused: bool = False
    last: datetime | None = None  # the instant of the last occurrence handled (made or not)


@dataclass(frozen=True, slots=True)
class Due:
    at: datetime
    late: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """One tick's decision for one schedule: what to create, what to pass over, what next."""

    create: list[Due] = field(default_factory=list)
    passed_over: int = 0
    progress: Progress = field(default_factory=Progress)
    next_due: datetime | None = None
    found: list[datetime] = field(default_factory=list)  # every occurrence due by now


def next_due(rec: Recurrence, limits: Limits, progress: Progress, after: datetime
             ) -> datetime | None:
    """The next instant a work order is due, or None (finished, or paused)."""
    if progress.paused:
        return None
    if limits.max_count is not None and progress.made >= limits.max_count:
        return None
    since = progress.last if progress.last is not None and progress.last > after else after
    return next(rec.occurrences(since), None)


def plan(rec: Recurrence, limits: Limits, progress: Progress, due: datetime, now: datetime,
         catch_up: CatchUp, grace: timedelta) -> Plan:
    """Everything due by `now` starting at `due` (the stored next occurrence). An occurrence
    older than `grace` at `now` is late; catch-up says which late ones are still created."""
    found: list[datetime] = []
    instant: datetime | None = due
    while instant is not None and instant <= now:
        found.append(instant)
        if len(found) > 10_000:  # a rule firing every minute for a week: enough
            break
        instant = next(rec.occurrences(instant), None)
    late = [i for i in found if now - i > grace]
    on_time = [i for i in found if now - i <= grace]
    chosen = {CatchUp.ALL: late, CatchUp.LATEST: late[-1:], CatchUp.NONE: []}[catch_up]
    wanted = [Due(i, True) for i in chosen] + [Due(i, False) for i in on_time]
    create: list[Due] = []
    state = progress
    for item in wanted:
        if next_due(rec, limits, state, item.at - timedelta(microseconds=1)) is None:
            break  # the count is reached or the pause came in between
        create.append(item)
        state = _made(limits, state, item.at)
    if found:
        state = replace(state, last=max(found[-1], state.last or found[-1]))
    return Plan(create, len(found) - len(create), state,
                next_due(rec, limits, state, state.last or now), found)


@dataclass(frozen=True, slots=True)
class Step:
    """The first work order of a plan, and where the schedule stands once it is made: a tick
    makes one per transaction, so a crash never loses or repeats one."""

    make: Due | None
    passed_over: int
    progress: Progress
    next_due: datetime | None


def step(rec: Recurrence, limits: Limits, progress: Progress, due: datetime, now: datetime,
         catch_up: CatchUp, grace: timedelta) -> Step:
    whole = plan(rec, limits, progress, due, now, catch_up, grace)
    if not whole.create:
        return Step(None, whole.passed_over, whole.progress, whole.next_due)
    first = whole.create[0]
    made = _made(limits, progress, first.at)
    return Step(first, whole.found.index(first.at), made, next_due(rec, limits, made, first.at))


def _made(limits: Limits, progress: Progress, at: datetime) -> Progress:
    since = progress.since_resume + 1
    paused = limits.pause_after is not None and since >= limits.pause_after
    return Progress(progress.made + 1, since, paused, at)


def resumed(progress: Progress) -> Progress:
    return replace(progress, paused=False, since_resume=0)
