"""Business-time arithmetic with fixed instants: lunch breaks, weekends, China's National Day and
its make-up Saturday, other countries' holidays, custom dates, and DST in America/New_York."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from workflows.calendar import BusinessCalendar, CalendarError, parse_hours
from workflows.holidays import ChinaHolidays, CountryHolidays, DayKind, holiday_source

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
OFFICE = ((540, 720), (810, 1080))  # 09:00-12:00, 13:30-18:00: 7.5 h
WEEK = (OFFICE,) * 5 + ((), ())
SHANGHAI = BusinessCalendar("shanghai", SH, WEEK, ChinaHolidays())
NEW_YORK = BusinessCalendar("new-york", NY, (((540, 1020),),) * 5 + ((), ()),
                            CountryHolidays("US"))
ALWAYS_NY = BusinessCalendar.always("24x7-ny", NY)


def sh(*args: int) -> datetime:
    return datetime(*args, tzinfo=SH)  # type: ignore[misc]


def ny(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


H = timedelta(hours=1)
M = timedelta(minutes=1)


def test_the_lunch_break_does_not_count() -> None:
    # Monday 2026-03-02, an ordinary working day.
    assert SHANGHAI.add(sh(2026, 3, 2, 11, 30), H) == sh(2026, 3, 2, 14, 0)
    assert SHANGHAI.elapsed(sh(2026, 3, 2, 11, 0), sh(2026, 3, 2, 14, 0)) == 90 * M
    assert SHANGHAI.add(sh(2026, 3, 2, 12, 10), 10 * M) == sh(2026, 3, 2, 13, 40)
    assert not SHANGHAI.is_open(sh(2026, 3, 2, 12, 30))
    assert SHANGHAI.next_open(sh(2026, 3, 2, 12, 30)) == sh(2026, 3, 2, 13, 30)


def test_a_span_is_filled_to_its_end_not_past_it() -> None:
    assert SHANGHAI.add(sh(2026, 3, 2, 9, 0), 3 * H) == sh(2026, 3, 2, 12, 0)
    assert SHANGHAI.add(sh(2026, 3, 2, 9, 0), 7.5 * H) == sh(2026, 3, 2, 18, 0)


def test_opened_on_friday_at_17_50_continues_on_monday() -> None:
    opened = sh(2026, 3, 6, 17, 50)  # Friday
    assert SHANGHAI.add(opened, 4 * H) == sh(2026, 3, 9, 14, 20)  # 10 min + 3 h + 50 min
    assert SHANGHAI.add(opened, 10 * M) == sh(2026, 3, 6, 18, 0)
    assert SHANGHAI.add(opened, 11 * M) == sh(2026, 3, 9, 9, 1)


def test_a_weekend_counts_nothing() -> None:
    assert SHANGHAI.elapsed(sh(2026, 3, 6, 17, 0), sh(2026, 3, 9, 10, 0)) == 2 * H
    assert SHANGHAI.elapsed(sh(2026, 3, 7, 9, 0), sh(2026, 3, 8, 18, 0)) == timedelta(0)
    assert SHANGHAI.next_open(sh(2026, 3, 7, 10, 0)) == sh(2026, 3, 9, 9, 0)


def test_the_national_day_holiday_and_its_make_up_saturday() -> None:
    # 2026: 1-7 October off; Thursday 8 and Friday 9 worked; Saturday 10 October is a make-up
    # working day (调休), as is Sunday 20 September.
    assert ChinaHolidays().kind(date(2026, 10, 5)) is DayKind.HOLIDAY
    assert ChinaHolidays().kind(date(2026, 10, 10)) is DayKind.WORKDAY
    assert ChinaHolidays().kind(date(2026, 10, 12)) is None
    opened = sh(2026, 9, 30, 17, 0)
    # 1 h on 30 September, 7.5 h on the 8th and on the 9th, then 6.5 h of the make-up Saturday.
    assert SHANGHAI.add(opened, 22.5 * H) == sh(2026, 10, 10, 17, 0)
    assert SHANGHAI.elapsed(opened, sh(2026, 10, 8, 9, 0)) == H
    assert SHANGHAI.is_open(sh(2026, 9, 20, 10, 0))  # a Sunday, but worked
    assert not SHANGHAI.is_open(sh(2026, 10, 1, 10, 0))  # a Thursday, but a holiday


def test_spring_festival_2026_with_its_make_up_saturdays() -> None:
    # Holiday 15-23 February 2026; Saturdays 14 and 28 February are worked.
    assert SHANGHAI.is_open(sh(2026, 2, 14, 10, 0))
    assert SHANGHAI.next_open(sh(2026, 2, 14, 18, 0)) == sh(2026, 2, 24, 9, 0)
    assert SHANGHAI.is_open(sh(2026, 2, 28, 9, 0))


def test_a_year_the_package_does_not_know_falls_back_to_the_week() -> None:
    assert ChinaHolidays().kind(date(2031, 10, 1)) is None
    assert SHANGHAI.is_open(sh(2031, 10, 1, 10, 0))  # a Wednesday


def test_custom_holidays_and_workdays_override_everything() -> None:
    custom = BusinessCalendar("custom", SH, WEEK, ChinaHolidays(),
                              holidays=frozenset({date(2026, 3, 9)}),
                              workdays=frozenset({date(2026, 3, 7)}),
                              workday_hours=((600, 660),))  # a make-up morning, 10:00-11:00
    assert custom.hours_of(date(2026, 3, 9)) == ()
    assert custom.add(sh(2026, 3, 6, 18, 0), 90 * M) == sh(2026, 3, 10, 9, 30)


def test_other_countries_public_holidays() -> None:
    # 3 July 2026 (a Friday) is Independence Day observed in the United States.
    assert NEW_YORK.elapsed(ny(2026, 7, 2, 16, 0), ny(2026, 7, 6, 10, 0)) == 2 * H
    assert holiday_source("US-NY").kind(date(2026, 7, 3)) is DayKind.HOLIDAY
    with pytest.raises(ValueError, match="no holiday data"):
        holiday_source("XX")


def test_dst_spring_forward_on_a_24x7_calendar() -> None:
    # 8 March 2026 02:00 EST becomes 03:00 EDT: that local day lasts 23 hours.
    opened = ny(2026, 3, 7, 22, 0)
    assert ALWAYS_NY.add(opened, 8 * H) == ny(2026, 3, 8, 7, 0)
    assert ALWAYS_NY.elapsed(ny(2026, 3, 8, 0, 0), ny(2026, 3, 9, 0, 0)) == 23 * H


def test_dst_fall_back_on_a_24x7_calendar() -> None:
    # 1 November 2026 02:00 EDT becomes 01:00 EST: 25 hours.
    assert ALWAYS_NY.elapsed(ny(2026, 11, 1, 0, 0), ny(2026, 11, 2, 0, 0)) == 25 * H
    assert ALWAYS_NY.add(ny(2026, 10, 31, 23, 0), 4 * H) == ny(2026, 11, 1, 2, 0)


def test_dst_with_office_hours_keeps_local_hours() -> None:
    # Friday 16:00 EST + 4 business hours: 1 h on Friday, 3 h on Monday (now EDT) -> 12:00 local.
    due = NEW_YORK.add(ny(2026, 3, 6, 16, 0), 4 * H)
    assert due == ny(2026, 3, 9, 12, 0)
    assert due.astimezone(ZoneInfo("UTC")).hour == 16  # one hour earlier in UTC than in winter


def test_units_follow_the_calendar() -> None:
    assert SHANGHAI.day_length == 7.5 * H
    assert SHANGHAI.week_length == 37.5 * H
    assert BusinessCalendar.always().day_length == 24 * H


def test_hours_are_parsed_and_checked() -> None:
    assert parse_hours("09:00-12:00") == (540, 720)
    assert parse_hours("00:00-24:00") == (0, 1440)
    for bad in ("9-12", "12:00-09:00", "09:00-24:30", "25:00-26:00"):
        with pytest.raises(CalendarError):
            parse_hours(bad)
    overlapping = BusinessCalendar("x", SH, (((540, 720), (700, 800)),) + ((),) * 6)
    assert overlapping.problems() == ["working hours of one day overlap"]
    assert BusinessCalendar("y", SH, ((),) * 7).problems() == ["no working hours in the week"]


def test_a_calendar_without_any_working_day_gives_up() -> None:
    never = BusinessCalendar("never", SH, ((),) * 7)
    with pytest.raises(CalendarError, match="no working time"):
        never.add(sh(2026, 3, 2, 9, 0), H)
