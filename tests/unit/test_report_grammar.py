"""`report` in English and Chinese: the period stays words, the scope and breakdown are parsed."""

import pytest

from commands import messages as m
from commands.grammar import Grammar
from commands.tokens import ParseError

BOB = m.Mention(None, "bob")


@pytest.mark.parametrize(("text", "expected"), [
    ("report", m.Report()),
    ("stats", m.Report()),
    ("report last week", m.Report("last week")),
    ("report 2026-11 team network", m.Report("2026-11", "network")),
    ("report this month @bob", m.Report("this month", None, BOB)),
    ("report by category", m.Report(by="category")),
    ("report by agent", m.Report(by="agent")),
    ("report team:it by priority", m.Report("", "it", by="priority")),
    ("报表 上周", m.Report("上周")),
    ("报表上周", m.Report("上周")),
    ("统计 本月 按分类", m.Report("本月", by="category")),
    ("报表 2026-11 团队 network 按处理人", m.Report("2026-11", "network", by="agent")),
    ("报表 本月 按优先级", m.Report("本月", by="priority")),
])
def test_report_parses(text: str, expected: m.Report) -> None:
    assert Grammar("IT").parse(text) == expected


@pytest.mark.parametrize("text", ["report by colour", "报表 按颜色"])
def test_an_unknown_breakdown_is_a_usage_error(text: str) -> None:
    with pytest.raises(ParseError):
        Grammar("IT").parse(text)
