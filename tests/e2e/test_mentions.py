"""@-mentions in `note` and `reply` through each messenger's real adapter: Slack's `<@U…>` in a
slash command, DingTalk's atUsers in a robot message. The person joins the ticket and is told;
`@here` in a title stays text and pings nobody."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from storage.models import CollaboratorRow, PersonRow
from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.e2e.test_dingtalk import (  # noqa: F401 (fixtures)
    IT_GROUP,
    LI,
    WANG,
    ZHANG,
    dingtalk,
    silence,
    template,
)
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def collaborators(app: App, key_number: int = 1) -> list[str]:
    async with app.engine.connect() as conn:
        return list((await conn.execute(
            select(PersonRow.handle).join(CollaboratorRow, CollaboratorRow.person_id == PersonRow.id)
            .where(CollaboratorRow.ticket_id == key_number).order_by(PersonRow.handle))).scalars())


async def test_slack_note_and_reply_add_the_people_they_mention(stack: SlackStack) -> None:
    fake = stack.fake
    await stack.command("U0ALICE", "new P2 Relay keeps tripping")
    await stack.command("U0BOB", "claim IT-1")
    await stack.deliver()

    await stack.command("U0BOB", "note IT-1 <@U0CAROL|carol> please check the relay")
    assert stack.responses()[-1]["text"] == (
        "Internal note added to IT-1 (agents only). Added Carol as collaborators.")
    await stack.command("U0BOB", "reply IT-1 <@U0DAVE> is on it too")
    assert stack.responses()[-1]["text"] == "Reply added to IT-1. Added Dave as collaborators."
    await stack.deliver()
    assert await collaborators(stack.core) == ["carol", "dave"]
    assert [m["text"] for m in fake.messages(fake.im_channel("U0CAROL"))] == [
        "Bob mentioned you in an internal note on IT-1 (Relay keeps tripping) and added you to it: "
        "&lt;@U0CAROL|carol&gt; please check the relay",
        "Bob replied on IT-1: &lt;@U0DAVE&gt; is on it too"]  # a collaborator now hears replies
    assert [m["text"] for m in fake.messages(fake.im_channel("U0DAVE"))] == [
        "Bob mentioned you on IT-1 (Relay keeps tripping) and added you to it: "
        "&lt;@U0DAVE&gt; is on it too"]

    await stack.command("U0DAVE", "history IT-1")
    history = stack.responses()[-1]["text"]
    assert "Bob  Add collaborator · added: Carol  [slack]" in history
    assert "Bob  Add collaborator · added: Dave  [slack]" in history


async def test_slack_here_in_a_title_is_text_and_never_a_broadcast(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "new P3 Printer broken @here")
    assert stack.responses()[-1]["text"] == "Created IT-1 for Alice for IT Support."
    await stack.deliver()
    cards = [m for m in stack.fake.messages("C0GENERAL") if m.get("blocks")]
    assert cards[0]["text"] == "IT-1 · Printer broken @here (New, P3)"
    posted = repr([call.args for call in stack.fake.calls])
    assert "@here" in posted and not re.search(r"<!(here|channel|everyone)", posted)


async def test_dingtalk_note_adds_the_at_user_and_tells_them(dingtalk: DingTalk) -> None:  # noqa: F811
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new P2 中继一直跳闸")
    await group.says(WANG, "claim IT-1")
    await group.says(WANG, "备注 IT-1 @张三 请检查中继", at=(ZHANG,))
    assert await collaborators(dingtalk.app) == ["zhang"]
    assert dingtalk.private_texts(ZHANG)[-1] == (
        "王芳 在 IT-1（中继一直跳闸）的内部备注中提到了你，并将你添加为协作人：@张三 请检查中继")
    assert dingtalk.private_texts(WANG)[-1].startswith(  # then the ticket's card, in markdown
        "已为 IT-1 添加内部备注（仅处理人员可见）。已将 张三 添加为协作人。\n")
    assert not any("请检查中继" in text for text in dingtalk.private_texts(LI) + group.texts())
