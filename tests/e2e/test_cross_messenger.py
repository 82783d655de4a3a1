"""A ticket that spans messengers: alice (DingTalk) opens it in her office's group, bob (Slack)
claims it on the help desk's card, carol (Feishu) replies from her team's group. Every side keeps
one card in the right state, each reply reaches the other threads with its author's name, and
every message is sent once. People's accounts come from the organisation file's `identities:`.
Feishu's events arrive over its long connection (tests/fakes/feishu_ws.py), as in production.
"""

import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import AuditRow, CommentRow, TicketMessageRow
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.fakes.dingtalk_openapi import CARD_CREATE_AND_DELIVER_PATH
from tests.fakes.feishu_openapi import FakeFeishu
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock
from tests.support.dingtalk import Member
from tests.support.feishu import User, fields
from tests.support.feishu import buttons as buttons_of
from tests.support.messengers import World, three_messengers

ORG = """\
default_queue: IT
people:
  - {handle: alice, name: Alice, identities: [{platform: dingtalk, id: staff-alice}]}
  - {handle: bob, name: Bob, identities: [{platform: slack, id: U0BOB}]}
  - {handle: carol, name: Carol, identities: [{platform: feishu, id: ou_carol}]}
  - handle: dave
    name: Dave
    identities: [{platform: slack, id: U0DAVE}, {platform: feishu, id: ou_dave}]
teams:
  - {key: it, name: IT Support, leads: [bob], members: [bob, carol]}
queues:
  - key: IT
    name: Help desk
    default_team: it
    channels: {slack: C0ITDESK, feishu: oc_it}
"""
DESK, FEISHU_DESK, OFFICE = "C0ITDESK", "oc_it", "cidSHOFFICE=="
TEMPLATE = "f3c1d7a2-0000-4e7b-9d3c-ticketbot.schema"
ALICE = Member("staff-alice", "Alice")
CAROL, DAVE = User("ou_carol", "Carol"), User("ou_dave", "Dave")


