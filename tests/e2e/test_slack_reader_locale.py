"""Slack answers in the reader's language while the bot speaks English: what one person reads
alone (a slash command's answer, a refusal, help, their DM with the bot, their App Home) is in
their `language` preference, else their Slack language (users.info with include_locale, asked
after the ack and once per person), else the bot's. The ticket's card, read by the whole
channel, stays in the bot's language. (Modals: tests/e2e/test_slack_modal_locale.py.)"""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.e2e.test_slack_http import card_in
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack
                ) -> AsyncIterator[SlackStack]:
    fake_slack.add_user("U0ALICE", real_name="Alice", locale="zh-CN")  # Slack set to 简体中文
    fake_slack.add_user("U0CAROL", real_name="Carol", locale="en-GB")
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        assert running.core.settings.locale == "en"  # the bot's own language
        yield running


def last_reply(stack: SlackStack) -> str:
    return str(stack.responses()[-1]["text"])


async def test_a_chinese_slack_user_reads_chinese_and_the_card_stays_english(
        stack: SlackStack) -> None:
    fake = stack.fake
    response = await stack.command("U0ALICE", "help")
    # Her Slack language is not known at the ack: the answer follows via the response_url.
    assert response.content == b""
    assert last_reply(stack).startswith("可用命令")
    assert [c.args.get("include_locale") for c in fake.calls_to("users.info")] == ["1"]

    response = await stack.command("U0ALICE", "new 打印机卡纸")
    assert response.json()["text"].startswith("已为 Alice 创建工单 IT-1")  # known now: in the ack
    assert len(fake.calls_to("users.info")) == 1  # asked once
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert card["text"] == "IT-1 · 打印机卡纸 (New, P3)"  # the channel's card: the bot's words
    assert "Claim" in [e["text"]["text"] for b in card["blocks"] if b["type"] == "actions"
                       for e in b["elements"]]

    await stack.command("U0ALICE", "claim IT-1")  # a requester is not an agent
    assert last_reply(stack) == "只有团队成员、团队负责人或管理员可以领取此工单。"
    await stack.interact(stack.click("U0ALICE", "claim", card, "C0GENERAL"))
    refused = [m["text"] for m in fake.ephemeral_messages("C0GENERAL") if m["user"] == "U0ALICE"]
    assert refused[-1] == "只有团队成员、团队负责人或管理员可以领取此工单。"

    await stack.event(sp.app_mention("<@U0BOT> help claim", user="U0ALICE", channel="C0GENERAL",
                                     ts="1767000000.000300"))
    told = [m["text"] for m in fake.ephemeral_messages("C0GENERAL") if m["user"] == "U0ALICE"]
    assert told[-1].startswith("用法：")

    await stack.event(sp.message("help", user="U0ALICE", channel="D0ALICE",
                                 ts="1767000000.000400", channel_type="im"))
    assert fake.messages("D0ALICE")[-1]["text"].startswith("可用命令")


async def test_an_english_slack_user_reads_english(stack: SlackStack) -> None:
    await stack.command("U0CAROL", "help")  # en-GB
    assert last_reply(stack).startswith("Commands")
    await stack.command("U0BOB", "help")  # no language chosen in Slack: en-US
    assert last_reply(stack).startswith("Commands")
    await stack.command("U0BOB", "claim IT-9")
    assert last_reply(stack) == "There is no ticket IT-9. Try `list` to see yours."


async def test_the_language_preference_wins_over_slack(stack: SlackStack) -> None:
    await stack.command("U0CAROL", "language zh-CN")  # Slack says en-GB; she chose Chinese
    await stack.command("U0CAROL", "help")
    assert last_reply(stack).startswith("可用命令")
    await stack.command("U0ALICE", "language en")  # Slack says zh-CN; she chose English
    await stack.command("U0ALICE", "help")
    assert last_reply(stack).startswith("Commands")


async def test_the_app_home_is_in_its_readers_language(stack: SlackStack) -> None:
    await stack.event(sp.app_home_opened(user="U0ALICE"))
    await stack.event(sp.app_home_opened(user="U0CAROL"))
    headers = {v["_user_id"]: v["blocks"][0]["text"]["text"]
               for v in stack.fake.views.values() if v["type"] == "home"}
    assert headers == {"U0ALICE": "我的工单", "U0CAROL": "Your tickets"}


async def test_notices_to_a_person_follow_their_slack_language(stack: SlackStack) -> None:
    """Slack's word on her language is kept with her preferences, so the notices written for
    her later (by any replica, from its outbox) are in it too, while the card stays English."""
    await stack.command("U0ALICE", "new 打印机卡纸")  # she is asked about once, after the ack
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "resolve IT-1 换了硒鼓")
    await stack.deliver()
    fake = stack.fake
    assert [m["text"] for m in fake.messages(fake.im_channel("U0ALICE"))] == [
        "Bob 已开始处理 IT-1（打印机卡纸）。",
        "IT-1（打印机卡纸）已解决：换了硒鼓。如未解决，请回复 `reopen IT-1`。"]
    assert [m["text"] for m in fake.messages("C0GENERAL")][1:] == [  # the channel: English
        "Bob is now working on IT-1 (打印机卡纸).",
        "IT-1 (打印机卡纸) is resolved: 换了硒鼓. Reply `reopen IT-1` if it is not fixed."]
    await stack.command("U0ALICE", "language en")  # her own choice wins from now on
    await stack.command("U0ALICE", "reopen IT-1 still jams")
    await stack.command("U0BOB", "resolve IT-1 new drum")
    await stack.deliver()
    assert [m["text"] for m in fake.messages(fake.im_channel("U0ALICE"))][2:] == [
        "IT-1 (打印机卡纸) is resolved: new drum. Reply `reopen IT-1` if it is not fixed."]
