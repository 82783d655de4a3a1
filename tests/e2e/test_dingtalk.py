"""The DingTalk robot end to end: the real dingtalk-stream client connects through
DINGTALK_OPENAPI_ENDPOINT to a fake gateway and OpenAPI on 127.0.0.1; messages and card clicks
are pushed as the platform frames them; assertions are on what reached the fake OpenAPI."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.dingtalk_gateway import BOT_TOPIC, OPEN_PATH, FakeDingTalkGateway, robot_message
from tests.fakes.dingtalk_openapi import (
    ACCESS_TOKEN_PATH,
    BATCH_SEND_PATH,
    CARD_CREATE_AND_DELIVER_PATH,
    CARD_UPDATE_PATH,
    GROUP_SEND_PATH,
)
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, Member, running

ORG = """\
default_queue: IT
people:
  - {handle: li, name: 李雷, dingtalk_id: staff-li}
  - {handle: wang, name: 王芳, dingtalk_id: staff-wang}
  - {handle: zhang, name: 张三, dingtalk_id: staff-zhang}
  - {handle: zhao, name: 赵敏, dingtalk_id: staff-zhao}
teams:
  - {key: it, name: IT 支持, leads: [zhao], members: [wang]}
  - {key: network, name: 网络组, leads: [zhang], members: [zhang]}
queues:
  - key: IT
    name: IT 服务台
    default_team: it
    channels: {dingtalk: cidITGROUP==}
