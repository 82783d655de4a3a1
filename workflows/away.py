"""Away until a day: people who are away are skipped by automatic assignment.

`away until Monday` means "back at the start of Monday" in the person's time zone: a weekday is
its next occurrence after today (said on a Monday, "Monday" is next week's), `下周一` is Monday
of next week, `3d` is three days from today, and a date is that date.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from workflows.errors import InvalidInput

LONGEST = timedelta(days=366)


class DayKind(StrEnum):
    WEEKDAY = "weekday"  # the next one after today
    NEXT_WEEK = "next_week"  # that weekday of next week (下周一)
    IN_DAYS = "in_days"
    DATE = "date"
    MONTH_DAY = "month_day"  # 12月1日: the next one after today


@dataclass(frozen=True, slots=True)
class Day:
    kind: DayKind
    text: str  # as the person wrote it, for error messages
    weekday: int = 0  # Monday is 0
    days: int = 0  # in_days: how many; month_day: the day of the month
    month: int = 0
    on: date | None = None


def back_at(day: Day, now: datetime, tz: ZoneInfo) -> datetime:
    """The start of that day in `tz`, as an aware UTC datetime. It must be after today."""
    today = now.astimezone(tz).date()
    if day.kind is DayKind.WEEKDAY:
        target = today + timedelta(days=(day.weekday - today.weekday()) % 7 or 7)
    elif day.kind is DayKind.NEXT_WEEK:
        target = today + timedelta(days=7 - today.weekday() + day.weekday)
    elif day.kind is DayKind.IN_DAYS:
        target = today + timedelta(days=day.days)
    elif day.kind is DayKind.MONTH_DAY:
        target = _next_month_day(today, day.month, day.days)
    else:
        assert day.on is not None
        target = day.on
    if target <= today:
        raise InvalidInput("error.away_past", when=day.text)
    if target - today > LONGEST:
        raise InvalidInput("error.away_too_far", when=day.text)
    return datetime.combine(target, time(0), tz).astimezone(UTC)


def _next_month_day(today: date, month: int, day: int) -> date:
    for year in range(today.year, today.year + 5):  # 29 February comes within four years
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate > today:
            return candidate
    raise InvalidInput("error.away_too_far", when=f"{month}-{day}")
