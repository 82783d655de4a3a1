"""A confidential queue's ticket delivered through the real senders to the fake Slack Web API and
DingTalk OpenAPI: no channel or group message the fakes record names its key or its title; its
requester, its team and the people added hear of it by direct message (on Slack, with the
ticket's card there)."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App, build_app
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from bot.settings import Settings
from notifications.relay import Relay, RetryPolicy
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.fakes.slack_web import FakeSlack
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.kinds import Source

TITLE = "Harassment by a colleague"
ORG = """\
default_queue: IT
people:
  - {handle: alice, name: Alice, slack_id: U0ALICE}
  - {handle: bob, name: Bob, slack_id: U0BOB}
  - {handle: heidi, name: Heidi, slack_id: U0HEIDI, dingtalk_id: staff-heidi}
  - {handle: ivan, name: Ivan, dingtalk_id: staff-ivan}
  - {handle: li, name: 李雷, dingtalk_id: staff-li}
  - {handle: erin, name: Erin, slack_id: U0ERIN}
teams:
  - {key: it, name: IT Support, leads: [bob], members: [bob]}
  - key: hr
    name: HR
    leads: [heidi]
    members: [ivan]
    channels: {slack: C0HRTEAM, dingtalk: cidHRGROUP==}
    escalation_channels: {slack: C0HRESC}
    confidential: true
queues:
  - key: IT
    name: Help desk
    default_team: it
    channels: {slack: C0ITDESK, dingtalk: cidITGROUP==}
  - key: HR
    name: HR
    default_team: hr
    channels: {slack: C0HRDESK, dingtalk: cidHRDESK==}
    confidential: true
"""


@pytest.fixture
async def platform_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org)
    app = await build_app(settings, clock=clock,
                          platforms=frozenset({Source.SLACK, Source.DINGTALK}))
    yield app
    await app.aclose()


@pytest.fixture
async def relay(platform_app: App, fake_slack: FakeSlack, fake_dingtalk: FakeDingTalk,
                clock: FakeClock) -> AsyncIterator[Relay]:
    async with httpx.AsyncClient(timeout=5) as http:
        senders = {
            "slack": SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)),
            "dingtalk": DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                                       fake_dingtalk.app_secret, fake_dingtalk.robot_code, clock),
        }
        yield platform_app.relay(senders, pacing={},
                                 retry=RetryPolicy(max_attempts=10, base=1, cap=30))


async def drain(relay: Relay) -> None:
    while await relay.run_once():
        pass


def slack_channel_messages(fake: FakeSlack) -> list[str]:
    """Every message the fake holds outside direct-message (D…) conversations."""
    return [json.dumps(m, ensure_ascii=False) for channel, found in fake._messages.items()
            if not channel.startswith("D") for m in found]


def dingtalk_group_messages(fake: FakeDingTalk) -> list[str]:
    return [json.dumps(m, ensure_ascii=False) for found in fake._groups.values() for m in found]


async def test_slack_no_channel_hears_of_it(platform_app: App, relay: Relay,
                                            fake_slack: FakeSlack) -> None:
    chat = Chat(platform_app)
    alice = chat.user("U0ALICE", Source.SLACK).in_channel("C0GENERAL")
    filed = await alice.says(f"new P1 queue:HR {TITLE} -- at the office party")
    assert "HR-1" not in filed.text and TITLE not in filed.text
    heidi = chat.user("U0HEIDI", Source.SLACK)
    assert (await heidi.says("claim HR-1")).ok
    assert (await heidi.says("cc HR-1 @erin")).ok
    assert (await heidi.says("reply HR-1 we will talk tomorrow")).ok
    assert (await heidi.says("resolve HR-1 settled")).ok
    assert (await chat.user("U0ALICE", Source.SLACK).says("new printer jam")).ok  # IT-1
    await drain(relay)
    public = slack_channel_messages(fake_slack)
    assert any("IT-1" in m for m in public)  # ordinary tickets still go to their channel
    assert not [m for m in public if "HR-1" in m or TITLE in m]
    for user in ("U0ALICE", "U0HEIDI", "U0ERIN"):
        said = [m["text"] for m in fake_slack.messages(fake_slack.im_channel(user))]
        assert any("HR-1" in text for text in said), user
    assert not [m for m in fake_slack.messages(fake_slack.im_channel("U0BOB")) if "HR-1" in
                m["text"]]
    # Each insider has the ticket's card in their direct messages, updated in place.
    for user in ("U0ALICE", "U0HEIDI", "U0ERIN"):
        cards = [m for m in fake_slack.messages(fake_slack.im_channel(user))
                 if m["text"].startswith("HR-1 · ")]
        assert len(cards) == 1 and "Resolved" in cards[0]["text"], user


async def test_dingtalk_no_group_hears_of_it(platform_app: App, relay: Relay,
                                             fake_dingtalk: FakeDingTalk) -> None:
    chat = Chat(platform_app)
    li = chat.user("staff-li", Source.DINGTALK).in_channel("cidGENERAL==")
    filed = await li.says(f"new queue:HR {TITLE}")
    assert filed.ok and "HR-1" not in filed.text and TITLE not in filed.text
    ivan = chat.user("staff-ivan", Source.DINGTALK)
    assert (await ivan.says("claim HR-1")).ok
    assert (await ivan.says("priority HR-1 P1 urgent")).ok
    assert (await chat.user("staff-li", Source.DINGTALK).says("new printer jam")).ok
    await drain(relay)
    public = dingtalk_group_messages(fake_dingtalk)
    assert any("IT-1" in m for m in public)
    assert not [m for m in public if "HR-1" in m or TITLE in m]
    assert not [c for c in fake_dingtalk.cards.values() if "HR-1" in json.dumps(c)]
    for user in ("staff-li", "staff-heidi"):
        said = json.dumps(fake_dingtalk.user_messages(user), ensure_ascii=False)
        assert "HR-1" in said and TITLE in said, user
