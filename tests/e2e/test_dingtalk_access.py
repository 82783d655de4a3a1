"""The sample's access request on DingTalk: an own ticket type (`类型:权限`) whose workflow asks
the system's owner (the sample's frank, here zhang) on an interactive card in the robot's
one-to-one chat. A non-approver's click is refused with who decides, the SLA sweep reminds the
owner once, and the owner's rejection needs its reason and reaches the group."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.scheduler import sla_tick
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG, ZHANG, ZHAO
from tests.e2e.test_dingtalk_approvals import dm_card, press
from tests.e2e.test_dingtalk_laptop import decided, stored
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, running
from tests.support.sample_workflows import sample_type_yaml


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    flow = sample_type_yaml("access_request").replace("person:frank", "person:zhang")
    org.write_text(ORG + flow, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


async def test_an_access_request_on_dingtalk_cards(dingtalk: DingTalk, clock: FakeClock) -> None:
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "新建 类型:权限 system=财务系统 财务系统只读权限")
    await group.says(WANG, "claim IT-1")
    await group.says(WANG, "pend IT-1 提交审批")
    assert await stored(dingtalk) == ("pending", "owner_ok", "service_request", "access_request")
    owner = dm_card(dingtalk, ZHANG, "IT-1")
    assert {b["id"]: b["text"] for b in json.loads(owner[1]["actions"])} == {
        "approve": "批准", "reject": "驳回"}
    assert "已批准：— · 待审批：zhang" in owner[1]["markdown"], owner[1]["markdown"]

    before = len(dingtalk.private(ZHAO).texts())
    await press(dingtalk, ZHAO, owner, "approve")  # the IT lead does not own the system
    assert dingtalk.private(ZHAO).texts()[before:] == [
        "IT-1 处于待系统负责人审批，您不是审批人：由 zhang 审批。"]
    assert await decided(dingtalk) == []

    before = len(dingtalk.private(ZHANG).texts())
    clock.advance(days=1, minutes=1)  # the owner's step reminds after a day
    await sla_tick(dingtalk.app)
    await sla_tick(dingtalk.app)  # a second sweep reminds nobody again
    await dingtalk.settle()
    reminders = [t for t in dingtalk.private(ZHANG).texts()[before:] if t.startswith("🔁")]
    assert reminders == ["🔁 IT-1（财务系统只读权限）仍在等待您审批：`批准 IT-1` 或 "
                         "`驳回 IT-1 <原因>`。"]

    before = len(dingtalk.private(ZHANG).texts())
    await press(dingtalk, ZHANG, owner, "reject")
    assert dingtalk.private(ZHANG).texts()[before:] == ["驳回需要说明原因：`驳回 IT-1 <原因>`。"]
    assert await decided(dingtalk) == []
    await dingtalk.private(ZHANG).says("驳回 IT-1 只需要报表权限")
    assert await stored(dingtalk) == ("cancelled", "declined", "service_request",
                                      "access_request")
    assert any("只需要报表权限" in text for text in group.texts()), group.texts()
    assert await decided(dingtalk) == [("reject", ["owner_ok", "zhang"])]
