"""Business calendars: when the clock of an SLA runs, and arithmetic in business time.

Working hours are written in the calendar's local wall time; every computation converts each
working span of a local date to UTC instants, so DST days of 23 or 25 hours count what they
really last. Time is always a parameter.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from workflows.holidays import DayKind, HolidaySource

Span = tuple[int, int]  # minutes from local midnight: [start, end), end up to 1440
DAY = 1440
MAX_DAYS = 3700  # a search gives up after ten years without working time
_FULL_DAY: tuple[Span, ...] = ((0, DAY),)
_FULL_WEEK = (_FULL_DAY,) * 7


class CalendarError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    name: str
    tz: ZoneInfo
    week: tuple[tuple[Span, ...], ...]  # Monday first, seven entries
    source: HolidaySource | None = None  # statutory holidays and make-up workdays
    holidays: frozenset[date] = frozenset()  # custom days off
    workdays: frozenset[date] = frozenset()  # custom make-up working days
    workday_hours: tuple[Span, ...] = ()  # hours of a make-up day; default: Monday's

    @classmethod
    def always(cls, name: str = "24x7", tz: ZoneInfo | None = None) -> "BusinessCalendar":
        return cls(name, tz or ZoneInfo("UTC"), (((0, DAY),),) * 7)

    def problems(self) -> list[str]:
        found = []
        if len(self.week) != 7:
            found.append("the week needs seven days")
        for spans in (*self.week, self.workday_hours):
            ordered = sorted(spans)
            if any(not 0 <= a < b <= DAY for a, b in ordered):
                found.append("working hours must run forwards within one day (00:00-24:00)")
                break
            if any(ordered[i][1] > ordered[i + 1][0] for i in range(len(ordered) - 1)):
                found.append("working hours of one day overlap")
                break
        if not any(self.week):
            found.append("no working hours in the week")
        return found

    # -- which local hours a date has ---------------------------------------------------
    def hours_of(self, day: date) -> tuple[Span, ...]:
        if day in self.workdays:
            return self._makeup_hours()
        if day in self.holidays:
            return ()
        kind = self.source.kind(day) if self.source is not None else None
        if kind is DayKind.HOLIDAY:
            return ()
        if kind is DayKind.WORKDAY:
            return self._makeup_hours()
        return self.week[day.weekday()]

    def _makeup_hours(self) -> tuple[Span, ...]:
        return self.workday_hours or self.week[0] or next(s for s in self.week if s)

    def spans(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working spans of a local date as UTC instants, in order."""
        return _spans(self, day)

    def _days_from(self, instant: datetime) -> Iterator[date]:
        day = instant.astimezone(self.tz).date()
        for offset in range(MAX_DAYS):
            yield day + timedelta(days=offset)
        raise CalendarError(f"calendar {self.name}: no working time for {MAX_DAYS} days")

    # -- arithmetic ---------------------------------------------------------------------
    @property
    def always_open(self) -> bool:
        """Every instant is working time (24x7, no day off): business time is real time."""
        return (self.week == _FULL_WEEK and self.source is None and not self.holidays
                and (not self.workdays or self.workday_hours in ((), _FULL_DAY)))

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when `duration` of business time has passed since `start`."""
        remaining = duration
        if remaining <= timedelta(0):
            return start
        start = start.astimezone(UTC)  # aware arithmetic in a local zone would add wall time
        if self.always_open:  # the sweep's hot path for 24x7 clocks: no day-by-day walk
            return start + remaining
        for day in self._days_from(start):
            for a, b in self.spans(day):
                if b <= start:
                    continue
                begin = max(a, start)
                if b - begin >= remaining:
                    return begin + remaining
                remaining -= b - begin
        raise AssertionError("unreachable")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants (zero when end is not after start)."""
        total = timedelta(0)
        if end <= start:
            return total
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if self.always_open:
            return end - start
        last = end.astimezone(self.tz).date()
        for day in self._days_from(start):
            if day > last:
                break
            for a, b in self.spans(day):
                overlap = min(b, end) - max(a, start)
                if overlap > timedelta(0):
                    total += overlap
        return total

    def is_open(self, at: datetime) -> bool:
        at = at.astimezone(UTC)
        return any(a <= at < b for a, b in self.spans(at.astimezone(self.tz).date()))

    def next_open(self, at: datetime) -> datetime:
        """`at` itself during working time, else the start of the next working span."""
        at = at.astimezone(UTC)
        for day in self._days_from(at):
            for a, b in self.spans(day):
                if b > at:
                    return max(a, at)
        raise AssertionError("unreachable")

    # -- units: what "1d" and "1w" of business time mean in this calendar ---------------
    @property
    def day_length(self) -> timedelta:
        """A standard working day: the most common non-empty weekday length (24h for 24x7)."""
        lengths = [sum(b - a for a, b in spans) for spans in self.week if spans]
        return timedelta(minutes=max(set(lengths), key=lambda n: (lengths.count(n), n)))

    @property
    def week_length(self) -> timedelta:
        return timedelta(minutes=sum(b - a for spans in self.week for a, b in spans))


