"""Holiday data a calendar lacks is found, and a year's official notice from the organisation
file fills it: chinese-calendar 1.11 knows 2004-2026, not 2027."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.orgfile import OrgFileError, load_org
from tests.support.sla import FAST_ORG
from workflows.holiday_coverage import HolidayGap, holiday_gaps
from workflows.holidays import DayKind, OfficialNotice, holiday_source, with_notices

DEC_2026 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
NOTICE_2027 = """      holidays: china
      official:
        2027:
          holidays: [2027-01-01, 2027-02-08, 2027-02-09]
          workdays: [2027-02-06]
"""


def org_with(tmp_path: Path, official: str) -> Path:
    path = tmp_path / "org.yaml"
    assert "      holidays: china\n" in FAST_ORG
    path.write_text(FAST_ORG.replace("      holidays: china\n", official), encoding="utf-8")
    return path


def test_the_china_source_says_which_years_it_knows() -> None:
    china = holiday_source("china")
    assert china.covers(2026) and not china.covers(2027)
    assert holiday_source("US-NY").covers(2027)  # rule-based: every year of its range


def test_a_notice_covers_its_year_and_rules_its_days() -> None:
    notice = OfficialNotice(frozenset({date(2027, 1, 1)}), frozenset({date(2027, 2, 6)}))
    source = with_notices(holiday_source("china"), {2027: notice})
    assert source is not None and source.covers(2027) and source.covers(2026)
    assert source.kind(date(2027, 1, 1)) is DayKind.HOLIDAY
    assert source.kind(date(2027, 2, 6)) is DayKind.WORKDAY  # a Saturday worked
    assert source.kind(date(2027, 1, 4)) is None  # an ordinary Monday
    assert source.kind(date(2026, 10, 1)) is DayKind.HOLIDAY  # other years: the package


def test_the_organisation_files_calendars_without_2027_are_found(tmp_path: Path) -> None:
    book = load_org(org_with(tmp_path, "      holidays: china\n")).org.sla
    assert holiday_gaps(book, DEC_2026) == [HolidayGap("office", "china", 2027)]
    # In March 2026 the clocks reach into 2027 as well: this year and the next are checked.
    assert holiday_gaps(book, datetime(2026, 3, 2, tzinfo=UTC)) == [
        HolidayGap("office", "china", 2027)]
    assert holiday_gaps(book, DEC_2026, only="always") == []  # 24x7: no holiday source


def test_a_year_given_in_the_organisation_file_counts_as_covered(tmp_path: Path) -> None:
    org = load_org(org_with(tmp_path, NOTICE_2027)).org
    assert holiday_gaps(org.sla, DEC_2026) == []
    office = org.sla.calendars["office"]
    assert office.hours_of(date(2027, 2, 8)) == ()  # a notice holiday, a Monday
    assert office.hours_of(date(2027, 2, 6)) == office.week[0]  # the make-up Saturday


@pytest.mark.parametrize(("official", "expected"), [
    ("2027: {holidays: [2026-10-01]}", "official 2027: 2026-10-01 is not in 2027"),
    ("2027: {holidays: [2027-01-01], workdays: [2027-01-01]}",
     "2027-01-01 is both a holiday and a make-up workday"),
    ("1927: {holidays: [1927-01-01]}", "1927 is not a year between 2000 and 2100"),
    ("2027: {workdays: [2027-02-06]}", "holidays"),
    ("2027: {holiday: [2027-01-01]}", "holiday"),
])
def test_a_wrong_notice_is_refused_with_its_place(tmp_path: Path, official: str, expected: str
                                                  ) -> None:
    path = org_with(tmp_path, f"      holidays: china\n      official: {{{official}}}\n")
    with pytest.raises(OrgFileError) as caught:
        load_org(path)
    found = caught.value.problems
    assert any(expected in p and "sla.calendars[1].official" in p for p in found), found
