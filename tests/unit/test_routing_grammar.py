"""The new verbs: `away until …`, `back`, `route explain …`, bulk `assign`, `list triage`;
days in English and Chinese, resolved at the start of the day in the person's time zone."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from commands import messages as m
from commands.grammar import Grammar
from commands.when import parse_day
from workflows.away import Day, DayKind, back_at
from workflows.errors import InvalidInput
from workflows.kinds import TicketType
from workflows.priority import Priority

GRAMMAR = Grammar("IT")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 17:00 Monday in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")


def parse(text: str) -> m.Command:
    return GRAMMAR.parse(text)


@pytest.mark.parametrize(("text", "kind", "expected"), [
    ("Monday", DayKind.WEEKDAY, 0), ("fri", DayKind.WEEKDAY, 4), ("next Tuesday", DayKind.WEEKDAY, 1),
    ("周一", DayKind.WEEKDAY, 0), ("星期天", DayKind.WEEKDAY, 6), ("礼拜三", DayKind.WEEKDAY, 2),
    ("下周一", DayKind.NEXT_WEEK, 0), ("下个星期五", DayKind.NEXT_WEEK, 4),
])
def test_weekdays(text: str, kind: DayKind, expected: int) -> None:
    day = parse_day(text)
    assert day is not None and (day.kind, day.weekday) == (kind, expected)


@pytest.mark.parametrize(("text", "days"), [
    ("tomorrow", 1), ("明天", 1), ("后天", 2), ("3d", 3), ("3 days", 3), ("3天", 3), ("2w", 14),
    ("2 weeks", 14), ("1周", 7), ("2个星期", 14),
])
def test_spans(text: str, days: int) -> None:
    assert parse_day(text) == Day(DayKind.IN_DAYS, text, days=days)


@pytest.mark.parametrize(("text", "on"), [
    ("2026-12-01", date(2026, 12, 1)), ("2026/12/1", date(2026, 12, 1)),
    ("2026年12月1日", date(2026, 12, 1)),
])
def test_dates(text: str, on: date) -> None:
    assert parse_day(text) == Day(DayKind.DATE, text, on=on)


@pytest.mark.parametrize("text", ["someday", "2026-02-30", "13月1日", "-3d", "周八", ""])
def test_not_days(text: str) -> None:
    assert parse_day(text) is None


@pytest.mark.parametrize(("text", "back"), [
    ("Monday", "2026-03-09"),  # said on a Monday: next week's
    ("Wednesday", "2026-03-04"),
    ("周日", "2026-03-08"),
    ("下周一", "2026-03-09"),
    ("下周日", "2026-03-15"),
    ("tomorrow", "2026-03-03"),
    ("3d", "2026-03-05"),
    ("2026-12-01", "2026-12-01"),
    ("12月1日", "2026-12-01"),
    ("1月5日", "2027-01-05"),  # already past this year: next year's
])
def test_back_at_the_start_of_that_day_in_the_persons_zone(text: str, back: str) -> None:
    day = parse_day(text)
    assert day is not None
    until = back_at(day, MONDAY, SHANGHAI)
    assert until.astimezone(SHANGHAI) == datetime.fromisoformat(back).replace(tzinfo=SHANGHAI)
    assert until.tzinfo is UTC


def test_the_zone_decides_which_day_today_is() -> None:
    # 2026-03-02 23:30 UTC is already Tuesday in Shanghai but still Monday in New York.
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    tomorrow = parse_day("tomorrow")
    assert tomorrow is not None
    assert back_at(tomorrow, late, SHANGHAI) == datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
    new_york = ZoneInfo("America/New_York")
    assert back_at(tomorrow, late, new_york) == datetime(2026, 3, 3, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "key"), [
    ("2026-03-02", "error.away_past"), ("2025-12-01", "error.away_past"),
    ("2027-06-01", "error.away_too_far"), ("400d", "error.away_too_far"), ("0d", "error.away_past"),
])
def test_days_not_ahead_or_too_far_are_refused(text: str, key: str) -> None:
    day = parse_day(text)
    assert day is not None
    with pytest.raises(InvalidInput) as caught:
        back_at(day, MONDAY, SHANGHAI)
    assert caught.value.message_key == key


@pytest.mark.parametrize(("text", "who"), [
    ("away until Monday", None), ("away Monday", None), ("away till tomorrow", None),
    ("ooo until 3d", None), ("away @bob until Friday", "bob"), ("away until Friday @bob", "bob"),
    ("请假到周一", None), ("请假 到 下周三", None), ("休假至明天", None),
])
def test_away(text: str, who: str | None) -> None:
    command = parse(text)
    assert isinstance(command, m.SetAway)
    assert (command.who.value if command.who else None) == who


def test_away_needs_a_day_it_understands() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse("away until soonish")
    assert (caught.value.message_key, caught.value.params["when"]) == ("error.bad_day", "soonish")
    with pytest.raises(InvalidInput) as caught:
        parse("away")
    assert caught.value.message_key == "error.usage"


@pytest.mark.parametrize(("text", "who"), [("back", None), ("回来了", None), ("back @bob", "bob"),
                                           ("销假 @bob", "bob")])
def test_back(text: str, who: str | None) -> None:
    command = parse(text)
    assert isinstance(command, m.Back) and (command.who.value if command.who else None) == who


@pytest.mark.parametrize(("text", "title"), [
    ('route explain "VPN down on floor 3"', "VPN down on floor 3"),
    ("route explain VPN down on floor 3", "VPN down on floor 3"),
    ("route explain “打印机卡纸”", "打印机卡纸"),
    ("路由 解释 三楼网络断了", "三楼网络断了"),
    ("路由解释VPN连不上", "VPN连不上"),
    ("explain wifi down", "wifi down"),
])
def test_route_explain(text: str, title: str) -> None:
    command = parse(text)
    assert isinstance(command, m.ExplainRoute) and command.ticket.title == title


def test_route_explain_reads_options_like_new() -> None:
    command = parse('route explain P1 type:request "VPN down" -- since 9am')
    assert isinstance(command, m.ExplainRoute)
    ticket = command.ticket
    assert (ticket.priority, ticket.type, ticket.title, ticket.description) == (
        Priority.P1, TicketType.SERVICE_REQUEST, "VPN down", "since 9am")
    for empty in ("route explain", 'route explain ""', "route"):
        with pytest.raises(InvalidInput):
            parse(empty)


def test_assign_several_tickets_at_once() -> None:
    command = parse("assign IT-4 IT-7 9 @carol reason: bob is on leave")
    assert command == m.BulkAssign(("IT-4", "IT-7", "IT-9"), m.Mention(None, "carol"),
                                   "bob is on leave")
    assert parse("reassign 4 4 5 to @bob") == m.BulkAssign(("IT-4", "IT-5"), m.Mention(None, "bob"))
    assert parse("改派 IT-4 @bob") == m.Assign("IT-4", m.Mention(None, "bob"))
    with pytest.raises(InvalidInput):
        parse("assign IT-4 IT-5")


def test_list_triage() -> None:
    assert parse("list triage") == m.ListTickets("triage")
    assert parse("list unassigned network") == m.ListTickets("triage", team="network")
    assert parse("列表 待分配") == m.ListTickets("triage")


def test_chinese_verbs_written_without_a_space() -> None:
    assert parse("报修打印机卡纸") == m.Create(title="打印机卡纸")
