"""The sample's confidential HR queue on DingTalk, end to end: filed in a group, claimed with the
button of the card in the lead's one-to-one chat with the robot, a person added, sent back to the
requester and answered, raised in priority, through an SLA breach and its escalation, resolved,
closed and rated, typed in groups and in private chats. No group message or group card the fake
records names it (key, title, description); the requester, the team and the person added hear
of it in their one-to-one chats."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.scheduler import sla_tick
from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE, WANG, ZHANG, ZHAO
from tests.e2e.test_dingtalk_approvals import dm_card, press
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, Member, running
from tests.support.sample_workflows import with_sample_hr

TITLE = "投诉我的经理"
DESCRIPTION = "他在会上对我大喊大叫"
SECRETS = ("HR-1", TITLE, DESCRIPTION)
HR_GROUP = "cidHRDESK=="
HEIDI, IVAN = Member("staff-heidi", "Heidi"), Member("staff-ivan", "Ivan")
HR_PEOPLE = [{"handle": "heidi", "name": "Heidi", "dingtalk_id": HEIDI.staff_id},
             {"handle": "ivan", "name": "Ivan", "dingtalk_id": IVAN.staff_id}]


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(with_sample_hr(ORG, HR_PEOPLE, {"dingtalk": HR_GROUP}), encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=TEMPLATE) as world:
        yield world


def public(world: DingTalk) -> list[str]:
    """Every group message and every card delivered to a group."""
    fake = world.gateway
    said = [json.dumps(m, ensure_ascii=False) for found in fake._groups.values() for m in found]
    return said + [json.dumps(c, ensure_ascii=False) for c in fake.group_cards()]


def private(world: DingTalk, member: Member) -> str:
    return json.dumps([world.gateway.user_messages(member.staff_id),
                       world.gateway.user_cards(member.staff_id)], ensure_ascii=False)


async def test_an_hr_ticket_lives_and_no_group_hears_of_it(dingtalk: DingTalk,
                                                           clock: FakeClock) -> None:
    it_group = dingtalk.group(IT_GROUP)
    await it_group.says(LI, f"new queue:HR {TITLE} -- {DESCRIPTION}")
    assert not [m for m in public(dingtalk) if any(s in m for s in SECRETS)]

    await press(dingtalk, HEIDI, dm_card(dingtalk, HEIDI, "HR-1"), "claim")
    for member, where, text in [
        (HEIDI, HR_GROUP, "cc HR-1 @zhang"),
        (IVAN, IT_GROUP, "note HR-1 两边都要谈"),
        (HEIDI, None, "pend HR-1 什么时候发生的？"),  # None: the robot's 1:1 chat
        (LI, None, "reply HR-1 上周五"),
        (HEIDI, HR_GROUP, "priority HR-1 P1 又发生了"),
    ]:
        if where is None:
            await dingtalk.private(member).says(text)
        else:
            await dingtalk.group(where).says(member, text)
        assert not [m for m in public(dingtalk) if any(s in m for s in SECRETS)], text

    # A breach of its SLA escalates (the lead, then the channel step) without any group.
    before = private(dingtalk, HEIDI)
    for _ in range(3):
        clock.advance(hours=2)
        await sla_tick(dingtalk.app)
        await dingtalk.settle()
    assert "🚨" in private(dingtalk, HEIDI) and private(dingtalk, HEIDI) != before
    await dingtalk.private(HEIDI).says("resolve HR-1 已谈话，已道歉")
    await it_group.says(LI, "close HR-1")
    await dingtalk.private(LI).says("rate HR-1 4 谢谢")
    await it_group.says(LI, "new 打印机卡纸")  # IT-1, ordinary

    seen = public(dingtalk)
    assert any("IT-1" in m for m in seen)  # the fake does record group messages and cards
    assert not [m for m in seen if any(s in m for s in SECRETS)]
    for member in (LI, HEIDI, IVAN, ZHANG):  # requester, team, the person added
        assert "HR-1" in private(dingtalk, member), member
    for member in (WANG, ZHAO):  # IT's agent and lead: outsiders
        assert not any(s in private(dingtalk, member) for s in SECRETS), member
    [card] = dingtalk.gateway.user_cards(HEIDI.staff_id)  # one card, updated in place
    assert card["cardData"]["cardParamMap"]["status"] == "closed"
