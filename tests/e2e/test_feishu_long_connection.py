"""Feishu over its long connection: lark-oapi's own ws client, run as `ticketbot serve` runs it
(bot/feishu/longconn.py), against the fake event connection and Open API. Events go in as
protobuf frames; each is done once its ack is back."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.feishu.longconn import LongConnection
from tests.fakes.feishu_openapi import FakeFeishu
from tests.support.clock import FakeClock
from tests.support.feishu import IT, LI, ORG, WANG, ZHANG, Feishu, buttons, fields, running


@pytest.fixture
def org(tmp_path: Path) -> Path:
    path = tmp_path / "org.yaml"
    path.write_text(ORG, encoding="utf-8")
    return path


@pytest.fixture
async def feishu(database_url: str, org: Path, clock: FakeClock, fake_feishu: FakeFeishu,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Feishu]:
    fake_feishu.chats.add(IT)
    async with running(fake_feishu, database_url, org, clock, monkeypatch,
                       long_connection=True) as world:
        yield world


@pytest.fixture
async def feishu_en(database_url: str, org: Path, clock: FakeClock, fake_feishu: FakeFeishu,
                    monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Feishu]:
    fake_feishu.chats.add(IT)
    async with running(fake_feishu, database_url, org, clock, monkeypatch, long_connection=True,
                       settings_extra={"feishu_locale": "en"}) as world:
        yield world


async def test_a_group_mention_makes_a_card_whose_button_claims_it(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    await feishu.says(LI, "new P2 打印机无法联网", chat=IT)
    card = feishu.card(IT, "IT-1")
    assert fields(card)[:2] == ["状态：新建", "优先级：P2"]
    assert [b["text"]["content"] for b in buttons(card)] == ["领取", "转派", "内部备注", "催单"]
    assert fake_feishu.ws.acks[-1].code == 200 and fake_feishu.ws.acks[-1].deliveries == 1

    assert await feishu.clicks(WANG, card, "claim") == {}  # the ack carries no toast
    card = feishu.card(IT, "IT-1")
    assert len(card.patches) == 1 and "处理人：王芳" in fields(card)
    assert [m.text for m in fake_feishu.replies_to(card.message_id)] == [
        "王芳 已开始处理 IT-1（打印机无法联网）。"]

    # 张三, of another team, presses 领取 on the card as it was: the toast comes back in the ack.
    answer = await feishu.deliver(fake_feishu.click(ZHANG.open_id, card, {
        "action": "claim", "key": "IT-1", "v": "1"}))
    assert answer == {"toast": {"type": "error",
                                "content": "只有处理人、团队成员、团队负责人或管理员可以领取此工单。"}}
    assert len(feishu.card(IT, "IT-1").patches) == 1


async def test_a_transfer_is_a_notice_to_the_new_assignee_and_replies_reach_the_thread(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    await feishu.says(LI, "new P2 打印机无法联网", chat=IT)
    await feishu.clicks(WANG, feishu.card(IT, "IT-1"), "claim")
    await feishu.says(WANG, "transfer IT-1 @_user_1 原因: 需要网络组处理", chat=IT,
                      mentions=(ZHANG,))
    line = "王芳 将 IT-1（打印机无法联网）转派给 张三，原因：需要网络组处理"
    assert [m.text for m in fake_feishu.to_user(ZHANG.open_id)] == [line]
    card = feishu.card(IT, "IT-1")
    assert "处理人：张三" in fields(card) and "团队：网络组" in fields(card)
    assert fake_feishu.replies_to(card.message_id)[-1].text == line

    # A reply to the requester is a notice by direct message; the group's thread stays quiet.
    asked = await feishu.says(ZHANG, "reply IT-1 请重启一下路由器", chat=IT)
    assert fake_feishu.to_user(LI.open_id)[-1].text == "张三 回复了 IT-1：请重启一下路由器"
    assert fake_feishu.replies_to(asked) == []
    assert len(fake_feishu.replies_to(card.message_id)) == 2


async def test_one_to_one_chat_in_chinese(feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    asked = await feishu.says(LI, "help")
    (answer,) = fake_feishu.replies_to(asked)
    assert answer.text is not None and answer.text.startswith("可用命令")


async def test_english_in_a_group_and_one_to_one(feishu_en: Feishu,
                                                 fake_feishu: FakeFeishu) -> None:
    await feishu_en.says(LI, "new P2 printer offline", chat=IT)
    card = feishu_en.card(IT, "IT-1")
    assert fields(card)[:2] == ["Status: New", "Priority: P2"]
    assert buttons(card)[0]["text"]["content"] == "Claim"
    await feishu_en.clicks(WANG, card, "claim")
    assert "Assignee: 王芳" in fields(feishu_en.card(IT, "IT-1"))

    asked = await feishu_en.says(LI, "help")
    (answer,) = fake_feishu.replies_to(asked)
    assert answer.text is not None and answer.text.startswith("Commands (a ticket is written IT-42")
    answer = await feishu_en.clicks(LI, feishu_en.card(IT, "IT-1"), "note")
    assert answer == {"toast": {"type": "error",
                                "content": "To add note from chat, send: note IT-1 …"}}


async def test_a_dropped_connection_loses_no_event_and_doubles_none(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    ws = fake_feishu.ws
    # The app handles the event, but its ack is lost with the connection.
    ws.drop_before_ack = 1
    await feishu.says(LI, "new P2 打印机无法联网", chat=IT)
    assert ws.connections == 2 and ws.acks[-1].deliveries == 2  # sent again on the new one
    assert len(fake_feishu.cards_in(IT)) == 1  # ... and recognised: one ticket, one card

    # An event sent while the app is away arrives when it is back.
    await ws.drop()
    frame = await ws.push(fake_feishu.incoming("om_away", IT, LI.open_id, "new 邮箱满了",
                                               group=True))
    assert (await ws.acked(frame)).code == 200
    await feishu.settled()
    assert ws.connections == 3
    assert len(fake_feishu.cards_in(IT)) == 2 and feishu.card(IT, "IT-2")


async def test_an_event_the_app_could_not_handle_is_not_acked_and_comes_again(
        feishu: Feishu, fake_feishu: FakeFeishu, monkeypatch: pytest.MonkeyPatch) -> None:
    events = feishu.runtime.events
    handle, seen = events.on_message, []

    async def down_once(message: object) -> None:
        seen.append(message)
        if len(seen) == 1:
            raise ConnectionError("the database is restarting")
        await handle(message)  # type: ignore[arg-type]

    monkeypatch.setattr(events, "on_message", down_once)
    ws = fake_feishu.ws
    frame = await ws.push(fake_feishu.incoming("om_in1", IT, LI.open_id, "new P2 打印机无法联网",
                                               group=True))
    assert (await ws.answered(frame)).code == 500  # the SDK's answer for a failed handler
    assert fake_feishu.cards_in(IT) == []
    await ws.drop()  # Feishu delivers it again
    assert (await ws.acked(frame)).deliveries == 2
    await feishu.settled()
    assert len(fake_feishu.cards_in(IT)) == 1 and len(seen) == 2


async def test_a_long_event_comes_in_fragments(feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    fake_feishu.ws.fragment_size = 200
    title = "会议室投影仪" + "无法显示画面" * 30
    await feishu.says(LI, f"new P3 {title}", chat=IT)
    assert fake_feishu.ws.acks[-1].deliveries == 1
    card = feishu.card(IT, "IT-1")
    assert title[:20] in card.content["header"]["title"]["content"]


async def test_pings_readiness_and_a_clean_stop(feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    from bot.serve import readiness

    await fake_feishu.ws.until(pings=1)  # the SDK pings as soon as it is connected; pong back
    checks = await readiness(feishu.app, {"feishu_connection": feishu.runtime.connected})
    assert checks == {"database": True, "schema": True, "feishu_connection": True}
    assert fake_feishu.ws.endpoint_calls == [{"AppID": fake_feishu.app_id,
                                              "AppSecret": fake_feishu.app_secret}]
    await feishu.runtime.connection.stop(10)
    assert not feishu.runtime.connection.running and not fake_feishu.ws.open
    assert await feishu.runtime.connected() is False


async def test_wrong_credentials_are_refused_once_and_reported(fake_feishu: FakeFeishu) -> None:
    async def nothing(body: dict[str, object]) -> None:
        return None

    connection = LongConnection(fake_feishu.app_id, "rotated", fake_feishu.url, nothing)
    await connection.start()
    try:
        import asyncio

        await asyncio.to_thread(connection.attempted.wait, 20)
        assert connection.refused is not None and "app secret invalid" in connection.refused
        assert not connection.connected() and len(fake_feishu.ws.endpoint_calls) == 1
    finally:
        await connection.stop(10)
