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
