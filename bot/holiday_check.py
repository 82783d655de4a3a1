"""Missing holiday data, said out loud: the warning lines `config check` prints and `serve` logs,
the /readyz details and the `ticketbot_holiday_data_missing` gauge. Never a failure: the clocks
still run on the weekly hours, but an operator must know they are wrong on that year's holidays."""

import logging
from datetime import datetime
from typing import Any

from bot.metrics import HOLIDAY_DATA_MISSING
from workflows.holiday_coverage import HolidayGap, holiday_gaps
from workflows.sla_policy import SlaBook

log = logging.getLogger(__name__)


def warning_line(gap: HolidayGap) -> str:
    return (f"sla calendar {gap.calendar!r}: no holiday data for {gap.year} "
            f"(holidays: {gap.source}); its statutory holidays and make-up workdays would be "
            f"ordinary days. Add the year's official notice under the calendar's "
            f"`official: {{{gap.year}: {{holidays: [...], workdays: [...]}}}}` "
            f"or upgrade the holiday package.")


def check_holidays(book: SlaBook, now: datetime) -> list[HolidayGap]:
    """The gaps, with the gauge set to match (a year that became covered drops out)."""
    gaps = holiday_gaps(book, now)
    HOLIDAY_DATA_MISSING.clear()
    for gap in gaps:
        HOLIDAY_DATA_MISSING.labels(calendar=gap.calendar, year=str(gap.year)).set(1)
    return gaps


def warn_at_start(book: SlaBook, now: datetime) -> list[HolidayGap]:
    """`serve` logs each gap once when it starts (and sets the gauge)."""
    gaps = check_holidays(book, now)
    for gap in gaps:
        log.warning(warning_line(gap))
    return gaps


def readiness_details(book: SlaBook, now: datetime) -> dict[str, Any]:
    """The `holidays` entry of /readyz: reported beside the checks, never failing them."""
    gaps = check_holidays(book, now)
    return {"holidays": {
        "missing": [{"calendar": g.calendar, "source": g.source, "year": g.year} for g in gaps],
        "warnings": [warning_line(g) for g in gaps],
    }}
