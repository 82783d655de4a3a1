"""`sla IT-42` and `sla explain P1 queue=IT …` in English and Chinese; SLA words in both locales."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from commands import messages as m
from commands.grammar import Grammar, ParseError
from commands.vocabulary import USAGE
from notifications.text import Catalog
from workflows.kinds import TicketType
from workflows.priority import Priority

GRAMMAR = Grammar("IT")


@pytest.mark.parametrize(("text", "command"), [
    ("sla IT-42", m.SlaStatus("IT-42")),
    ("SLA 42", m.SlaStatus("IT-42")),
    ("时效 IT-7", m.SlaStatus("IT-7")),
    ("sla explain P1 queue=IT", m.SlaExplain(Priority.P1, "IT")),
    ("sla explain 2 type:request category=Email group=executives",
     m.SlaExplain(Priority.P2, None, TicketType.SERVICE_REQUEST, "Email", "executives")),
    ("时效 试算 P3 队列=it 类型=变更", m.SlaExplain(Priority.P3, "IT", TicketType.CHANGE_REQUEST)),
])
def test_sla_commands_parse(text: str, command: m.Command) -> None:
    assert GRAMMAR.parse(text) == command


@pytest.mark.parametrize("text", ["sla", "sla explain", "sla explain P1 soon", "sla IT-1 now"])
def test_sla_usage_is_explained(text: str) -> None:
    with pytest.raises(ParseError) as caught:
        GRAMMAR.parse(text)
    assert caught.value.params["usage"] == USAGE["sla"]


@pytest.mark.parametrize(("locale", "seconds", "text"), [
    ("en", 0, "0m"), ("en", 7800, "2h 10m"), ("en", 93600, "1d 2h"), ("en", 86400, "1d"),
    ("zh-CN", 7800, "2小时10分钟"), ("zh-CN", 90000, "1天1小时"),
])
def test_durations_read_naturally(locale: str, seconds: int, text: str) -> None:
    catalog = Catalog(locale, ZoneInfo("UTC"))
    assert catalog.format_duration(seconds) == text
    assert catalog.format_duration(timedelta(seconds=seconds)) == text
