"""`schedule …` in English and Chinese, and the recurrence phrases it knows."""

from datetime import time

import pytest

from commands import messages as m
from commands.grammar import Grammar
from commands.schedule_words import Rule, parse_rule
from commands.tokens import ParseError
from workflows.priority import Priority
from workflows.schedule import OffDays


def parse(text: str) -> m.Command:
    return Grammar("IT").parse(text)


@pytest.mark.parametrize(("phrase", "rrule"), [
    ("every day", "FREQ=DAILY"), ("every workday", "FREQ=DAILY"),
    ("every 3 days", "FREQ=DAILY;INTERVAL=3"),
    ("every mon, wed and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
    ("every 2 weeks on monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("every month on the 31st", "FREQ=MONTHLY;BYMONTHDAY=31"),
    ("every last friday", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("last workday of the month", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("every year on 03-15", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"),
    ("每天", "FREQ=DAILY"), ("每3天", "FREQ=DAILY;INTERVAL=3"), ("每个工作日", "FREQ=DAILY"),
    ("每周一三五", "FREQ=WEEKLY;BYDAY=MO,WE,FR"), ("每周一、周三", "FREQ=WEEKLY;BYDAY=MO,WE"),
    ("每月31日", "FREQ=MONTHLY;BYMONTHDAY=31"), ("每月最后一个周五", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("每月最后一个工作日", "FREQ=MONTHLY;BYMONTHDAY=-1"),
    ("每年3月15日", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15"),
])
def test_phrases(phrase: str, rrule: str) -> None:
    rule = parse_rule(phrase)
    assert rule is not None and rule.rrule() == rrule
    # Stored as RRULE, described again from it.
    assert Rule.of(rrule, rule.off_days or OffDays.KEEP) == rule


@pytest.mark.parametrize("phrase", ["every blursday", "每月32日", "every", "每周"])
def test_unknown_phrases(phrase: str) -> None:
    assert parse_rule(phrase) is None


def test_add_with_every_option() -> None:
    assert parse('schedule add "morning round" every workday 09:00 calendar:shanghai team:IT '
                 "P3 holiday:next count:10 pause:5 from:2026-12-07 until:2027-06-30 "
                 "catchup:all") == m.ScheduleAdd(
        "morning round", "every workday", time(9), team="it", priority=Priority.P3,
        calendar="shanghai", start="2026-12-07", until="2027-06-30", count=10, pause_after=5,
        off_days="next", catch_up="all")


def test_chinese_without_spaces() -> None:
    assert parse("计划添加「月末检查」每月最后一个工作日17:00 团队:it 节假日:提前 补做:不补") == \
        m.ScheduleAdd("月末检查", "每月最后一个工作日", time(17), team="it",
                      off_days="previous", catch_up="none")
    assert parse("计划 下次 3 月末检查") == m.ScheduleNext("月末检查", 3)
    assert parse("计划 暂停 月末检查") == m.ScheduleChange("月末检查", "pause")


def test_next_pause_resume_remove() -> None:
    assert parse("schedule next 5 morning round") == m.ScheduleNext("morning round", 5)
    assert parse('schedule next "morning round"') == m.ScheduleNext("morning round", 5)
    assert parse("schedule resume x") == m.ScheduleChange("x", "resume")
    assert parse("schedule remove x") == m.ScheduleChange("x", "remove")


@pytest.mark.parametrize("text", ["schedule add every monday 09:00", "schedule frob",
                                  'schedule add "x" every monday 25:00 team:it',
                                  'schedule add "x" every monday 09:00 holiday:maybe',
                                  'schedule add "x" every monday 09:00 count:many'])
def test_refusals(text: str) -> None:
    with pytest.raises(ParseError):
        parse(text)