@pytest.fixture
async def world(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                fake_dingtalk_gateway: FakeDingTalkGateway, fake_feishu: FakeFeishu,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[World]:
    fake_feishu.chats.add(FEISHU_DESK)
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    async with three_messengers(database_url, org, clock, fake_slack, fake_dingtalk_gateway,
                                fake_feishu, monkeypatch, template=TEMPLATE) as running:
        yield running


def slack_state(world: World) -> tuple[str, list[str]]:
    card = world.slack.card(DESK, "IT-1")
    buttons = [e["action_id"] for b in card["blocks"] if b["type"] == "actions"
               for e in b["elements"]]
    return json.dumps(card["blocks"], ensure_ascii=False), buttons


def assert_each_sent_once(world: World) -> None:
    """No line was posted twice to one place (a retry, a mirror or an echo would repeat one)."""
    slack = Counter((m["thread_ts"], m["text"]) for ch in (DESK,)
                    for m in world.slack.fake.messages(ch) if m["user"] != "U0BOB")
    dingtalk = Counter([("group", t) for t in world.dingtalk.group_texts(OFFICE)]
                       + [("alice", t) for t in world.dingtalk.private_texts(ALICE)])
    feishu = Counter((m.parent_id, m.text) for m in world.feishu.fake.messages.values()
                     if m.sender is None)
    for seen in (slack, dingtalk, feishu):
        assert [line for line, times in seen.items() if times > 1] == []


async def test_dingtalk_requester_slack_agent_feishu_colleague(world: World) -> None:
    office = world.dingtalk.group(OFFICE)
    await office.says(ALICE, "new P2 VPN drops every hour")

    # One card in the group it was raised in, one in each of the queue's channels.
    _, card = world.dingtalk.card(OFFICE, "IT-1")
    assert (card["status_text"], card["assignee"]) == ("新建", "未指派")
    slack_card, buttons = slack_state(world)
    assert "ticket:claim" in buttons
    feishu_card = world.feishu.card(FEISHU_DESK, "IT-1")
    assert "状态：新建" in fields(feishu_card)

    # bob claims it on the help desk's Slack card.
    await world.slack.clicks("U0BOB", "bob", DESK, "IT-1", "claim")
    _, card = world.dingtalk.card(OFFICE, "IT-1")
    assert (card["status_text"], card["assignee"]) == ("处理中", "Bob")
    slack_card, buttons = slack_state(world)
    assert "*Assignee*\\n<@U0BOB>" in slack_card and "ticket:claim" not in buttons
    assert "处理人：Bob" in fields(world.feishu.card(FEISHU_DESK, "IT-1"))
    # alice reads the claim in her group (a card's "thread" on DingTalk is the group).
    assert office.texts() == ["Bob 已开始处理 IT-1（VPN drops every hour）。"]

    # bob answers in the Slack card's thread; alice and Feishu read it with his name.
    await world.slack.replies_in_thread("U0BOB", DESK, "IT-1", "Which office are you in?")
    assert office.texts()[-1] == "Bob 回复了 IT-1：Which office are you in?"
    feishu_card = world.feishu.card(FEISHU_DESK, "IT-1")
    assert [m.text for m in world.feishu.fake.replies_to(feishu_card.message_id)][-1] == (
        "Bob 回复了 IT-1：Which office are you in?")
    # …and not again in his own thread: people there read it already.
    assert "Which office are you in?" not in " ".join(world.slack.thread(DESK, "IT-1"))

    # carol replies from her Feishu group, over the long connection as in production (no
    # event route is configured): the event is delivered once and acknowledged once.
    acked = len(world.feishu.fake.ws.acks)
    await world.feishu.says(CAROL, "reply IT-1 Shanghai office VPN gateway is being replaced",
                            chat=FEISHU_DESK)
    carols = world.feishu.fake.ws.acks[acked:]
    assert [(a.deliveries, a.code) for a in carols] == [(1, 200)]
    assert "Shanghai office VPN gateway" in carols[0].payload.decode()
    assert office.texts()[-1] == (
        "Carol 回复了 IT-1：Shanghai office VPN gateway is being replaced")
    assert world.slack.thread(DESK, "IT-1")[-1].startswith("Carol replied on IT-1")

    # The bot's own mirrored post, echoed back by Slack as a thread message, is no new reply.
    card_ts = world.slack.card(DESK, "IT-1")["ts"]
    mirrored = [m for m in world.slack.fake.messages(DESK) if m["thread_ts"] == card_ts][-1]
    await world.slack.event(sp.message(mirrored["text"], user=world.slack.fake.bot_user_id,
                                       channel=DESK, ts=mirrored["ts"], thread_ts=card_ts,
                                       bot_id=world.slack.fake.bot_id))

    # bob resolves it from Slack; every card says so.
    await world.slack.command("U0BOB", "bob", "resolve IT-1 gateway replaced", DESK)
    _, card = world.dingtalk.card(OFFICE, "IT-1")
    assert card["status_text"] == "已解决"
    assert "状态：已解决" in fields(world.feishu.card(FEISHU_DESK, "IT-1"))
    slack_card, buttons = slack_state(world)
    assert "ticket:reopen" in buttons
    assert office.texts()[-1].startswith("IT-1（VPN drops every hour）已解决：gateway replaced")
    # The final state of each card, on every side: resolved by Bob, with the same buttons.
    assert (card["status_text"], card["assignee"], card["resolution"]) == (
        "已解决", "Bob", "gateway replaced")
    assert [a["id"] for a in json.loads(card["actions"])] == ["note", "reopen", "close", "kb_save"]
    feishu_card = world.feishu.card(FEISHU_DESK, "IT-1")
    assert {"状态：已解决", "处理人：Bob"} <= set(fields(feishu_card))
    assert [b["value"]["action"] for b in buttons_of(feishu_card)] == [
        "note", "reopen", "close", "kb_save"]
    assert all(f in slack_card for f in ("*Status*\\nResolved", "*Assignee*\\n<@U0BOB>",
                                         "Resolution: gateway replaced"))
    assert buttons == ["ticket:note", "ticket:reopen", "ticket:close", "ticket:kb_save:"]

    # alice reads in her own chat which messenger each step came from.
    me = world.dingtalk.private(ALICE)
    await me.says("history IT-1")
    history = me.texts()[-1]
    assert [history.count(f"[{name}]") > 0 for name in ("钉钉", "Slack", "飞书")] == [True] * 3
    assert "{{" not in history and "source." not in history

    # One card per place, each updated in place; each line sent once.
    assert len(world.dingtalk.gateway.calls_to(CARD_CREATE_AND_DELIVER_PATH)) == 1
    assert len(world.feishu.fake.cards_in(FEISHU_DESK)) == 1
    assert_each_sent_once(world)
    async with world.app.engine.connect() as conn:
        places = sorted((r.platform, r.address) for r in (await conn.execute(
            select(TicketMessageRow))).all())
        comments = (await conn.execute(select(CommentRow.body))).scalars().all()
        sources = [(r.action, r.source) for r in (await conn.execute(
            select(AuditRow.action, AuditRow.source).order_by(AuditRow.id))).all()]
    assert places == [("dingtalk", OFFICE), ("feishu", FEISHU_DESK), ("slack", DESK)]
    assert len(comments) == 2  # the echo added none
    # The history says where each step came from.
    assert [s for a, s in sources if a in ("create", "claim", "reply", "resolve")] == [
        "dingtalk", "slack", "slack", "feishu", "slack"]


async def test_a_messenger_down_gets_its_cards_once_it_is_back(
        world: World, clock: FakeClock) -> None:
    feishu = world.feishu.fake
    await feishu.stop()  # connections refused
    office = world.dingtalk.group(OFFICE)
    await office.says(ALICE, "new P2 VPN drops every hour")
    await world.slack.clicks("U0BOB", "bob", DESK, "IT-1", "claim")
    # The other messengers do not wait for Feishu.
    assert world.dingtalk.card(OFFICE, "IT-1")[1]["assignee"] == "Bob"
    assert "*Assignee*\\n<@U0BOB>" in slack_state(world)[0]
    assert office.texts() == ["Bob 已开始处理 IT-1（VPN drops every hour）。"]
    assert feishu.messages == {}

    await feishu.start()  # it answers again, but only with errors for a while
    feishu.down = True
    clock.advance(seconds=60)
    await world.settle()
    assert feishu.messages == {} and {c.status for c in feishu.calls} == {503}

    feishu.down = False
    for _ in range(4):  # past every row's next try
        clock.advance(seconds=60)
        await world.settle()
    card = world.feishu.card(FEISHU_DESK, "IT-1")
    assert "处理人：Bob" in fields(card)
    assert [m.text for m in feishu.replies_to(card.message_id)] == [
        "Bob 已开始处理 IT-1（VPN drops every hour）。"]
    assert len(feishu.cards_in(FEISHU_DESK)) == 1
    # Nothing was sent twice to the messengers that stayed up.
    assert office.texts() == ["Bob 已开始处理 IT-1（VPN drops every hour）。"]
    assert_each_sent_once(world)


async def test_a_collaborator_is_told_where_they_last_spoke(world: World) -> None:
    slack, feishu = world.slack.fake, world.feishu.fake
    await world.feishu.says(DAVE, "help")  # dave, on Slack and Feishu, uses Feishu today
    office = world.dingtalk.group(OFFICE)
    await office.says(ALICE, "new P2 VPN drops every hour")
    await world.slack.replies_in_thread("U0BOB", DESK, "IT-1", "<@U0DAVE> can you look at it?")
    told = [m.text for m in feishu.to_user(DAVE.open_id)]
    assert len(told) == 1 and told[0].startswith(
        "Bob 在 IT-1（VPN drops every hour）的回复中提到了你，并将你添加为协作人：")
    assert slack.messages(slack.im_channel("U0DAVE")) == []

    # Back on Slack, he hears the next reply there.
    await world.slack.command("U0DAVE", "dave", "list", "C0GENERAL")
    await office.says(ALICE, "reply IT-1 it dropped again at 10:00")
    assert [m["text"] for m in slack.messages(slack.im_channel("U0DAVE"))] == [
        "Alice replied on IT-1: it dropped again at 10:00"]
    assert len(feishu.to_user(DAVE.open_id)) == len(told)


async def test_a_reply_in_a_chat_with_the_bot_reaches_the_card_on_its_own_messenger(
        world: World) -> None:
    office = world.dingtalk.group(OFFICE)
    await office.says(ALICE, "new P2 VPN drops every hour")
    await world.slack.clicks("U0BOB", "bob", DESK, "IT-1", "claim")

    # alice answers from her 1:1 chat with the robot: the group holding the card hears it,
    # as do the other messengers' threads; her own chat has only the answer.
    me = world.dingtalk.private(ALICE)
    await me.says("reply IT-1 it dropped again at 10:00")
    line = "Alice 回复了 IT-1：it dropped again at 10:00"
    assert office.texts()[-1] == line
    assert line not in me.texts()
    assert world.slack.thread(DESK, "IT-1")[-1] == "Alice replied on IT-1: it dropped again at 10:00"

    # bob answers from his direct chat with the app on Slack: the Slack card's thread reads it.
    await world.slack.command("U0BOB", "bob", "reply IT-1 Which office are you in?", "D0BOB")
    await world.settle()
    assert world.slack.thread(DESK, "IT-1")[-1] == "Bob replied on IT-1: Which office are you in?"
    assert office.texts()[-1] == "Bob 回复了 IT-1：Which office are you in?"

    # carol answers from her own chat with the bot on Feishu: the Feishu card's thread reads it.
    await world.feishu.says(CAROL, "reply IT-1 the Shanghai gateway is being replaced")
    await world.settle()
    feishu_card = world.feishu.card(FEISHU_DESK, "IT-1")
    assert [m.text for m in world.feishu.fake.replies_to(feishu_card.message_id)][-1] == (
        "Carol 回复了 IT-1：the Shanghai gateway is being replaced")
    assert office.texts()[-1] == "Carol 回复了 IT-1：the Shanghai gateway is being replaced"
    assert_each_sent_once(world)
