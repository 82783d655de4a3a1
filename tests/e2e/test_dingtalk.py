"""The DingTalk robot end to end: the real dingtalk-stream client connects through
DINGTALK_OPENAPI_ENDPOINT to a fake gateway and OpenAPI on 127.0.0.1; messages and card clicks
are pushed as the platform frames them; assertions are on what reached the fake OpenAPI."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.bootstrap import build_app, configure_dingtalk_sdk
from bot.dingtalk.runtime import DingTalkRuntime
from bot.senders.dingtalk import DingTalkSender
from bot.senders.factory import platform_senders
from bot.settings import Settings
from notifications.relay import RetryPolicy
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.fakes.dingtalk_openapi import (
    CARD_CREATE_AND_DELIVER_PATH,
    CARD_UPDATE_PATH,
)
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, Member

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
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway, template: str | None,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    fake = fake_dingtalk_gateway
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    # The deployer's view: environment variables only.
    monkeypatch.setenv("DINGTALK_OPENAPI_ENDPOINT", fake.url)
    monkeypatch.setenv("DINGTALK_CLIENT_ID", fake.app_key)
    monkeypatch.setenv("DINGTALK_CLIENT_SECRET", fake.app_secret)
    monkeypatch.setenv("DINGTALK_ROBOT_CODE", fake.robot_code)
    if template:
        monkeypatch.setenv("DINGTALK_CARD_TEMPLATE_ID", template)
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        timezone="Asia/Shanghai")
    configure_dingtalk_sdk(settings)
    app = await build_app(settings, clock=clock, platforms=settings.platforms)
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0)

    from bot.dingtalk.stream import Backoff

    try:
        async with platform_senders(settings, clock) as senders, httpx.AsyncClient() as http:
            sender = senders["dingtalk"]
            assert isinstance(sender, DingTalkSender)
            runtime = DingTalkRuntime(app, sender, http, reply_sleep=no_wait, silence=1.0,
                                      backoff=Backoff(base=0.02, cap=0.1), close_timeout=0.2)
            stop = asyncio.Event()
            running = asyncio.create_task(runtime.run(stop))
            await fake.wait_connections(1)
            relay = app.relay(senders, pacing={}, retry=RetryPolicy(max_attempts=10, base=1, cap=30))
            yield DingTalk(fake, runtime, relay, sleeps)
            stop.set()
            await asyncio.wait_for(running, 5)
    finally:
        await app.aclose()


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
    assert group.texts()[-1] == "王芳 将 IT-1（打印机无法联网）由 王芳 转派给 张三，原因：需要网络组处理"

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
                                                       ("close", "关闭")]
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