def _resolve(day: date, minute: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local time of a date as (earliest, latest) UTC instant: they differ in a DST fold;
    in a gap the time does not exist and both are the instant the clocks jump."""
    if minute >= DAY:
        day, minute = day + timedelta(days=1), 0
    naive = datetime.combine(day, time(minute // 60, minute % 60))
    first = naive.replace(tzinfo=tz).astimezone(UTC)
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return min(first, second), max(first, second)
    jump = _transition(min(first, second), max(first, second), tz)
    return jump, jump


def _transition(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The instant the UTC offset changes between two instants (whole seconds apart)."""
    offset = before.astimezone(tz).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) // 2
        middle -= timedelta(microseconds=middle.microsecond)
        if middle.astimezone(tz).utcoffset() == offset:
            before = middle
        else:
            after = middle
    return after


def _start(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """A span starts at the first instant the wall clock shows its start."""
    return _resolve(day, minute, tz)[0]


def _end(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """A span ends at the last instant the wall clock shows its end: a window ending inside a
    fold counts the repeated hour (00:30-01:45 on a fall-back night lasts 2 h 15 min). An end
    at the very start of the fold (01:00) was reached before the hour repeats."""
    first, last = _resolve(day, minute, tz)
    if last == first:
        return first
    naive = datetime.combine(day, time(0)) + timedelta(minutes=minute)
    just_before = (last - timedelta(microseconds=1)).astimezone(tz).replace(tzinfo=None)
    return last if just_before < naive else first


@lru_cache(maxsize=65536)
def _spans(calendar: BusinessCalendar, day: date) -> tuple[tuple[datetime, datetime], ...]:
    """Each local span as the real interval it covers; spans that DST makes overlap (one ending
    in the repeated hour, the next starting in it) are merged, so no instant counts twice."""
    found: list[tuple[datetime, datetime]] = []
    for a, b in sorted(calendar.hours_of(day)):
        start, end = _start(day, a, calendar.tz), _end(day, b, calendar.tz)
        if end <= start:  # a span swallowed by a DST gap counts for nothing
            continue
        if found and start < found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], end))
        else:
            found.append((start, end))
    return tuple(found)


def parse_hours(text: str) -> Span:
    """`09:00-12:00` -> (540, 720); `24:00` is allowed as an end."""
    try:
        first, second = (part.strip() for part in text.replace("–", "-").split("-"))
        spans = []
        for part in (first, second):
            hours, minutes = (int(x) for x in part.split(":"))
            if not (0 <= minutes < 60 and 0 <= hours <= 24) or (hours == 24 and minutes):
                raise ValueError
            spans.append(hours * 60 + minutes)
    except ValueError:
        raise CalendarError(f"{text!r} is not a span of hours like 09:00-12:00") from None
    if spans[0] >= spans[1]:
        raise CalendarError(f"{text!r} ends before it starts")
    return spans[0], spans[1]
