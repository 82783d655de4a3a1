"""The sample's confidential HR queue in Slack over HTTP, end to end: filed with the slash
command in a public channel, claimed, a person added, sent back to the requester and answered,
raised in priority, through an SLA breach and its escalation, resolved, closed and rated, by
slash commands and by the buttons of the card in the insiders' direct messages. No channel
message the fake records, and no answer visible in a channel, names it (key, title,
description); the requester, the team and the person added hear of it by direct message."""

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.scheduler import sla_tick
from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.e2e.test_slack_approvals import dm_card
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock
from tests.support.sample_workflows import with_sample_hr

TITLE = "Complaint about my manager"
DESCRIPTION = "he shouts at me in meetings"
SECRETS = ("HR-1", TITLE, DESCRIPTION)
HR_PEOPLE = [{"handle": "heidi", "name": "Heidi", "slack_id": "U0HEIDI"},
             {"handle": "ivan", "name": "Ivan", "slack_id": "U0IVAN"}]


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    org = with_sample_hr(stack_module.ORG, HR_PEOPLE, {"slack": "C0HRDESK"})
    monkeypatch.setattr(stack_module, "ORG", org)
    monkeypatch.setitem(stack_module.NAMES, "U0HEIDI", "heidi")
    monkeypatch.setitem(stack_module.NAMES, "U0IVAN", "ivan")
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


def public(fake: FakeSlack) -> list[str]:
    """Every message in a conversation that is not a DM (D…), and every slash-command answer
    posted in the channel for everyone."""
    posted = [json.dumps(m, ensure_ascii=False) for channel, found in fake._messages.items()
              if not channel.startswith("D") for m in found]
    return posted + [json.dumps(r, ensure_ascii=False) for r in fake.responses
                     if r.get("response_type") == "in_channel"]


def direct(fake: FakeSlack, user: str) -> str:
    return json.dumps(fake.messages(fake.im_channel(user)), ensure_ascii=False)


async def test_an_hr_ticket_lives_and_no_channel_hears_of_it(stack: SlackStack,
                                                             clock: FakeClock) -> None:
    fake = stack.fake
    await stack.command("U0ALICE", f"new queue:HR {TITLE} -- {DESCRIPTION}", channel="C0GENERAL")
    await stack.deliver()
    assert stack.replies and not any(s in json.dumps(stack.replies[-1]) for s in SECRETS)
    assert "privately" in json.dumps(stack.replies[-1])

    # Heidi (the HR lead) claims it with the button on the card in her direct messages.
    card = dm_card(stack, "U0HEIDI", "HR-1")
    await stack.interact(stack.click("U0HEIDI", "claim", card, fake.im_channel("U0HEIDI")))
    await stack.deliver()
    for user, text, channel in [
        ("U0HEIDI", "cc HR-1 @erin", "C0HRDESK"),
        ("U0IVAN", "note HR-1 talk to both of them", "C0ITDESK"),
        ("U0HEIDI", "pend HR-1 when did it happen?", "C0GENERAL"),
        ("U0ALICE", "reply HR-1 last Friday", "C0GENERAL"),
        ("U0HEIDI", "priority HR-1 P1 it happened again", "C0HRDESK"),
    ]:
        await stack.command(user, text, channel=channel)
        await stack.deliver()
        assert not any(s in m for m in public(fake) for s in SECRETS), text

    # A breach of its SLA escalates (the lead, then the channel step) without any channel.
    before = direct(fake, "U0HEIDI")
    for _ in range(3):
        clock.advance(hours=2)
        await sla_tick(stack.core)
        await stack.deliver()
    assert direct(fake, "U0HEIDI") != before  # the lead heard of the breach, directly
    for user, text in [("U0HEIDI", "resolve HR-1 spoke to him, apology made"),
                       ("U0ALICE", "close HR-1"), ("U0ALICE", "rate HR-1 4 thanks")]:
        await stack.command(user, text, channel="C0GENERAL")
        await stack.deliver()
    await stack.command("U0ALICE", "new printer jam", channel="C0GENERAL")  # IT-1, ordinary
    await stack.deliver()

    seen = public(fake)
    assert any("IT-1" in m for m in seen)  # the fake does record channel messages
    assert not [m for m in seen if any(s in m for s in SECRETS)]
    for user in ("U0ALICE", "U0HEIDI", "U0IVAN", "U0ERIN"):  # requester, team, the person added
        assert "HR-1" in direct(fake, user), user
    for user in ("U0BOB", "U0CAROL", "U0DAVE"):  # IT's agents and lead: outsiders
        assert not any(s in direct(fake, user) for s in SECRETS), user
    cards = [m for m in fake.messages(fake.im_channel("U0ALICE"))
             if m.get("text", "").startswith("HR-1 · ")]
    assert len(cards) == 1 and "Closed" in cards[0]["text"]  # one card, updated in place
