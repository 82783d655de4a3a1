"""Quiet hours: non-urgent messages to a person wait until their quiet time is over."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time  # e.g. 19:00
    end: time  # e.g. 08:00 (the next morning when end < start)
    tz: ZoneInfo

    def until(self, now: datetime) -> datetime | None:
        """When the quiet period containing `now` ends, or None if `now` is not quiet."""
        local = now.astimezone(self.tz)
        today_start = datetime.combine(local.date(), self.start, self.tz)
        today_end = datetime.combine(local.date(), self.end, self.tz)
        if self.start == self.end:
            return None
        if self.start < self.end:  # same-day window, e.g. 12:00-13:30
            return today_end if today_start <= local < today_end else None
        if local >= today_start:  # overnight window, evening part
            return datetime.combine(local.date() + timedelta(days=1), self.end, self.tz)
        if local < today_end:  # overnight window, morning part
            return today_end
        return None
