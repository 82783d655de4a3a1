"""Report periods in the organisation's zone and the order statistics as docs/reports.md
defines them."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from workflows.reports.period import Period, parse_period
from workflows.reports.stats import median, percentile, share

NEW_YORK = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 4, 15, 0, tzinfo=UTC)  # Wednesday


@pytest.mark.parametrize(("words", "label"), [
    ("this month", "2026-11"), ("本月", "2026-11"), ("last month", "2026-10"), ("上个月", "2026-10"),
    ("this week", "2026-W45"), ("上周", "2026-W44"), ("2026-1", "2026-01"), ("2026-w05", "2026-W05"),
    ("2026W53", "2026-W53"), ("2025-W53", None), ("2026-13", None), ("someday", None),
])
def test_periods_from_words(words: str, label: str | None) -> None:
    period = parse_period(words, NOW, NEW_YORK)
    assert (period.label if period else None) == label


def test_a_month_across_the_end_of_daylight_saving_time_is_its_real_length() -> None:
    november = Period("month", date(2026, 11, 1), NEW_YORK)
    assert november.start == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # midnight EDT
    assert november.end == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # midnight EST
    assert (november.end - november.start).total_seconds() == 30 * 86400 + 3600
    assert november.previous().label == "2026-10"
    assert Period("month", date(2026, 1, 1), NEW_YORK).previous().label == "2025-12"
    assert [m.isoformat() for m, _, _ in november.weeks()] == [
        "2026-10-26", "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
    assert november.is_future(datetime(2026, 10, 31, 23, 0, tzinfo=UTC)) is True


def test_median_p90_and_share() -> None:
    assert median([]) is None and percentile([], 90) is None and share(1, 0) is None
    assert median([5, 1, 3]) == 3 and median([4, 1, 3, 2]) == 2.5
    assert percentile([1, 2, 3, 4], 90) == 4  # nearest rank: ceil(0.9 * 4) = 4th
    assert percentile(list(range(1, 11)), 90) == 9  # ceil(9.0) = 9th
    assert percentile(list(range(1, 21)), 90) == 18
    assert share(3, 4) == 75.0
