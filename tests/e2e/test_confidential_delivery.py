"""A confidential queue's ticket delivered through the real senders to the fake Slack Web API and
DingTalk OpenAPI: no channel or group message the fakes record names its key or its title; its
requester, its team and the people added hear of it by direct message, with the ticket's card
there (Slack: the DM; DingTalk in card mode: the robot's 1:1 chat, an IM_ROBOT card)."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App, build_app
from bot.platforms import DINGTALK, SLACK
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from bot.settings import Settings
from notifications.relay import Relay, RetryPolicy
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.fakes.slack_web import FakeSlack
from tests.support.chat import Chat
from tests.support.clock import FakeClock

TITLE = "Harassment by a colleague"
DESCRIPTION = "at the office party"
CARD_TEMPLATE = "tpl-ticket.schema"
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
                          platforms=frozenset({SLACK, DINGTALK}))
    yield app
    await app.aclose()


@pytest.fixture
async def card_app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """The same organisation with DingTalk's interactive cards switched on."""
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org,
                        dingtalk_card_template_id=CARD_TEMPLATE)
    app = await build_app(settings, clock=clock,
                          platforms=frozenset({SLACK, DINGTALK}))
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
    alice = chat.user("U0ALICE", SLACK).in_channel("C0GENERAL")
    filed = await alice.says(f"new P1 queue:HR {TITLE} -- at the office party")
    assert "HR-1" not in filed.text and TITLE not in filed.text
    heidi = chat.user("U0HEIDI", SLACK)
    assert (await heidi.says("claim HR-1")).ok
    assert (await heidi.says("cc HR-1 @erin")).ok
    assert (await heidi.says("reply HR-1 we will talk tomorrow")).ok
    assert (await heidi.says("resolve HR-1 settled")).ok
    assert (await chat.user("U0ALICE", SLACK).says("new printer jam")).ok  # IT-1
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
    li = chat.user("staff-li", DINGTALK).in_channel("cidGENERAL==")
    filed = await li.says(f"new queue:HR {TITLE}")
    assert filed.ok and "HR-1" not in filed.text and TITLE not in filed.text
    ivan = chat.user("staff-ivan", DINGTALK)
    assert (await ivan.says("claim HR-1")).ok
    assert (await ivan.says("priority HR-1 P1 urgent")).ok
    assert (await chat.user("staff-li", DINGTALK).says("new printer jam")).ok
    await drain(relay)
    public = dingtalk_group_messages(fake_dingtalk)
    assert any("IT-1" in m for m in public)
    assert not [m for m in public if "HR-1" in m or TITLE in m]
    assert not [c for c in fake_dingtalk.cards.values() if "HR-1" in json.dumps(c)]
    for user in ("staff-li", "staff-heidi"):
        said = json.dumps(fake_dingtalk.user_messages(user), ensure_ascii=False)
        assert "HR-1" in said and TITLE in said, user


async def test_a_whole_life_reaches_no_channel_on_slack_or_dingtalk(
        card_app: App, fake_slack: FakeSlack, fake_dingtalk: FakeDingTalk,
        clock: FakeClock) -> None:
    """Filed in a Slack channel, worked from Slack and DingTalk, sent back, answered, raised
    in priority, resolved, reopened, closed and rated: every channel and group message both
    fakes recorded is read, and none names it. Each insider has one card, in their own DMs, on
    the platform they are told on, updated in place to the end."""
    async with httpx.AsyncClient(timeout=5) as http:
        relay = card_app.relay({
            "slack": SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)),
            "dingtalk": DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                                       fake_dingtalk.app_secret, fake_dingtalk.robot_code, clock,
                                       card_template_id=CARD_TEMPLATE),
        }, pacing={}, retry=RetryPolicy(max_attempts=10, base=1, cap=30))
        chat = Chat(card_app)
        alice = chat.user("U0ALICE", SLACK)
        heidi = chat.user("U0HEIDI", SLACK)
        ivan = chat.user("staff-ivan", DINGTALK)
        filed = await alice.in_channel("C0GENERAL").says(f"new queue:HR {TITLE} -- {DESCRIPTION}")
        assert filed.ok and "HR-1" not in filed.text and TITLE not in filed.text
        await drain(relay)
        steps = [
            (ivan.in_channel("cidHRDESK=="), "claim HR-1"),  # asked in a group: answered 1:1
            (heidi, "cc HR-1 @erin"),
            (ivan, "note HR-1 talk to both of them"),
            (ivan, "pend HR-1 when did it happen?"),
            (alice, "reply HR-1 last Friday"),
            (heidi.in_channel("C0HRTEAM"), "priority HR-1 P1 it happened again"),
            (ivan, "resolve HR-1 spoke to the colleague, apology made"),
            (alice, "reopen HR-1 it started again"),
            (ivan, "resolve HR-1 moved to another team"),
            (alice, "close HR-1"),
            (alice, "rate HR-1 4 thanks"),
        ]
        for speaker, text in steps:
            reply = await speaker.says(text)
            assert not reply.answer.public, text  # never said where others read it
            await drain(relay)
        assert (await alice.says("new printer jam")).ok  # IT-1, ordinary
        await drain(relay)
    secrets = ("HR-1", TITLE, DESCRIPTION)
    public = slack_channel_messages(fake_slack) + dingtalk_group_messages(fake_dingtalk)
    public += [json.dumps(c, ensure_ascii=False) for c in fake_dingtalk.group_cards()]
    assert any("IT-1" in m for m in public)  # the fakes do record channel messages
    assert not [m for m in public if any(s in m for s in secrets)]
    # Slack: one card in each Slack insider's DM, updated in place to its last state.
    for user in ("U0ALICE", "U0HEIDI", "U0ERIN"):
        cards = [m for m in fake_slack.messages(fake_slack.im_channel(user))
                 if m["text"].startswith("HR-1 · ")]
        assert len(cards) == 1 and "Closed" in cards[0]["text"], user
    # DingTalk: ivan (only on DingTalk) has the card in the robot's 1:1 chat, updated in place.
    cards = fake_dingtalk.user_cards("staff-ivan")
    assert len(cards) == 1, cards
    assert cards[0]["imRobotOpenDeliverModel"]["spaceType"] == "IM_ROBOT"
    assert cards[0]["cardData"]["cardParamMap"]["key"] == "HR-1"
    assert cards[0]["updates"] and cards[0]["cardData"]["cardParamMap"]["status"] == "closed"
    assert TITLE in json.dumps(fake_dingtalk.user_messages("staff-ivan"), ensure_ascii=False)
    # Heidi is told on Slack (the ticket's platform): no second card for her on DingTalk.
    assert not fake_dingtalk.user_cards("staff-heidi")
    # Nobody outside it heard of it anywhere.
    assert not [m for m in fake_slack.messages(fake_slack.im_channel("U0BOB"))
                if any(s in m["text"] for s in secrets)]
    assert not [m for m in fake_dingtalk.user_messages("staff-li")
                if any(s in json.dumps(m, ensure_ascii=False) for s in secrets)]
