"""When schedules fall: RFC 5545 rules in the schedule's zone, business days, DST, limits."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from workflows.calendar import BusinessCalendar
from workflows.holidays import ChinaHolidays, CountryHolidays
from workflows.schedule import (
    CatchUp,
    Limits,
    OffDays,
    Progress,
    Recurrence,
    next_due,
    plan,
    resolve,
    resumed,
)

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
WEEK = (((540, 1080),),) * 5 + ((), ())
SHANGHAI = BusinessCalendar("shanghai", SH, WEEK, ChinaHolidays())
NEW_YORK = BusinessCalendar("new-york", NY, WEEK, CountryHolidays("US", "NY"))
NINE = time(9, 0)


def local(instants: list[datetime], tz: ZoneInfo) -> list[str]:
    return [i.astimezone(tz).strftime("%Y-%m-%d %H:%M %a") for i in instants]


def take(rec: Recurrence, after: datetime, n: int) -> list[datetime]:
    return list(islice(rec.occurrences(after), n))


def workdays(start: date) -> Recurrence:
    return Recurrence("FREQ=DAILY", NINE, SH, start, OffDays.SKIP, SHANGHAI)


def test_every_workday_across_spring_festival_2026_with_make_up_days() -> None:
    rec = workdays(date(2026, 2, 9))
    got = local(take(rec, datetime(2026, 2, 9, tzinfo=SH), 12), SH)
    assert got == [
        "2026-02-09 09:00 Mon", "2026-02-10 09:00 Tue", "2026-02-11 09:00 Wed",
        "2026-02-12 09:00 Thu", "2026-02-13 09:00 Fri",
        "2026-02-14 09:00 Sat",  # 调休: a make-up workday
        # 15–23 February: the Spring Festival holiday
        "2026-02-24 09:00 Tue", "2026-02-25 09:00 Wed", "2026-02-26 09:00 Thu",
        "2026-02-27 09:00 Fri", "2026-02-28 09:00 Sat",  # make-up workday
        "2026-03-02 09:00 Mon",
    ]


def test_every_workday_across_national_day_2026_with_make_up_days() -> None:
    rec = workdays(date(2026, 9, 1))
    got = local(take(rec, datetime(2026, 9, 18, 12, tzinfo=SH), 10), SH)
    assert got == [
        "2026-09-20 09:00 Sun",  # make-up workday
        "2026-09-21 09:00 Mon", "2026-09-22 09:00 Tue", "2026-09-23 09:00 Wed",
        "2026-09-24 09:00 Thu",  # 25 September: Mid-Autumn Festival
        "2026-09-28 09:00 Mon", "2026-09-29 09:00 Tue", "2026-09-30 09:00 Wed",
        "2026-10-08 09:00 Thu",  # 1–7 October off
        "2026-10-09 09:00 Fri",
    ]
    after_holiday = local(take(rec, datetime(2026, 10, 8, 10, tzinfo=SH), 3), SH)
    assert after_holiday == ["2026-10-09 09:00 Fri", "2026-10-10 09:00 Sat",  # make-up
                             "2026-10-12 09:00 Mon"]


def test_last_workday_of_each_month_2026() -> None:
    rec = Recurrence("FREQ=MONTHLY;BYMONTHDAY=-1", time(17, 0), SH, date(2026, 1, 1),
                     OffDays.PREVIOUS, SHANGHAI)
    got = [i.astimezone(SH).date().isoformat() for i in take(rec, datetime(2026, 1, 1, tzinfo=SH), 12)]
    assert got == ["2026-01-30", "2026-02-28",  # a Saturday, worked (调休)
                   "2026-03-31", "2026-04-30", "2026-05-29", "2026-06-30", "2026-07-31",
                   "2026-08-31", "2026-09-30", "2026-10-30", "2026-11-30", "2026-12-31"]


def test_last_workday_of_each_month_2027_new_york() -> None:
    rec = Recurrence("FREQ=MONTHLY;BYMONTHDAY=-1", time(17, 0), NY, date(2027, 1, 1),
                     OffDays.PREVIOUS, NEW_YORK)
    got = [i.astimezone(NY).date().isoformat() for i in take(rec, datetime(2027, 1, 1, tzinfo=NY), 12)]
    # 31 May is Memorial Day.
    assert got == ["2027-01-29", "2027-02-26", "2027-03-31", "2027-04-30", "2027-05-28",
                   "2027-06-30", "2027-07-30", "2027-08-31", "2027-09-30", "2027-10-29",
                   "2027-11-30", "2027-12-30"]


def test_monthly_on_the_31st_only_in_months_that_have_one() -> None:
    rec = Recurrence("FREQ=MONTHLY;BYMONTHDAY=31", NINE, SH, date(2026, 12, 1))
    got = [i.astimezone(SH).date().isoformat() for i in take(rec, datetime(2026, 12, 1, tzinfo=SH), 8)]
    assert got == ["2026-12-31", "2027-01-31", "2027-03-31", "2027-05-31", "2027-07-31",
                   "2027-08-31", "2027-10-31", "2027-12-31"]


def test_last_friday_of_the_month() -> None:
    rec = Recurrence("FREQ=MONTHLY;BYDAY=-1FR", NINE, SH, date(2027, 1, 1))
    got = [i.astimezone(SH).date().isoformat() for i in take(rec, datetime(2027, 1, 1, tzinfo=SH), 3)]
    assert got == ["2027-01-29", "2027-02-26", "2027-03-26"]


def test_weekly_across_both_new_york_dst_changes_keeps_the_wall_time() -> None:
    rec = Recurrence("FREQ=WEEKLY;BYDAY=SU", time(9, 0), NY, date(2026, 3, 1))
    march = take(rec, datetime(2026, 3, 1, tzinfo=UTC), 3)
    assert local(march, NY) == ["2026-03-01 09:00 Sun", "2026-03-08 09:00 Sun",
                                "2026-03-15 09:00 Sun"]
    assert [m.hour for m in march] == [14, 13, 13]  # EST, then EDT
    november = take(rec, datetime(2026, 10, 31, tzinfo=UTC), 2)
    assert local(november, NY) == ["2026-11-01 09:00 Sun", "2026-11-08 09:00 Sun"]
    assert [m.hour for m in november] == [14, 14]


def test_a_time_inside_the_dst_gap_or_fold_happens_once() -> None:
    gap = Recurrence("FREQ=DAILY", time(2, 30), NY, date(2026, 3, 7))
    got = take(gap, datetime(2026, 3, 7, tzinfo=NY), 3)
    assert local(got, NY) == ["2026-03-07 02:30 Sat", "2026-03-08 03:00 Sun",  # the jump
                              "2026-03-09 02:30 Mon"]
    fold = Recurrence("FREQ=DAILY", time(1, 30), NY, date(2026, 10, 31))
    got = take(fold, datetime(2026, 10, 31, tzinfo=NY), 3)
    assert len(set(got)) == 3
    assert got[1] == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 01:30 (EDT)
    assert resolve(date(2026, 3, 8), time(2, 0), NY) == datetime(2026, 3, 8, 7, tzinfo=UTC)


def test_every_n_days_and_yearly() -> None:
    rec = Recurrence("FREQ=DAILY;INTERVAL=3", NINE, SH, date(2026, 12, 30))
    assert [i.astimezone(SH).day for i in take(rec, datetime(2026, 12, 1, tzinfo=SH), 3)] == [30, 2, 5]
    yearly = Recurrence("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15", NINE, SH, date(2026, 1, 1))
    assert [i.astimezone(SH).year for i in take(yearly, datetime(2026, 1, 1, tzinfo=SH), 2)] == [2026, 2027]


def test_a_holiday_occurrence_moves_to_the_next_workday_or_is_skipped() -> None:
    monday = Recurrence("FREQ=WEEKLY;BYDAY=MO", NINE, SH, date(2026, 2, 9), OffDays.NEXT, SHANGHAI)
    got = local(take(monday, datetime(2026, 2, 10, tzinfo=SH), 2), SH)
    assert got == ["2026-02-24 09:00 Tue", "2026-03-02 09:00 Mon"]  # 16 Feb, 23 Feb moved; once
    skipped = Recurrence("FREQ=WEEKLY;BYDAY=MO", NINE, SH, date(2026, 2, 9), OffDays.SKIP, SHANGHAI)
    assert local(take(skipped, datetime(2026, 2, 10, tzinfo=SH), 1), SH) == ["2026-03-02 09:00 Mon"]


def test_start_and_end_dates() -> None:
    rec = Recurrence("FREQ=WEEKLY;BYDAY=MO", NINE, SH, date(2026, 12, 7), until=date(2026, 12, 21))
    assert local(take(rec, datetime(2026, 1, 1, tzinfo=SH), 5), SH) == [
        "2026-12-07 09:00 Mon", "2026-12-14 09:00 Mon", "2026-12-21 09:00 Mon"]
    assert "DTSTART;TZID=Asia/Shanghai:20261207T090000" in rec.text()


WEEKLY = Recurrence("FREQ=WEEKLY;BYDAY=MO", NINE, SH, date(2026, 12, 7))
FIRST = datetime(2026, 12, 7, 1, tzinfo=UTC)  # 09:00 Shanghai


def test_a_count_limit_stops_the_schedule() -> None:
    limits = Limits(max_count=2)
    progress, due, made = Progress(), FIRST, []
    while due is not None:
        step = plan(WEEKLY, limits, progress, due, due, CatchUp.ALL, timedelta(minutes=5))
        made += [d.at for d in step.create]
        progress, due = step.progress, step.next_due
    assert made == [FIRST, FIRST + timedelta(days=7)]
    assert progress.made == 2


def test_a_pause_after_n_then_resume_from_now() -> None:
    limits = Limits(pause_after=2)
    progress, due = Progress(), FIRST
    for _ in range(2):
        step = plan(WEEKLY, limits, progress, due, due, CatchUp.ALL, timedelta(minutes=5))
        progress, due = step.progress, step.next_due
    assert progress.paused and due is None
    later = datetime(2027, 1, 6, tzinfo=UTC)
    again = next_due(WEEKLY, limits, resumed(progress), later)
    assert again == datetime(2027, 1, 11, 1, tzinfo=UTC)


def test_catch_up_after_a_restart() -> None:
    now = FIRST + timedelta(days=21, minutes=2)  # three missed, the fourth just due
    grace = timedelta(minutes=5)
    every = plan(WEEKLY, Limits(), Progress(), FIRST, now, CatchUp.ALL, grace)
    assert [(d.at.day, d.late) for d in every.create] == [(7, True), (14, True), (21, True),
                                                          (28, False)]
    latest = plan(WEEKLY, Limits(), Progress(), FIRST, now, CatchUp.LATEST, grace)
    assert [(d.at.day, d.late) for d in latest.create] == [(21, True), (28, False)]
    none = plan(WEEKLY, Limits(), Progress(), FIRST, now, CatchUp.NONE, grace)
    assert [(d.at.day, d.late) for d in none.create] == [(28, False)]
    assert none.passed_over == 3
    assert none.next_due == datetime(2027, 1, 4, 1, tzinfo=UTC)
