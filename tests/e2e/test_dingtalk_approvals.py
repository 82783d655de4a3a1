"""Approval steps on DingTalk, walking the sample's change board (erin, grace, admin; all three
must approve): each approver's interactive card arrives in their one-to-one chat with the robot
(IM_ROBOT) with 批准 and 驳回; clicks are card callbacks as the stream delivers them; the group's
card shows who has approved and who is awaited after each approval; a person who is not an
approver is refused with who decides; the sweep reminds the member still awaited; a rejection
needs its reason and the reason reaches the group."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.scheduler import sla_tick
from storage.models import AuditRow, TicketRow
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG, ZHAO
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway, card_callback
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, Member, running
from tests.support.sample_workflows import sample_board, sample_change_board_yaml

# The sample's change board (erin, grace, admin) as members of the robot's organisation.
ERIN, GRACE = Member("staff-erin", "Erin"), Member("staff-grace", "Grace")
ADMIN = Member("staff-admin", "Admin")
BOARD_PEOPLE = """\
  - {handle: erin, name: Erin, dingtalk_id: staff-erin}
  - {handle: grace, name: Grace, dingtalk_id: staff-grace}
  - {handle: admin, name: Admin, dingtalk_id: staff-admin}
"""


def board_org() -> str:
    org = ORG.replace("teams:\n", BOARD_PEOPLE + "teams:\n", 1)
    return org + sample_change_board_yaml()


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(board_org(), encoding="utf-8")
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


async def stored(world: DingTalk, key: str = "IT-1") -> tuple[str, str | None]:
    async with world.app.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.workflow_status).where(
            TicketRow.key == key))).one()
    return row.status, row.workflow_status


async def decided(world: DingTalk) -> list[tuple[str, list[str]]]:
    async with world.app.engine.connect() as conn:
        rows = (await conn.execute(select(AuditRow.action, AuditRow.changes).where(
            AuditRow.action.in_(["approve", "reject"])).order_by(AuditRow.id))).all()
    return [(r.action, r.changes["approval"]) for r in rows]


def progress(world: DingTalk, key: str = "IT-1") -> str:
    """The approval line of the ticket's card in the group (updated in place), or ''."""
    markdown = world.card(IT_GROUP, key)[1]["markdown"]
    return next((line for line in markdown.splitlines() if "已批准" in line), "")


async def submit_change(world: DingTalk) -> None:
    group = world.group(IT_GROUP)
    await group.says(LI, "new type:change 升级核心交换机 -- 周六晚上")
    await group.says(WANG, "claim IT-1")
    await group.says(WANG, "pend IT-1 提交变更委员会")
    assert await stored(world) == ("pending", "awaiting_cab")


async def test_the_whole_board_of_three_approves(dingtalk: DingTalk) -> None:
    assert sample_board() == ["erin", "grace", "admin"]
    await submit_change(dingtalk)
    board = {m: dm_card(dingtalk, m, "IT-1") for m in (ERIN, GRACE, ADMIN)}
    for card in board.values():
        assert {b["id"]: b["text"] for b in json.loads(card[1]["actions"])} == {
            "approve": "批准", "reject": "驳回"}
        assert "已批准：— · 待审批：admin、erin、grace" in card[1]["markdown"]
    assert "已批准：— · 待审批：admin、erin、grace" in progress(dingtalk)
    for member in (LI, WANG, ZHAO):  # the requester, the assignee, the lead: not asked
        assert not any(card["openSpaceId"] == f"dtv1.card//IM_ROBOT.{member.staff_id}"
                       for card in dingtalk.gateway.cards.values())

    # Each approval updates the ticket's card: who has approved, who is still awaited.
    seen = []
    for member in (ERIN, GRACE, ADMIN):
        await press(dingtalk, member, board[member], "approve")
        if member is ERIN:
            await press(dingtalk, member, board[member], "approve")  # a double click
        seen.append(progress(dingtalk))
    assert ["已批准：erin · 待审批：admin、grace" in seen[0],
            "已批准：erin、grace · 待审批：admin" in seen[1], seen[2]] == [True, True, ""], seen
    assert await decided(dingtalk) == [("approve", ["awaiting_cab", h])
                                       for h in ("erin", "grace", "admin")]
    assert await stored(dingtalk) == ("in_progress", None)  # all three approved: work goes on


async def test_a_refused_approver_a_reminder_and_a_rejection(dingtalk: DingTalk,
                                                             clock: FakeClock) -> None:
    group = dingtalk.group(IT_GROUP)
    await submit_change(dingtalk)
    erin, admin = dm_card(dingtalk, ERIN, "IT-1"), dm_card(dingtalk, ADMIN, "IT-1")

    before = len(dingtalk.private(WANG).texts())
    await press(dingtalk, WANG, erin, "approve")  # wang is not on the board
    assert dingtalk.private(WANG).texts()[before:] == [
        "IT-1 处于待变更委员会审批，您不是审批人：由 admin、erin、grace 审批。"]
    assert await decided(dingtalk) == []
    await press(dingtalk, ERIN, erin, "approve")
    await press(dingtalk, GRACE, dm_card(dingtalk, GRACE, "IT-1"), "approve")
    assert "已批准：erin、grace · 待审批：admin" in progress(dingtalk)
    assert await stored(dingtalk) == ("pending", "awaiting_cab")

    # After 4 h the sweep reminds the member still awaited, once; not those who approved.
    board = (ERIN, GRACE, ADMIN)
    before = {m: len(dingtalk.private(m).texts()) for m in board}
    clock.advance(hours=4, minutes=1)
    await sla_tick(dingtalk.app)
    await sla_tick(dingtalk.app)
    await dingtalk.settle()
    reminded = {m.staff_id: [t for t in dingtalk.private(m).texts()[before[m]:]
                             if t.startswith("🔁")] for m in board}
    assert reminded == {ADMIN.staff_id: ["🔁 IT-1（升级核心交换机）仍在等待您审批：`批准 IT-1` 或 "
                                         "`驳回 IT-1 <原因>`。"],
                        ERIN.staff_id: [], GRACE.staff_id: []}

    before = len(dingtalk.private(ADMIN).texts())
    await press(dingtalk, ADMIN, admin, "reject")
    assert dingtalk.private(ADMIN).texts()[before:] == ["驳回需要说明原因：`驳回 IT-1 <原因>`。"]
    await dingtalk.private(ADMIN).says("驳回 IT-1 缺少回退方案")
    assert await stored(dingtalk) == ("cancelled", "rejected")
    assert any("缺少回退方案" in text for text in group.texts()), group.texts()
    assert await decided(dingtalk) == [("approve", ["awaiting_cab", "erin"]),
                                       ("approve", ["awaiting_cab", "grace"]),
                                       ("reject", ["awaiting_cab", "admin"])]
