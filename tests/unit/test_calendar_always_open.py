"""A calendar open every instant (24x7, no day off) does business time as real time, without a
day-by-day walk; it agrees with the walk across DST days of 23 and 25 hours."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows.calendar import BusinessCalendar

ZONES = (ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Shanghai"))
# Around 2026's DST changes in New York (8 March, 1 November) and Berlin (29 March, 25 October).
STARTS = st.datetimes(min_value=datetime(2026, 3, 6), max_value=datetime(2026, 11, 3),
                      timezones=st.just(UTC))
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=9))


def walked(calendar: BusinessCalendar) -> BusinessCalendar:
    """The same hours with a day off far away: worked out day by day."""
    return BusinessCalendar(calendar.name, calendar.tz, calendar.week,
                            holidays=frozenset({date(2099, 1, 1)}))


@pytest.mark.parametrize("tz", ZONES, ids=str)
@settings(max_examples=60, deadline=None)
@given(start=STARTS, duration=DURATIONS)
def test_always_open_adds_and_measures_like_the_walk(tz: ZoneInfo, start: datetime,
                                                     duration: timedelta) -> None:
    fast = BusinessCalendar.always(tz=tz)
    assert fast.always_open and not walked(fast).always_open
    assert fast.add(start, duration) == walked(fast).add(start, duration) == start + duration
    end = start + duration
    assert fast.elapsed(start, end) == walked(fast).elapsed(start, end) == duration


def test_a_day_off_or_short_hours_are_not_always_open() -> None:
    always = BusinessCalendar.always()
    assert not BusinessCalendar("x", always.tz, always.week,
                                holidays=frozenset({date(2026, 5, 1)})).always_open
    assert not BusinessCalendar("x", always.tz, ((( 0, 1439),),) * 7).always_open
    assert not BusinessCalendar("x", always.tz, always.week, workdays=frozenset(
        {date(2026, 5, 9)}), workday_hours=((540, 1080),)).always_open
