"""Feishu end to end over the HTTP callback intake (FEISHU_VERIFICATION_TOKEN set): event
bodies as Feishu posts them go through the app's /feishu/events route; answers, cards and
notices are asserted on what reached the fake Open API. The long connection, the default, is
tests/e2e/test_feishu_long_connection.py."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.feishu_openapi import FakeFeishu
from tests.support.clock import FakeClock
from tests.support.feishu import IT, LI, ORG, WANG, ZHANG, Feishu, buttons, fields, running


@pytest.fixture
async def feishu(database_url: str, tmp_path: Path, clock: FakeClock, fake_feishu: FakeFeishu,
                 monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Feishu]:
    fake_feishu.chats.add(IT)
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    async with running(fake_feishu, database_url, org, clock, monkeypatch) as world:
        yield world


async def test_a_mention_creates_a_ticket_whose_card_a_button_claims(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    await feishu.says(LI, "new P2 打印机无法联网", chat=IT)
    card = feishu.card(IT, "IT-1")
    assert card.content["header"]["title"]["content"] == "IT-1 · 打印机无法联网"
    assert card.content["config"]["update_multi"] is True  # one card, updated for everyone
    assert fields(card)[:2] == ["状态：新建", "优先级：P2"]
    assert "处理人：未指派" in fields(card)
    assert [b["text"]["content"] for b in buttons(card)] == ["领取", "转派", "内部备注", "催单"]
    assert fake_feishu.texts_in(IT) == []  # the card in the group is the answer

    response = await feishu.clicks(WANG, card, "claim")
    assert response.json() == {}  # no toast: it worked
    card = feishu.card(IT, "IT-1")
    assert len(card.patches) == 1  # updated in place, not posted again
    assert ("状态：处理中" in fields(card), "处理人：王芳" in fields(card)) == (True, True)
    thread = fake_feishu.replies_to(card.message_id)
    assert [m.text for m in thread] == ["王芳 已开始处理 IT-1（打印机无法联网）。"]

    # The same button pressed again on the card it was on changes nothing, says nothing.
    old = next(b["value"] for b in buttons(card) if b["value"]["action"] == "note")
    assert old["v"] == "2"
    await feishu.post(fake_feishu.click(WANG.open_id, card, {"action": "claim", "key": "IT-1", "v": "1"}))
    assert len(feishu.card(IT, "IT-1").patches) == 1
    assert len(fake_feishu.replies_to(card.message_id)) == 1


async def test_a_refused_click_is_a_toast_for_the_clicker_only(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    await feishu.says(LI, "new 邮箱满了", chat=IT)
    card = feishu.card(IT, "IT-1")
    await feishu.clicks(WANG, card, "claim")
    # 张三, of another team, presses 领取 on the card as it was before 王芳's click.
    response = await feishu.post(fake_feishu.click(ZHANG.open_id, card, {
        "action": "claim", "key": "IT-1", "v": "1"}))
    toast = response.json()["toast"]
    assert toast == {"type": "error",
                     "content": "只有处理人、团队成员、团队负责人或管理员可以领取此工单。"}
    assert len(feishu.card(IT, "IT-1").patches) == 1
    assert fake_feishu.to_user(ZHANG.open_id) == []


async def test_one_to_one_chat_answers_in_chinese_in_the_thread(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    asked = await feishu.says(LI, "help")
    (answer,) = fake_feishu.replies_to(asked)
    assert answer.text is not None and answer.text.startswith("可用命令")

    asked = await feishu.says(LI, "frobnicate IT-1")
    (refusal,) = fake_feishu.replies_to(asked)
    assert refusal.text is not None and "frobnicate" in refusal.text


async def test_events_without_the_verification_token_are_refused(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    body = fake_feishu.incoming("om_x", IT, LI.open_id, "new 偷偷建单", group=True)
    body["header"]["token"] = "wrong"
    response = await feishu.post(body)
    assert response.status_code == 401
    assert fake_feishu.in_chat(IT) == [] and fake_feishu.calls == []

    challenge = {"challenge": "ch-123", "token": fake_feishu.verification_token,
                 "type": "url_verification"}
    assert (await feishu.post(challenge)).json() == {"challenge": "ch-123"}


async def test_a_group_reads_its_own_language_and_the_asker_theirs(
        feishu: Feishu, fake_feishu: FakeFeishu) -> None:
    """王芳 chose English: what she reads alone is English, a reply the group reads stays
    Chinese (commands/reader_language.py)."""
    office = "oc_office"
    fake_feishu.chats.add(office)
    await feishu.says(WANG, "language en")
    await feishu.says(LI, "new 打印机坏了", chat=IT)
    asked = await feishu.says(WANG, "claim IT-1", chat=office)  # not the card's group
    reply = fake_feishu.replies_to(asked)[-1]
    assert reply.content["elements"][0]["text"]["content"] == "王芳 已领取 IT-1。"
    await feishu.says(WANG, "claim IT-9", chat=office)  # a refusal: to her alone
    assert fake_feishu.to_user(WANG.open_id)[-1].text == (
        "There is no ticket IT-9. Try `list` to see yours.")
