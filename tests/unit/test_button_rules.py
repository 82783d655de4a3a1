"""One table of what a card's button runs (commands/buttons.py), read by every adapter: a click
on DingTalk, Feishu or Slack runs the same command."""

import pytest

from bot.dingtalk.card_actions import command_for as dingtalk_click
from bot.feishu.events import command_for as feishu_click
from commands import buttons
from commands import messages as m


@pytest.mark.parametrize(("action", "expected"), [
    ("claim", m.Claim("IT-4")), ("resume", m.Resume("IT-4")), ("reopen", m.Reopen("IT-4")),
    ("close", m.Close("IT-4")), ("cancel", m.Cancel("IT-4")), ("urge", m.Urge("IT-4")),
    ("kb_save", m.KbSave("IT-4")), ("approve", m.Approve("IT-4")),
    ("pend", None), ("resolve", None), ("transfer", None), ("nonsense", None)])
def test_a_click_runs_the_same_command_on_every_messenger(action: str,
                                                          expected: m.Command | None) -> None:
    assert buttons.click_command(action, "IT-4") == expected
    assert dingtalk_click(action, "IT-4", None) == expected
    assert feishu_click(action, "IT-4", None) == expected


def test_words_from_a_form_go_with_the_click() -> None:
    assert buttons.click_command("resolve", "IT-4", "new toner") == m.Resolve("IT-4", "new toner")
    assert buttons.click_command("cancel", "IT-4", "raised twice") == m.Cancel("IT-4",
                                                                               "raised twice")
    assert dingtalk_click("pend", "IT-4", "waiting on vendor") == m.Pend("IT-4", "waiting on vendor")
    assert buttons.click_command("merge", "IT-4", arg="IT-2") == m.Merge("IT-4", "IT-2")
