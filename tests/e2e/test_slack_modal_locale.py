"""Slack modals in the reader's language while the bot speaks English: the create modal with its
type's own fields, a transition's modal built from the fields it requires, and an approver's
Reject modal are labelled in the language of whoever opens them — their `language` preference,
else their Slack language (users.info with include_locale; asked after views.open, as a trigger_id
lives 3 s, and the modal redrawn with views.update) — and so are the errors shown on
their inputs; an English reader, in the same workspace, still gets English. (The Reject modal:
tests/e2e/test_slack_approvals.py.)"""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import SlackStack, assert_valid_blocks, slack_stack
from tests.e2e.test_slack_http import card_in
from tests.e2e.test_slack_transition_fields import CAUSES, inputs, submit
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    monkeypatch.setattr(stack_module, "ORG", stack_module.ORG + CAUSES)
    fake_slack.add_user("U0BOB", real_name="Bob", locale="zh-CN")  # Slack set to 简体中文
    fake_slack.add_user("U0CAROL", real_name="Carol", locale="en-GB")
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        assert running.core.settings.locale == "en"  # the bot's own language
        yield running


def shown(stack: SlackStack) -> dict[str, Any]:
    """The modal last opened as the reader sees it now: as views.open drew it, or as a
    views.update redrew it in their Slack language once Slack had said it."""
    return [v for v in stack.fake.views.values() if v["type"] == "modal"][-1]


def labels(view: dict[str, Any]) -> dict[str, str]:
    return {b["block_id"]: b["label"]["text"] for b in view["blocks"] if b["type"] == "input"}


async def test_create_and_transition_modals_follow_the_slack_language(stack: SlackStack) -> None:
    await stack.command("U0BOB", "type:incident")
    # Slack's language is not known before views.open (the first call): asked after it, and
    # the modal redrawn in it; Bob's next modals open in Chinese at once.
    assert stack.fake.calls_to("views.open")[-1].args["view"]["title"]["text"] == "New ticket"
    assert len(stack.fake.calls_to("views.update")) == 1
    view = shown(stack)
    assert_valid_blocks(view["blocks"], limit=100)
    assert view["title"]["text"] == "新建工单" and view["submit"]["text"] == "创建"
    found = labels(view)
    assert (found["title"], found["field:site"]) == ("标题", "地点")

    await stack.command("U0CAROL", "type:incident")  # en-GB: English
    found = labels(shown(stack))
    assert (found["title"], found["field:site"]) == ("Title", "Site")

    # Claim needs the site here: its modal, and the error on its input, in Chinese.
    await stack.command("U0ALICE", "new P2 VPN down on floor 3")
    await stack.deliver()
    await stack.interact(stack.click("U0BOB", "claim", card_in(stack, "C0GENERAL"), "C0GENERAL"))
    view = shown(stack)
    assert stack.fake.calls_to("views.open")[-1].args["view"]["title"]["text"] == "领取 IT-1"
    assert len(stack.fake.calls_to("views.update")) == 1  # Carol's English needed no redraw
    assert inputs(view) == [("field:site", "地点", False, "static_select")]
    response = await stack.interact(submit(stack, view, **{
        "field:site": sp.static_select_state(None)}))
    assert response.json() == {"response_action": "errors",
                               "errors": {"field:site": "请填写此项。"}}


async def test_the_language_preference_wins_over_slack(stack: SlackStack) -> None:
    await stack.command("U0CAROL", "language zh-CN")  # Slack says en-GB; she chose Chinese
    await stack.command("U0CAROL", "type:incident")
    assert labels(shown(stack))["field:site"] == "地点"
    await stack.command("U0BOB", "language en")  # Slack says zh-CN; he chose English
    await stack.command("U0BOB", "type:incident")
    assert labels(shown(stack))["field:site"] == "Site"
