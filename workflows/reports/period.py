"""Report periods: a calendar month or an ISO week in the organisation's time zone, and the
period before it (the figures are shown beside it)."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_MONTH = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")
_WEEK = re.compile(r"^(?P<y>\d{4})-?w(?P<w>\d{1,2})$", re.I)
# Words naming a period relative to now: (kind, how many periods back).
RELATIVE: dict[str, tuple[str, int]] = {
    "this month": ("month", 0), "month": ("month", 0), "本月": ("month", 0),
    "这个月": ("month", 0), "last month": ("month", 1), "上月": ("month", 1),
    "上个月": ("month", 1), "this week": ("week", 0), "week": ("week", 0), "本周": ("week", 0),
    "这周": ("week", 0), "last week": ("week", 1), "上周": ("week", 1), "上个星期": ("week", 1),
}


@dataclass(frozen=True, slots=True)
class Period:
    kind: str  # "month" | "week"
    first: date  # the first local day
    tz: ZoneInfo

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.first.year:04d}-{self.first.month:02d}"
        year, week, _ = self.first.isocalendar()
        return f"{year:04d}-W{week:02d}"

    @property
    def next_first(self) -> date:
        if self.kind == "week":
            return self.first + timedelta(days=7)
        y, m = divmod(self.first.year * 12 + self.first.month, 12)  # month index + 1
        return date(y, m + 1, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: the first instant of the next period."""
        return datetime.combine(self.next_first, time(0), self.tz).astimezone(UTC)

    def previous(self) -> "Period":
        if self.kind == "week":
            return Period("week", self.first - timedelta(days=7), self.tz)
        before = self.first - timedelta(days=1)
        return Period("month", before.replace(day=1), self.tz)

    def is_future(self, now: datetime) -> bool:
        return self.start > now

    def weeks(self) -> list[tuple[date, datetime, datetime]]:
        """The ISO weeks that overlap the period, clipped to it: (Monday, start, end)."""
        monday = self.first - timedelta(days=self.first.weekday())
        found = []
        while monday < self.next_first:
            begin = max(monday, self.first)
            stop = min(monday + timedelta(days=7), self.next_first)
            found.append((monday, datetime.combine(begin, time(0), self.tz).astimezone(UTC),
                          datetime.combine(stop, time(0), self.tz).astimezone(UTC)))
            monday += timedelta(days=7)
        return found


def report_zone(org_zone: ZoneInfo, default: ZoneInfo) -> ZoneInfo:
    """The zone of every report's months and weeks: the organisation's, or the bot's default
    when the organisation file names none (UTC). The `report` command and the digest share
    it, so the same question gets the same answer."""
    return org_zone if str(org_zone) != "UTC" else default


def containing(kind: str, day: date, tz: ZoneInfo) -> Period:
    if kind == "week":
        return Period("week", day - timedelta(days=day.weekday()), tz)
    return Period("month", day.replace(day=1), tz)


def parse_period(text: str, now: datetime, tz: ZoneInfo) -> Period | None:
    """`2026-11`, `2026-W47`, `this month`, `last week`, 上周, 本月…; None if not a period."""
    words = " ".join(text.lower().split())
    today = now.astimezone(tz).date()
    if words in RELATIVE:
        kind, back = RELATIVE[words]
        period = containing(kind, today, tz)
        for _ in range(back):
            period = period.previous()
        return period
    month = _MONTH.match(words)
    if month and 1 <= int(month["m"]) <= 12:
        return Period("month", date(int(month["y"]), int(month["m"]), 1), tz)
    week = _WEEK.match(words)
    if week:
        try:
            return Period("week", date.fromisocalendar(int(week["y"]), int(week["w"]), 1), tz)
        except ValueError:
            return None
    return None
