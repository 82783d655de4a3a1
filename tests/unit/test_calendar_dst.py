"""Working hours that start or end inside a DST gap or fold count the real elapsed time of the
local window: a non-existent end is clipped to the jump, a window ending in the repeated hour
runs to the second time the wall clock shows its end. Checked against a brute force that steps
through UTC minutes with zoneinfo."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflows.calendar import DAY, BusinessCalendar, Span

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
H, M = timedelta(hours=1), timedelta(minutes=1)
# 2026: New York springs forward on 8 March (02:00 -> 03:00) and falls back on 1 November
# (02:00 -> 01:00); Berlin on 29 March (02:00 -> 03:00) and 25 October (03:00 -> 02:00).
TRANSITIONS = ((NY, date(2026, 3, 8)), (NY, date(2026, 11, 1)),
               (BERLIN, date(2026, 3, 29)), (BERLIN, date(2026, 10, 25)))


def sundays(*spans: Span) -> BusinessCalendar:
    return BusinessCalendar("sundays", NY, ((),) * 6 + (spans,))


def ny(*args: int, fold: int = 0) -> datetime:
    """In UTC: aware datetimes in a fold never compare equal to another zone's (PEP 495)."""
    return datetime(*args, tzinfo=NY, fold=fold).astimezone(UTC)  # type: ignore[misc]


def test_a_window_ending_in_the_spring_gap_is_clipped_at_the_jump() -> None:
    calendar = sundays((60, 150))  # Sunday 01:00-02:30; 8 March 2026 has no 02:00-03:00
    assert calendar.elapsed(ny(2026, 3, 8), ny(2026, 3, 9)) == H
    assert calendar.add(ny(2026, 3, 8, 1, 30), 30 * M) == ny(2026, 3, 8, 3, 0)
    assert calendar.add(ny(2026, 3, 8, 1, 30), 31 * M) == ny(2026, 3, 15, 1, 1)
    assert calendar.elapsed(ny(2026, 3, 15), ny(2026, 3, 16)) == 90 * M  # an ordinary Sunday


def test_a_window_starting_in_the_gap_starts_at_the_jump() -> None:
    calendar = sundays((150, 240))  # 02:30-04:00: 03:00-04:00 EDT on 8 March
    assert calendar.elapsed(ny(2026, 3, 8), ny(2026, 3, 9)) == H
    assert calendar.add(ny(2026, 3, 8), 10 * M) == ny(2026, 3, 8, 3, 10)


def test_a_window_ending_in_the_repeated_hour_counts_it() -> None:
    calendar = sundays((30, 105))  # 00:30-01:45 on 1 November: 00:30 EDT to 01:45 EST
    assert calendar.elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == 2 * H + 15 * M
    assert calendar.add(ny(2026, 11, 1, 0, 30), 2 * H) == ny(2026, 11, 1, 1, 30, fold=1)
    assert calendar.is_open(ny(2026, 11, 1, 1, 50))  # 01:50 EDT, before the clocks go back
    # From 01:00 to 02:30 the wall clock runs 1.5 h, the real time 2.5 h (01:00 EDT-02:30 EST).
    assert sundays((60, 150)).elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == 2.5 * H
    # Ending as the fold begins: 00:00-01:00 was over before the hour repeats.
    assert sundays((0, 60)).elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == H


def test_windows_that_dst_makes_overlap_count_once() -> None:
    # 00:30-01:45 ends at 01:45 EST; 01:15-03:00 starts at 01:15 EDT: one stretch, 04:30-08:00 UTC.
    calendar = sundays((30, 105), (75, 180))
    assert calendar.elapsed(ny(2026, 11, 1), ny(2026, 11, 2)) == 3.5 * H


# -- the brute force ----------------------------------------------------------------------------


def _minute(instant: datetime) -> int:
    return int(instant.timestamp() // 60)


def brute_working_minutes(calendar: BusinessCalendar, days: list[date]) -> set[int]:
    """UTC minutes of working time: for each date and window, every UTC minute from the first to
    the last one whose wall-clock reading on that date lies in the window."""
    working: set[int] = set()
    for day in days:
        midnight = _minute(datetime.combine(day, datetime.min.time(), UTC))
        readings = []
        for minute in range(midnight - 16 * 60, midnight + 40 * 60):
            local = datetime.fromtimestamp(minute * 60, UTC).astimezone(calendar.tz)
            if local.date() == day:
                readings.append((minute, local.hour * 60 + local.minute))
        for a, b in calendar.hours_of(day):
            inside = [minute for minute, wall in readings if a <= wall < b]
            if inside:
                working.update(range(min(inside), max(inside) + 1))
    return working


GRID = [*range(0, 301, 15), 540, 1020, 1425, DAY]


@st.composite
def windows(draw: st.DrawFn) -> tuple[Span, ...]:
    points = sorted(draw(st.sets(st.sampled_from(GRID), min_size=2, max_size=6)))
    if len(points) % 2:
        points = points[:-1]
    return tuple((points[i], points[i + 1]) for i in range(0, len(points), 2))


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(TRANSITIONS), windows(), st.integers(-30 * 60, 30 * 60),
       st.integers(1, 40 * 60), st.integers(1, 8 * 60))
def test_business_time_around_dst_matches_the_brute_force(
        transition: tuple[ZoneInfo, date], hours: tuple[Span, ...], offset: int, length: int,
        duration: int) -> None:
    tz, day = transition
    calendar = BusinessCalendar("random", tz, (hours,) * 7)
    days = [day + timedelta(days=n) for n in range(-3, 4)]
    working = brute_working_minutes(calendar, days)
    base = _minute(datetime.combine(day, datetime.min.time(), tz))
    start = base + offset
    start_at = datetime.fromtimestamp(start * 60, UTC)
    end_at = start_at + length * M
    expected = sum(1 for minute in range(start, start + length) if minute in working)
    assert calendar.elapsed(start_at, end_at) == expected * M

    ahead = sorted(minute for minute in working if minute >= start)
    if len(ahead) >= duration:  # otherwise the answer lies beyond the brute force's days
        assert calendar.add(start_at, duration * M) == datetime.fromtimestamp(
            (ahead[duration - 1] + 1) * 60, UTC)
