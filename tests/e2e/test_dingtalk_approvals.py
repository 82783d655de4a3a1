"""Approval steps on DingTalk: each approver's interactive card arrives in their one-to-one chat
with the robot (IM_ROBOT) with 批准 and 驳回; clicks are card callbacks as the stream delivers
them; a person who is not an approver is refused with who decides; the sweep reminds the
member still awaited; a rejection needs its reason and the reason reaches the group."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.scheduler import sla_tick
from storage.models import AuditRow, TicketRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG, ZHANG, ZHAO
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway, card_callback
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, Member, running

BOARD = """\
groups:
  cab: [zhao, zhang]
workflows:
  - name: change_with_cab
    base: change
    types: [change_request]
    without: [pending]
    statuses:
      - id: awaiting_cab
        like: pending
        name: {en: Awaiting CAB, zh-CN: 待变更委员会审批}
        approval: {approvers: ["group:cab"], mode: all, on_approve: in_progress,
                   on_reject: rejected, remind_after: 4h}
      - {id: rejected, phase: cancelled, name: {en: Rejected by CAB, zh-CN: 变更委员会已驳回}}
    transitions:
      - {action: pend, from: [assigned, in_progress], to: awaiting_cab, who: [assignee, lead]}
      - {action: resume, from: [awaiting_cab], to: in_progress, who: [admin]}
"""


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG + BOARD, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


def dm_card(world: DingTalk, member: Member, key: str) -> tuple[str, dict[str, str]]:
    found = [(track, card["cardData"]["cardParamMap"])
             for track, card in world.gateway.cards.items()
             if card["openSpaceId"] == f"dtv1.card//IM_ROBOT.{member.staff_id}"
             and card["cardData"]["cardParamMap"]["key"] == key]
    assert len(found) == 1, world.gateway.cards
    return found[0]


async def press(world: DingTalk, member: Member, card: tuple[str, dict[str, str]],
                action: str) -> None:
    track, params = card
    button = next(b for b in json.loads(params["actions"]) if b["id"] == action)
    data = card_callback(out_track_id=track, user_id=member.staff_id, params=button["params"],
                         space_id=member.staff_id)
    message_id = await world.gateway.send_card_callback(data)
    await world.gateway.wait_ack(message_id)
    await world.settle()


async def stored(world: DingTalk) -> tuple[str, str | None]:
    async with world.app.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.workflow_status))).one()
    return row.status, row.workflow_status


async def test_the_board_decides_on_its_private_cards(dingtalk: DingTalk,
                                                      clock: FakeClock) -> None:
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "new type:change 升级核心交换机 -- 周六晚上")
    await group.says(WANG, "claim IT-1")
    await group.says(WANG, "pend IT-1 提交变更委员会")
    zhao, zhang = dm_card(dingtalk, ZHAO, "IT-1"), dm_card(dingtalk, ZHANG, "IT-1")
    assert {b["id"]: b["text"] for b in json.loads(zhao[1]["actions"])} == {
        "approve": "批准", "reject": "驳回"}
    assert "已批准：— · 待审批：zhang、zhao" in zhao[1]["markdown"]

    before = len(dingtalk.private(WANG).texts())
    await press(dingtalk, WANG, zhao, "approve")  # wang is not on the board
    assert dingtalk.private(WANG).texts()[before:] == [
        "IT-1 处于待变更委员会审批，您不是审批人：由 zhang、zhao 审批。"]
    await press(dingtalk, ZHAO, zhao, "approve")
    await press(dingtalk, ZHAO, zhao, "approve")  # a double click
    assert await stored(dingtalk) == ("pending", "awaiting_cab")

    # After 4 h the sweep reminds the member still awaited, once; not the one who approved.
    before = {m: len(dingtalk.private(m).texts()) for m in (ZHANG, ZHAO)}
    clock.advance(hours=4, minutes=1)
    await sla_tick(dingtalk.app)
    await sla_tick(dingtalk.app)
    await dingtalk.settle()
    reminded = {m.staff_id: [t for t in dingtalk.private(m).texts()[before[m]:]
                             if t.startswith("🔁")] for m in (ZHANG, ZHAO)}
    assert reminded == {ZHANG.staff_id: ["🔁 IT-1（升级核心交换机）仍在等待您审批：`批准 IT-1` 或 "
                                         "`驳回 IT-1 <原因>`。"], ZHAO.staff_id: []}

    before = len(dingtalk.private(ZHANG).texts())
    await press(dingtalk, ZHANG, zhang, "reject")
    assert dingtalk.private(ZHANG).texts()[before:] == ["驳回需要说明原因：`驳回 IT-1 <原因>`。"]
    await dingtalk.private(ZHANG).says("驳回 IT-1 缺少回退方案")
    assert await stored(dingtalk) == ("cancelled", "rejected")
    assert any("缺少回退方案" in text for text in group.texts()), group.texts()
    async with dingtalk.app.engine.connect() as conn:  # the double click approved once
        decided = (await conn.execute(select(AuditRow.action).where(
            AuditRow.action.in_(["approve", "reject"])).order_by(AuditRow.id))).scalars().all()
    assert decided == ["approve", "reject"]
