"""When a team's weekly digest is due, and which week it covers. Pure: time is a parameter.

A digest is posted at `weekday` `at` in the team's zone. It covers seven days of the zone the
reports use (the organisation's, `report_zone`), so that it answers exactly what `report` asks
for that week in chat: the latest such week, starting on the digest's weekday, that has ended
when the digest is posted (posted on Monday morning: last Monday to Sunday). The period's start
date is its identity: one post per team and period, whichever replica or restart gets there
first.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    channels: dict[str, str] = field(default_factory=dict)  # platform -> channel id
    weekday: int = 0  # Monday is 0
    at: time = time(9, 0)
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    locale: str | None = None  # the digest's language; the bot's default when None


@dataclass(frozen=True, slots=True)
class DigestWeek:
    first: date  # the period's first local day (its identity)
    start: datetime  # local midnight of `first`, in UTC
    end: datetime  # local midnight seven days later (exclusive), in UTC
    post_at: datetime  # when it was due, in UTC

    @property
    def last(self) -> date:
        return self.first + timedelta(days=6)


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    # A wall time inside a spring-forward gap is taken as the instant after the jump (fold=0
    # resolves it forward in zoneinfo); a repeated one as its first occurrence. In UTC, so
    # that differences count real hours (aware datetimes sharing a tzinfo subtract naively).
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def latest_due(schedule: DigestSchedule, now: datetime,
               zone: ZoneInfo | None = None) -> DigestWeek:
    """The most recent posting instant at or before `now`, and the week it covers: seven
    days of `zone` (the reports' zone; the schedule's when None) ended by that instant."""
    today = now.astimezone(schedule.tz).date()
    day = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    post_at = _local(day, schedule.at, schedule.tz)
    if post_at > now:
        day -= timedelta(days=7)
        post_at = _local(day, schedule.at, schedule.tz)
    zone = zone or schedule.tz
    # The posting day in the reports' zone: its midnight has passed when the digest is posted
    # (an earlier zone may still be on the day before, whose week has not ended yet).
    there = post_at.astimezone(zone).date()
    ends = there - timedelta(days=(there.weekday() - schedule.weekday) % 7)
    first = ends - timedelta(days=7)
    return DigestWeek(first, _local(first, time(0), zone), _local(ends, time(0), zone), post_at)

