"""Which business calendars lack holiday data for a year their clocks will reach.

A source that does not know a year (chinese-calendar publishes each year only once the State
Council has) leaves that year to the weekly hours: statutory holidays would count as working days
and make-up workdays as days off. That is never silent: every gap found here is reported by
`config check`, at start-up, in /readyz, as a metric and in `sla explain`.
"""

from dataclasses import dataclass
from datetime import datetime

from workflows.sla_policy import SlaBook

YEARS_AHEAD = 2  # this year and the next: the longest targets (30 days) reach into the next


@dataclass(frozen=True, slots=True)
class HolidayGap:
    calendar: str
    source: str  # the `holidays:` value: china, US-NY, …
    year: int


def holiday_gaps(book: SlaBook, now: datetime, only: str | None = None) -> list[HolidayGap]:
    """Gaps of every calendar with a holiday source (or of calendar `only`), for this year (in the
    calendar's zone) and the next."""
    gaps = []
    for name, calendar in sorted(book.calendars.items()):
        source = calendar.source
        if source is None or (only is not None and name != only):
            continue
        first = now.astimezone(calendar.tz).year
        gaps += [HolidayGap(name, source.name, year)
                 for year in range(first, first + YEARS_AHEAD) if not source.covers(year)]
    return gaps
