"""Who is on duty: shifts in the team's time zone, each staffed by a rotation of people.

A shift belongs to the day it starts: a night shift 18:00-09:00 that starts on Sunday runs into
Monday morning and is staffed by Sunday's person. The rotation hands over every `every_days`
days, counted from `anchor` (the first day of `rotation[0]`'s turn). Wall-clock times are local,
so a 09:00 start stays 09:00 across daylight-saving changes.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

EVERY_DAY = frozenset(range(7))  # Monday is 0
DEFAULT_ANCHOR = date(2024, 1, 1)  # a Monday


@dataclass(frozen=True, slots=True)
class Shift:
    name: str
    start: time
    end: time  # at or before start: the shift ends the next day (equal: 24 hours)
    rotation: tuple[str, ...]
    days: frozenset[int] = EVERY_DAY  # weekdays the shift starts on
    every_days: int = 7
    anchor: date = DEFAULT_ANCHOR

    def span(self, day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
        end_day = day if self.end > self.start else day + timedelta(days=1)
        return (datetime.combine(day, self.start, tz).astimezone(UTC),
                datetime.combine(end_day, self.end, tz).astimezone(UTC))

    def person_on(self, day: date) -> str:
        turn = (day - self.anchor).days // self.every_days  # floor: days before the anchor work
        return self.rotation[turn % len(self.rotation)]

    @property
    def hours(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class Duty:
    handle: str
    shift: Shift
    until: datetime  # UTC


@dataclass(frozen=True, slots=True)
class Roster:
    shifts: tuple[Shift, ...] = ()

    def on_duty(self, now: datetime, tz: ZoneInfo) -> list[Duty]:
        """Everyone on duty at `now`, in roster order, each once."""
        now = now.astimezone(UTC)
        today = now.astimezone(tz).date()
        found: dict[str, Duty] = {}
        for shift in self.shifts:
            for day in (today - timedelta(days=1), today):
                if day.weekday() not in shift.days:
                    continue
                start, end = shift.span(day, tz)
                if start <= now < end:
                    handle = shift.person_on(day)
                    found.setdefault(handle, Duty(handle, shift, end))
        return list(found.values())

    @property
    def people(self) -> frozenset[str]:
        return frozenset(h for shift in self.shifts for h in shift.rotation)
