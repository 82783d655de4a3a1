"""Which week a digest covers and when it is due, in the team's zone, across DST."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from workflows.digest import DigestSchedule, latest_due

SHANGHAI = DigestSchedule({"slack": "C0LEADS"}, weekday=0, at=time(9, 0),
                          tz=ZoneInfo("Asia/Shanghai"))


def test_on_monday_after_nine_the_week_just_ended_is_due() -> None:
    week = latest_due(SHANGHAI, datetime(2026, 11, 30, 1, 30, tzinfo=UTC))  # 09:30 Shanghai
    assert (week.first, week.last) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.post_at == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert week.start == datetime(2026, 11, 22, 16, 0, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 29, 16, 0, tzinfo=UTC)


def test_before_nine_on_monday_the_previous_week_is_still_the_latest() -> None:
    week = latest_due(SHANGHAI, datetime(2026, 11, 30, 0, 59, tzinfo=UTC))
    assert week.first == date(2026, 11, 16)


def test_a_friday_digest_covers_friday_to_thursday() -> None:
    friday = DigestSchedule({}, weekday=4, at=time(17, 0), tz=ZoneInfo("Europe/Berlin"))
    week = latest_due(friday, datetime(2026, 12, 3, 12, 0, tzinfo=UTC))  # a Thursday
    assert (week.first, week.last) == (date(2026, 11, 20), date(2026, 11, 26))


def test_the_week_of_a_dst_change_is_seven_local_days_of_169_hours() -> None:
    new_york = DigestSchedule({}, weekday=0, at=time(9, 0), tz=ZoneInfo("America/New_York"))
    week = latest_due(new_york, datetime(2026, 11, 2, 15, 0, tzinfo=UTC))
    assert week.first == date(2026, 10, 26)
    assert (week.end - week.start).total_seconds() == 169 * 3600  # 1 November falls back
    assert week.post_at == datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # 09:00 EST


def test_the_week_is_the_report_zones_week_ended_when_the_digest_is_posted() -> None:
    west = DigestSchedule({}, weekday=0, at=time(9, 0), tz=ZoneInfo("America/Los_Angeles"))
    shanghai = ZoneInfo("Asia/Shanghai")
    # 09:00 on Monday 9 March in Los Angeles (DST began the day before) is midnight in Shanghai.
    week = latest_due(west, datetime(2026, 3, 9, 16, 0, tzinfo=UTC), shanghai)
    assert week.post_at == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert week.first == date(2026, 3, 2)
    assert (week.start, week.end) == (datetime(2026, 3, 1, 16, 0, tzinfo=UTC),
                                      datetime(2026, 3, 8, 16, 0, tzinfo=UTC))
    # A team east of the organisation posts before the organisation's week has ended: it gets
    # the week before, never a week still running.
    east = DigestSchedule({}, weekday=0, at=time(9, 0), tz=shanghai)
    week = latest_due(east, datetime(2026, 3, 9, 1, 0, tzinfo=UTC), ZoneInfo("America/New_York"))
    assert week.first == date(2026, 2, 23)
    assert week.end == datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # midnight in New York (EST)
    assert week.end <= week.post_at
