"""Where a business calendar learns which dates are holidays and which weekend dates are worked.

China's statutory holidays and 调休 make-up workdays come from `chinese-calendar`; other
countries' public holidays from `holidays`. Both are calendar data, looked up by date: no I/O.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import chinese_calendar
import holidays


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # no working hours, whatever the weekday
    WORKDAY = "workday"  # a make-up working day (调休), even on a weekend


class HolidaySource(Protocol):
    def kind(self, day: date) -> DayKind | None:
        """HOLIDAY, WORKDAY, or None: an ordinary day, ruled by the weekly hours."""
        ...


@dataclass(frozen=True, slots=True)
class ChinaHolidays:
    """Statutory holidays and make-up workdays published by the State Council."""

    def kind(self, day: date) -> DayKind | None:
        try:
            off, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a year the package does not know yet: weekly rules
            return None
        if name is None:  # an ordinary weekday or weekend
            return None
        return DayKind.HOLIDAY if off else DayKind.WORKDAY


@lru_cache(maxsize=256)
def _country_year(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


@dataclass(frozen=True, slots=True)
class CountryHolidays:
    """Public holidays of a country (ISO code, optionally a subdivision such as a US state)."""

    country: str
    subdiv: str | None = None

    def kind(self, day: date) -> DayKind | None:
        return DayKind.HOLIDAY if day in _country_year(self.country, self.subdiv, day.year) else None


def holiday_source(name: str) -> HolidaySource:
    """`china`/`CN`, or a country code with an optional subdivision: `US`, `US-NY`, `DE-BY`."""
    if name.strip().lower() in ("china", "cn", "zh-cn"):
        return ChinaHolidays()
    country, _, subdiv = name.strip().upper().partition("-")
    if country not in holidays.list_supported_countries():
        raise ValueError(f"no holiday data for country {name!r}")
    source = CountryHolidays(country, subdiv or None)
    source.kind(date(2026, 1, 1))  # an unknown subdivision fails here, at start-up
    return source
