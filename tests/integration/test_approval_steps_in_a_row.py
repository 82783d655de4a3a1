"""Two approval steps in a row, walked in the console: a new-laptop request goes to the
requester's manager, then to the IT team's lead; the first step pauses the SLA clocks, the
second keeps them running; a rejection at the second step declines it with its reason."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.orgfile import SAMPLE
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock

LAPTOP = """\
  - name: new_laptop
    base: standard
    types: [service_request]
    without: [pending]
    statuses:
      - id: manager_ok
        name: {en: Awaiting manager, zh-CN: 待经理审批}
        approval: {approvers: [manager], on_approve: it_ok, on_reject: declined, clocks: pause}
      - id: it_ok
        name: {en: Awaiting IT lead, zh-CN: 待IT主管审批}
        approval: {approvers: ["leads:it"], on_approve: in_progress, on_reject: declined,
                   clocks: run}
      - {id: declined, phase: cancelled, name: {en: Declined, zh-CN: 已拒绝}}
    transitions:
      - {action: pend, from: [assigned, in_progress], to: manager_ok, who: [assignee, lead]}
"""


@pytest.fixture
async def laptop_chat(database_url: str, tmp_path: Path, clock: FakeClock
                      ) -> AsyncIterator[Chat]:
    text = SAMPLE.read_text(encoding="utf-8").replace("workflows:\n", "workflows:\n" + LAPTOP, 1)
    org = tmp_path / "org.yaml"
    org.write_text(text, encoding="utf-8")
    app: App = await build_app(Settings(_env_file=None, database_url=database_url, org_file=org,
                                        locale="en", timezone="UTC"), clock=clock)
    try:
        yield Chat(app)
    finally:
        await app.aclose()


async def requested(chat: Chat) -> str:
    created = await chat.user("alice").says("new type:request New laptop for the new hire")
    key = created.answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    sent = await chat.user("bob").says(f"pend {key} needs approval")
    assert "Awaiting manager" in sent.card, sent.card
    return key


async def test_the_manager_then_the_it_lead_approve(laptop_chat: Chat) -> None:
    chat = laptop_chat
    key = await requested(chat)
    refused = await chat.user("dave").says(f"approve {key}")  # the IT lead: not yet his turn
    assert refused.text == (f"You are not an approver of {key} while it is Awaiting manager: "
                            "carol decides.")
    first = await chat.user("carol").says(f"approve {key}")  # alice's manager
    assert first.text.splitlines()[0] == (
        f"{key} is approved: it is now Awaiting IT lead. Approved by carol; awaited: dave.")
    assert "Awaiting IT lead" in first.card
    second = await chat.user("dave").says(f"approve {key}")
    assert second.text.splitlines()[0] == (
        f"{key} is approved: it is now In progress. Approved by dave.")
    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Carol  Approve (Awaiting manager → Awaiting IT lead)" in history
    assert "Dave  Approve (Awaiting IT lead → In progress)" in history
    # The manager's step paused the clocks; the IT lead's keeps them running.
    assert "SLA clocks paused" in history and "SLA clocks resumed" in history


async def test_the_it_lead_declines_with_a_reason(laptop_chat: Chat) -> None:
    chat = laptop_chat
    key = await requested(chat)
    assert (await chat.user("carol").says(f"approve {key}")).ok
    declined = await chat.user("dave").says(f"reject {key} a laptop from stock will do")
    assert declined.text.splitlines()[0] == (
        f"You rejected {key}: a laptop from stock will do. It is now Declined.")
    history = (await chat.user("dave").says(f"history {key}")).text
    assert "Dave  Reject (Awaiting IT lead → Declined) · reason: a laptop from stock will do" in (
        history)
