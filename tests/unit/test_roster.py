"""On duty: shifts in a team's time zone, across midnight, weekends, rotations and DST."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from workflows.roster import Roster, Shift

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")

DAY = Shift("day", time(9), time(18), ("pam", "quinn"), frozenset(range(5)), 7,
            date(2026, 3, 2))
NIGHT = Shift("night", time(18), time(9), ("ray", "sue", "tom"), every_days=1,
              anchor=date(2026, 3, 2))
ROSTER = Roster((DAY, NIGHT))


def on_duty(at: datetime, tz: ZoneInfo = SHANGHAI, roster: Roster = ROSTER) -> list[str]:
    return [d.handle for d in roster.on_duty(at, tz)]


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)  # type: ignore[misc]


@pytest.mark.parametrize(("moment", "expected"), [
    (shanghai(2026, 3, 2, 8, 59), ["tom"]),  # still Sunday's night shift
    (shanghai(2026, 3, 2, 9, 0), ["pam"]),  # the day shift starts: boundaries are [start, end)
    (shanghai(2026, 3, 2, 17, 59), ["pam"]),
    (shanghai(2026, 3, 2, 18, 0), ["ray"]),  # Monday's night shift, the anchor day
    (shanghai(2026, 3, 3, 2, 0), ["ray"]),  # still Monday's night, on Tuesday morning
    (shanghai(2026, 3, 3, 18, 30), ["sue"]),  # the night rotation hands over daily
    (shanghai(2026, 3, 7, 12, 0), []),  # Saturday daytime: no day shift at weekends
    (shanghai(2026, 3, 9, 10, 0), ["quinn"]),  # the day rotation hands over weekly
    (shanghai(2026, 2, 23, 10, 0), ["quinn"]),  # and also counts backwards from the anchor
])
def test_who_is_on_duty(moment: datetime, expected: list[str]) -> None:
    assert on_duty(moment) == expected


def test_sunday_night_belongs_to_sunday() -> None:
    # 2026-03-01 is a Sunday, one day before the anchor: (-1 // 1) % 3 = 2 -> tom.
    assert on_duty(shanghai(2026, 3, 1, 23, 0)) == ["tom"]
    assert on_duty(shanghai(2026, 3, 2, 8, 0)) == ["tom"]  # until 09:00 Monday


def test_the_shift_is_in_the_teams_zone_whatever_zone_now_is_in() -> None:
    # 01:00 UTC is 09:00 in Shanghai (day shift) and 02:00 in Berlin (night shift).
    now = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert on_duty(now, SHANGHAI) == ["pam"]
    assert on_duty(now, BERLIN) == ["tom"]


def test_overlapping_shifts_put_several_people_on_duty() -> None:
    late = Shift("late", time(17), time(20), ("zed",))
    assert on_duty(shanghai(2026, 3, 2, 17, 30), roster=Roster((DAY, NIGHT, late))) == [
        "pam", "zed"]


def test_a_24_hour_shift_and_an_empty_roster() -> None:
    always = Roster((Shift("all day", time(8), time(8), ("ann", "ben")),))
    assert on_duty(shanghai(2026, 3, 2, 7, 59), roster=always) != []
    assert on_duty(shanghai(2026, 3, 2, 8, 0), roster=always) != []
    assert on_duty(shanghai(2026, 3, 2, 12, 0), roster=Roster()) == []


def test_wall_clock_shifts_survive_daylight_saving() -> None:
    # Berlin moves to summer time on 2026-03-29 at 02:00. A 09:00 start stays 09:00 local:
    # 08:00 UTC before the change, 07:00 UTC after.
    roster = Roster((Shift("day", time(9), time(17), ("ann",)),))
    assert on_duty(datetime(2026, 3, 28, 8, 0, tzinfo=UTC), BERLIN, roster) == ["ann"]
    assert on_duty(datetime(2026, 3, 29, 7, 0, tzinfo=UTC), BERLIN, roster) == ["ann"]
    assert on_duty(datetime(2026, 3, 29, 6, 59, tzinfo=UTC), BERLIN, roster) == []
    # A night shift across the change is one hour shorter but still ends at 06:00 local.
    night = Roster((Shift("night", time(22), time(6), ("bo",)),))
    assert on_duty(datetime(2026, 3, 29, 3, 59, tzinfo=UTC), BERLIN, night) == ["bo"]
    assert on_duty(datetime(2026, 3, 29, 4, 0, tzinfo=UTC), BERLIN, night) == []


def test_duty_says_until_when() -> None:
    [duty] = ROSTER.on_duty(shanghai(2026, 3, 2, 20, 0), SHANGHAI)
    assert (duty.handle, duty.shift.name, duty.shift.hours) == ("ray", "night", "18:00-09:00")
    assert duty.until == datetime(2026, 3, 3, 1, 0, tzinfo=UTC)
