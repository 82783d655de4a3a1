"""Where a business calendar learns which dates are holidays and which weekend dates are worked.

China's statutory holidays and 调休 make-up workdays come from `chinese-calendar`; other
countries' public holidays from `holidays`. Both are calendar data, looked up by date: no I/O.

China publishes each year's holidays only weeks before it starts, so a package release may not
know the coming year. A source says which years it `covers`; the organisation file may supply a
year's official notice itself (`OfficialNotice`, wrapped round the package by `with_notices`).
A year nobody covers falls back to the weekly hours, and workflows/holiday_coverage.py finds it
so that it is reported everywhere (config check, start-up, /readyz, a metric, `sla explain`).
"""

from collections.abc import Mapping
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
    @property
    def name(self) -> str:
        """What the organisation file called it: `china`, `US-NY`, …"""
        ...

    def kind(self, day: date) -> DayKind | None:
        """HOLIDAY, WORKDAY, or None: an ordinary day, ruled by the weekly hours."""
        ...

    def covers(self, year: int) -> bool:
        """Whether the source knows that year's holidays (else `kind` answers None all year)."""
        ...


@dataclass(frozen=True, slots=True)
class ChinaHolidays:
    """Statutory holidays and make-up workdays published by the State Council."""

    name: str = "china"

    def kind(self, day: date) -> DayKind | None:
        try:
            off, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:  # a year the package does not know: reported, see covers
            return None
        if name is None:  # an ordinary weekday or weekend
            return None
        return DayKind.HOLIDAY if off else DayKind.WORKDAY

    def covers(self, year: int) -> bool:
        try:
            chinese_calendar.get_holiday_detail(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True


@lru_cache(maxsize=64)
def _country_years(country: str, subdiv: str | None) -> tuple[int, int]:
    table = holidays.country_holidays(country, subdiv=subdiv)
    return int(getattr(table, "start_year", 1)), int(getattr(table, "end_year", 9999))


@lru_cache(maxsize=256)
def _country_year(country: str, subdiv: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdiv, years=year))


@dataclass(frozen=True, slots=True)
class CountryHolidays:
    """Public holidays of a country (ISO code, optionally a subdivision such as a US state)."""

    country: str
    subdiv: str | None = None

    @property
    def name(self) -> str:
        return f"{self.country}-{self.subdiv}" if self.subdiv else self.country

    def kind(self, day: date) -> DayKind | None:
        return DayKind.HOLIDAY if day in _country_year(self.country, self.subdiv, day.year) else None

    def covers(self, year: int) -> bool:
        # Rule-based: known for every year of the country's range (most reach 2100).
        first, last = _country_years(self.country, self.subdiv)
        return first <= year <= last


@dataclass(frozen=True, slots=True)
class OfficialNotice:
    """One year's official notice, from the organisation file: the days off and the make-up
    working days. Every other day of that year is ruled by the weekly hours."""

    holidays: frozenset[date]
    workdays: frozenset[date] = frozenset()


@dataclass(frozen=True, slots=True)
class NoticedHolidays:
    """A source with some years supplied (or corrected) by the organisation file: a year with a
    notice is read from it; any other year from the package."""

    base: HolidaySource | None
    notices: Mapping[int, OfficialNotice]

    @property
    def name(self) -> str:
        return self.base.name if self.base is not None else "official notices"

    def kind(self, day: date) -> DayKind | None:
        notice = self.notices.get(day.year)
        if notice is None:
            return self.base.kind(day) if self.base is not None else None
        if day in notice.holidays:
            return DayKind.HOLIDAY
        return DayKind.WORKDAY if day in notice.workdays else None

    def covers(self, year: int) -> bool:
        return year in self.notices or (self.base is not None and self.base.covers(year))


def with_notices(base: HolidaySource | None, notices: Mapping[int, OfficialNotice]
                 ) -> HolidaySource | None:
    return NoticedHolidays(base, dict(notices)) if notices else base


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