"""
IT_GROUP = "cidITGROUP=="
TEMPLATE = "f3c1d7a2-0000-4e7b-9d3c-ticketbot.schema"
LI, WANG = Member("staff-li", "李雷"), Member("staff-wang", "王芳")
ZHANG, ZHAO = Member("staff-zhang", "张三"), Member("staff-zhao", "赵敏")


@pytest.fixture
def template() -> str | None:
    return TEMPLATE


@pytest.fixture
def silence() -> float:
    return 5.0  # long enough that a stalled test loop never looks like a dead link


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway, template: str | None,
                   silence: float, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=template, silence=silence) as world:
        yield world


async def test_group_and_private_chat_in_chinese_with_cards_updated_in_place(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    group = dingtalk.group(IT_GROUP)

    await group.says(LI, "new P2 打印机无法联网")
    track, card = dingtalk.card(IT_GROUP, "IT-1")
    created = fake.cards[track]
    assert created["cardTemplateId"] == TEMPLATE and created["callbackType"] == "STREAM"
    assert created["imGroupOpenDeliverModel"]["robotCode"] == fake.robot_code
    assert (card["title"], card["status_text"], card["priority"], card["assignee"]) == (
        "打印机无法联网", "新建", "P2", "未指派")
    assert [b["text"] for b in json.loads(card["actions"])] == ["领取", "转派", "内部备注", "催单"]
    assert group.texts() == []  # the card in the group is the answer

    await group.clicks(WANG, "IT-1", "claim")
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert (card["status_text"], card["assignee"]) == ("处理中", "王芳")
    assert group.texts() == ["王芳 已开始处理 IT-1（打印机无法联网）。"]
    assert len(fake.calls_to(CARD_CREATE_AND_DELIVER_PATH)) == 1  # updated in place

    await group.says(WANG, "transfer IT-1 @张三 原因: 需要网络组处理", at=(ZHANG,))
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert (card["assignee"], card["team"]) == ("张三", "网络组")
    assert group.texts()[-1] == "王芳 将 IT-1（打印机无法联网）转派给 张三，原因：需要网络组处理"
    # The new assignee hears it 1:1, through the OpenAPI.
    assert dingtalk.private_texts(ZHANG) == [group.texts()[-1]]

    await group.clicks(ZHANG, "IT-1", "pend")  # needs a reason the button cannot bring
    assert dingtalk.private_texts(ZHANG)[-1] == (
        "等待需要填写内容，请 @我 发送：`pend IT-1 <reason>`")
    await group.says(ZHANG, "pend IT-1 等待供应商寄送网卡")
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert (card["status_text"], card["pending_reason"]) == ("等待中", "等待供应商寄送网卡")
    await group.says(ZHANG, "resume IT-1")
    await group.says(ZHANG, "resolve IT-1 已更换网卡")
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert (card["status_text"], card["resolution"]) == ("已解决", "已更换网卡")
    buttons = json.loads(card["actions"])
    assert [(b["id"], b["text"]) for b in buttons] == [("note", "内部备注"), ("reopen", "重新打开"),
                                                       ("close", "关闭"), ("kb_save", "存入知识库")]
    assert buttons[1]["params"] == {"action": "reopen", "key": "IT-1", "v": "6"}
    assert group.texts()[-3:] == [
        "IT-1（打印机无法联网）等待中：等待供应商寄送网卡",
        "IT-1（打印机无法联网）已恢复处理（张三）。",
        "IT-1（打印机无法联网）已解决：已更换网卡。如未解决，请回复 `reopen IT-1`。",
    ]
    assert len(fake.calls_to(CARD_UPDATE_PATH)) == 5

    me = dingtalk.private(LI)
    await me.says("列表")
    assert me.texts()[-1].startswith("我提交的工单：  \n• IT-1 [P2] 打印机无法联网 · 已解决 · 张三")
    await me.says("help")
    assert me.texts()[-1].startswith("可用命令")
    # Nothing went through a sessionWebhook.
    assert not [c for c in fake.calls if "sendBySession" in c.method]


async def test_a_redelivered_message_or_click_changes_nothing(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    group = dingtalk.group(IT_GROUP)
    sent = await group.says(LI, "new P3 显示器闪烁")
    # The platform pushes the same message again (no ACK seen), as a new frame…
    await dingtalk.deliver(sent)
    # …and the very same frame once more.
    await fake.redeliver(next(iter(fake.frames)))
    await dingtalk.settle()
    assert len(fake.calls_to(CARD_CREATE_AND_DELIVER_PATH)) == 1
    await dingtalk.private(LI).says("list")
    assert dingtalk.private_texts(LI)[-1].count("IT-") == 1

    click = await group.clicks(WANG, "IT-1", "claim")
    second = await fake.send_card_callback(click)  # a double click
    assert (await fake.wait_ack(second))["code"] == 200
    await dingtalk.settle()
    assert group.texts() == ["王芳 已开始处理 IT-1（显示器闪烁）。"]
    assert dingtalk.private_texts(WANG) == []  # not even an "already claimed" refusal

    # A read-only command redelivered is answered once.
    me = dingtalk.private(LI)
    before = len(me.texts())
    listing = await me.says("list")
    await dingtalk.deliver(listing)
    assert len(me.texts()) == before + 1


async def test_throttled_replies_and_sends_are_retried_without_loss(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway, clock: FakeClock) -> None:
    fake = fake_dingtalk_gateway
    me = dingtalk.private(LI)
    fake.fail_next(BATCH_SEND_PATH, code="Forbidden.AccessDenied.QpsLimitForAppkeyAndApi")
    fake.fail_next(BATCH_SEND_PATH, status=429)
    await me.says("help")
    assert len(me.texts()) == 1 and me.texts()[0].startswith("可用命令")
    assert dingtalk.sleeps == [2.0, 2.0]  # as long as DingTalk asked (Retry-After, default 2 s)

    # The card's creation is throttled: the relay waits and creates it once.
    fake.fail_next(CARD_CREATE_AND_DELIVER_PATH, code="Forbidden.AccessDenied.QpsLimitForApi")
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new 打印机卡纸")
    assert fake.cards == {}
    clock.advance(seconds=2)
    await dingtalk.settle()
    assert len(fake.cards) == 1
    assert [c.status for c in fake.calls_to(CARD_CREATE_AND_DELIVER_PATH)] == [403, 200]

    # The group is flooded (legacy 130101, 20 a minute): the line waits a minute, then goes.
    fake.fail_next(GROUP_SEND_PATH, code="130101")
    await group.clicks(WANG, "IT-1", "claim")
    assert group.texts() == []
    clock.advance(seconds=59)
    await dingtalk.settle()
    assert group.texts() == []
    clock.advance(seconds=1)
    await dingtalk.settle()
    assert group.texts() == ["王芳 已开始处理 IT-1（打印机卡纸）。"]
    assert [c.status for c in fake.calls_to(GROUP_SEND_PATH)] == [200, 200]


async def test_expired_tokens_are_replaced_and_fresh_ones_fetched_before_expiry(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway, clock: FakeClock) -> None:
    fake = fake_dingtalk_gateway
    me = dingtalk.private(LI)
    await me.says("help")
    assert len(fake.calls_to(ACCESS_TOKEN_PATH)) == 1
    fake.expire_tokens()  # DingTalk forgets the token early: refused once, replaced, sent
    await me.says("help")
    assert len(me.texts()) == 2 and len(fake.calls_to(ACCESS_TOKEN_PATH)) == 2
    clock.advance(seconds=7200 - 5 * 60)  # within five minutes of expiry: renewed first
    await me.says("help")
    assert len(me.texts()) == 3 and len(fake.calls_to(ACCESS_TOKEN_PATH)) == 3
    assert [c.status for c in fake.calls_to(BATCH_SEND_PATH)] == [200, 400, 200, 200]


async def test_a_dropped_connection_reconnects_and_loses_nothing(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new 网络很慢")
    await fake.drop()
    await fake.wait_connections(2)
    await group.says(LI, "new 邮箱无法登录")
    assert {c["cardData"]["cardParamMap"]["key"] for c in fake.cards.values()} == {"IT-1", "IT-2"}
    opened = fake.calls_to(OPEN_PATH)
    assert len(opened) == 2
    assert opened[0].args["clientId"] == fake.app_key
    assert opened[0].args["clientSecret"] == fake.app_secret
    assert {s["topic"] for s in opened[0].args["subscriptions"]} == {
        "/v1.0/im/bot/messages/get", "/v1.0/card/instances/callback"}

    # A message pushed as the connection died, never ACKed, comes again after reconnecting.
    data = robot_message(text="new 打印机没墨了", sender_staff_id=LI.staff_id, sender_nick=LI.nick,
                         conversation_id=IT_GROUP, robot_code=fake.robot_code)
    lost = fake.lost(BOT_TOPIC, data)
    await fake.drop()
    await fake.wait_connections(3)
    await fake.wait_ack(lost)
    await dingtalk.settle()
    assert len(fake.cards) == 3


@pytest.mark.parametrize("silence", [1.0])
async def test_a_silent_connection_is_replaced(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    fake.silent = True  # pings go unanswered, nothing arrives
    await fake.wait_connections(2)
    fake.silent = False
    await dingtalk.group(IT_GROUP).says(LI, "new 投影仪没有信号")
    assert len(fake.cards) == 1


async def test_system_ping_and_disconnect(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    ping = await fake.ping()
    ack = await fake.wait_ack(ping)
    assert ack["code"] == 200 and ack["headers"]["messageId"] == ping
    assert json.loads(ack["data"]) == json.loads(fake.frames[ping]["data"])  # the opaque echoed
    await fake.disconnect()
    await fake.wait_connections(2)
    await dingtalk.group(IT_GROUP).says(LI, "new 会议室电视坏了")
    assert len(fake.cards) == 1


@pytest.mark.parametrize("template", [None])
async def test_without_a_card_template_tickets_are_markdown_with_action_links(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    me = dingtalk.private(LI)
    await me.says("new P2 打印机*无法*联网")
    [reply] = me.texts()
    assert reply.startswith("已为 李雷 创建工单 IT-1，由 IT 支持 处理。\n\n#### IT-1 · 打印机＊无法＊联网")
    assert "**状态**：新建 · **优先级**：P2 · **团队**：IT 支持" in reply
    assert "**截止时间**：2026-03-03 01:00" in reply  # 17:00 UTC, shown in Asia/Shanghai
    assert reply.endswith("[催单](dtmd://dingtalkclient/sendMessage?content=urge%20IT-1)")
    assert fake_dingtalk_gateway.cards == {}

    await dingtalk.private(WANG).says("claim IT-1")
    group = dingtalk.group(IT_GROUP)
    assert len(group.texts()) == 2  # the creation and the claim, from the outbox
    await group.says(WANG, "pend IT-1 等待配件")  # not announced in the group: answered there
    [answer] = group.texts()[2:]
    assert answer.startswith("@王芳 IT-1 进入等待：等待配件\n\n#### IT-1 · 打印机＊无法＊联网")
    assert "转派：`transfer IT-1 @… reason: …`" in answer
    assert "[恢复处理](dtmd://dingtalkclient/sendMessage?content=resume%20IT-1)" in answer

    # Errors are for the sender alone: 1:1, not in the group.
    await group.says(WANG, "clam IT-1")
    assert len(group.texts()) == 3
    assert dingtalk.private_texts(WANG)[-1] == "无法识别「clam」。你是指 `claim` 吗？发送 `help` 查看命令。"
    # So is a list asked for in the group.
    await group.says(WANG, "list mine")
    assert len(group.texts()) == 3
    assert dingtalk.private_texts(WANG)[-1].startswith("指派给我的工单：")


@pytest.mark.parametrize("template", [None])
async def test_without_a_card_template_a_change_is_one_message_in_the_group(
        dingtalk: DingTalk) -> None:
    """The queue's group hears of a creation, a claim or a transfer from the outbox; the reply to
    whoever asked in that group would say it a second time."""
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new P2 打印机*无法*联网")
    assert group.texts() == [
        "李雷 提交了 P2 工单 IT-1：打印机＊无法＊联网 · 未指派，发送 `claim IT-1` 领取"]
    await group.says(WANG, "claim IT-1")
    assert group.texts()[1:] == ["王芳 已开始处理 IT-1（打印机＊无法＊联网）。"]
    await group.says(WANG, "transfer IT-1 @张三 原因: 需要网络组处理", at=(ZHANG,))
    assert group.texts()[2:] == [
        "王芳 将 IT-1（打印机＊无法＊联网）转派给 张三，原因：需要网络组处理"]
    # In another group (not the ticket's) the asker is still answered there.
    other = dingtalk.group("cidELSEWHERE==")
    await other.says(ZHANG, "priority IT-1 P1")
    [answer] = other.texts()
    assert answer.startswith("@张三 IT-1 优先级由 P2 改为 P1。")
    assert len(group.texts()) == 4


@pytest.mark.parametrize("template", [None])
async def test_a_burst_to_one_group_is_paced_and_merged_into_a_digest(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway, clock: FakeClock) -> None:
    dingtalk.relay = dingtalk.app.relay(dingtalk.senders)  # 20 a minute per group, bursts of 5
    me = dingtalk.private(LI)
    for n in range(7):
        await me.says(f"new 第{n + 1}台电脑无法开机", relay=False)
    await dingtalk.settle()
    texts = dingtalk.group_texts(IT_GROUP)
    assert len(texts) == 1 and texts[0].startswith("7 条工单动态：")
    assert all(f"IT-{n}：第{n}台电脑无法开机" in texts[0] for n in range(1, 8))
    for n in range(8, 13):
        await me.says(f"new 第{n}台电脑无法开机")  # one at a time: 4 tokens left in the bucket
    assert len(dingtalk.group_texts(IT_GROUP)) == 5  # the 12th waits for a token
    clock.advance(seconds=3)
    await dingtalk.settle()
    assert dingtalk.group_texts(IT_GROUP)[-1] == (
        "李雷 提交了 P3 工单 IT-12：第12台电脑无法开机 · 未指派，发送 `claim IT-12` 领取")


async def test_shutdown_lets_the_message_being_handled_finish_and_ack(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway,
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_dingtalk_gateway
    started = asyncio.Event()
    handle = dingtalk.runtime.messages.handle

    async def slowly(message: Any) -> None:
        started.set()
        await asyncio.sleep(0.3)
        await handle(message)

    monkeypatch.setattr(dingtalk.runtime.messages, "handle", slowly)
    frame = await fake.send_robot_message(robot_message(
        text="new 键盘失灵", sender_staff_id=LI.staff_id, sender_nick=LI.nick,
        conversation_id=IT_GROUP, robot_code=fake.robot_code))
    await started.wait()
    dingtalk.stop.set()  # SIGTERM
    await asyncio.wait_for(dingtalk.running, 5)
    assert fake.acks[frame]["code"] == 200
    assert fake.live is None  # the connection was closed
    while await dingtalk.relay.run_once():
        pass
    assert len(fake.cards) == 1


async def test_refused_connections_are_retried_with_backoff(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    fake.fail_next(OPEN_PATH, status=503, count=2)
    await fake.drop()
    await fake.wait_connections(2)
    assert [c.status for c in fake.calls_to(OPEN_PATH)] == [200, 503, 503, 200]
    await dingtalk.group(IT_GROUP).says(LI, "new 无线网断了")
    assert len(fake.cards) == 1


async def test_a_first_time_sender_is_known_by_their_nick_and_answered_in_their_chat(
        dingtalk: DingTalk, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    chen = dingtalk.private(Member("staff-chen", "陈晨"))
    await chen.says("new P3 咖啡机坏了")
    [reply] = chen.texts()
    # The card lives in the queue's group; the 1:1 answer shows it as markdown.
    assert reply.startswith("已为 陈晨 创建工单 IT-1，由 IT 支持 处理。\n\n#### IT-1 · 咖啡机坏了")
    assert "**提单人**：陈晨" in reply
    _, card = dingtalk.card(IT_GROUP, "IT-1")
    assert card["requester"] == "陈晨"
    await dingtalk.group(IT_GROUP).says(WANG, "claim IT-1")
    assert chen.texts()[-1] == "王芳 已开始处理 IT-1（咖啡机坏了）。"


def _mangled(base: dict[str, Any]) -> Any:
    """Strategies for `base` with keys dropped and values replaced by any JSON."""
    from hypothesis import strategies as st

    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20))
    values = st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
        max_leaves=8)
    keys = sorted(base)
    return st.tuples(st.sets(st.sampled_from(keys)),
                     st.dictionaries(st.sampled_from(keys), values, max_size=3)).map(
        lambda drop_swap: {**{k: v for k, v in base.items() if k not in drop_swap[0]},
                           **drop_swap[1]})


@pytest.fixture
def malformed_frames(fake_dingtalk_gateway: FakeDingTalkGateway) -> list[tuple[str, dict[str, Any]]]:
    """Robot messages and card clicks with fields dropped or of the wrong type (generated before
    the bot connects: generating them takes seconds the stream's watchdog should not count)."""
    from hypothesis import HealthCheck, given, settings

    from tests.fakes.dingtalk_gateway import card_callback

    fake = fake_dingtalk_gateway
    message = robot_message(text="list", sender_staff_id=LI.staff_id, sender_nick=LI.nick,
                            conversation_id=IT_GROUP, robot_code=fake.robot_code,
                            webhook_base=fake.url)
    click = card_callback(out_track_id="track-IT-999", user_id=WANG.staff_id,
                          params={"action": "claim", "key": "IT-999"}, space_id=IT_GROUP)
    frames: list[tuple[str, dict[str, Any]]] = []

    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(_mangled(message), _mangled(click))
    def collect(bad_message: dict[str, Any], bad_click: dict[str, Any]) -> None:
        frames.extend([("message", bad_message), ("click", bad_click)])

    collect()
    return frames


async def test_malformed_frames_are_acknowledged_and_change_nothing(
        malformed_frames: list[tuple[str, dict[str, Any]]], dingtalk: DingTalk,
        fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    """A frame that cannot be read is ACKed (a redelivery would fail the same way), written
    nowhere and answered to no one."""
    from sqlalchemy import func, select

    from storage.models import AuditRow, OutboxRow, TicketRow

    fake = fake_dingtalk_gateway

    async def written() -> list[int]:
        async with dingtalk.app.engine.connect() as conn:
            return [int((await conn.execute(select(func.count()).select_from(model)))
                        .scalar_one()) for model in (TicketRow, AuditRow, OutboxRow)]

    before = await written()
    for kind, data in malformed_frames:
        if kind == "message":
            ack = await dingtalk.deliver(data)
        else:
            ack = await fake.wait_ack(await fake.send_card_callback(data))
            await dingtalk.settle()
        assert ack["code"] == 200, (kind, data)
    assert await written() == before
