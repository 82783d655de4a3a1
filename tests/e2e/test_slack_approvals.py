"""Approval steps in Slack over HTTP: each approver gets a card with Approve and Reject in a
direct message; clicks are Slack's block_actions payloads; a double click approves once; a
person who is not an approver is refused with who decides; the sweep reminds the member still
awaited; Reject opens a modal asking the
reason (blanks refused in it), and the rejection puts it in the ticket's thread."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.scheduler import sla_tick
from storage.models import AuditRow, TicketRow
from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import NAMES, SlackStack, assert_valid_blocks, slack_stack, view_values
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

BOARD = """\
groups:
  cab: [erin, dave]
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
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    monkeypatch.setattr(stack_module, "ORG", stack_module.ORG + BOARD)
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


def dm_card(stack: SlackStack, user: str, key: str) -> dict[str, Any]:
    cards = [m for m in stack.fake.messages(stack.fake.im_channel(user))
             if m.get("blocks") and m.get("text", "").startswith(f"{key} ·")]
    assert len(cards) == 1, stack.fake.messages(stack.fake.im_channel(user))
    assert_valid_blocks(cards[0]["blocks"])
    return cards[0]


def labels(card: dict[str, Any]) -> dict[str, str]:
    return {e["action_id"]: e["text"]["text"] for b in card["blocks"] if b["type"] == "actions"
            for e in b["elements"]}


def press(user: str, action_id: str, card: dict[str, Any], channel: str) -> dict[str, Any]:
    block, button = next((b, e) for b in card["blocks"] if b["type"] == "actions"
                         for e in b["elements"] if e["action_id"] == action_id)
    return sp.block_actions(action_id, button["value"], user_id=user,
                            user_name=NAMES.get(user, user), channel_id=channel,
                            message_ts=card["ts"], message_blocks=card["blocks"],
                            block_id=block["block_id"], message_text=card["text"])


async def stored(stack: SlackStack) -> tuple[str, str | None]:
    async with stack.core.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.workflow_status))).one()
    return row.status, row.workflow_status


async def decisions(stack: SlackStack) -> int:
    async with stack.core.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(AuditRow).where(
            AuditRow.action.in_(["approve", "reject"])))).scalar_one()


async def test_the_board_decides_from_its_direct_messages(stack: SlackStack,
                                                          clock: FakeClock) -> None:
    await stack.command("U0ALICE", "new type:change Upgrade the core switch -- Saturday night")
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "pend IT-1 for the change board")
    await stack.deliver()

    erin, dave = dm_card(stack, "U0ERIN", "IT-1"), dm_card(stack, "U0DAVE", "IT-1")
    assert labels(erin) == {"ticket:approve:": "Approve", "ticket:reject:": "Reject"}
    assert "Approved: — · awaited: dave, erin" in str(erin["blocks"])
    assert not any("ticket:approve:" in str(m.get("blocks"))  # bob is not asked
                   for m in stack.fake.messages(stack.fake.im_channel("U0BOB")))

    # Bob is not on the board: pressing Approve on Erin's card (forwarded) is refused, to him.
    before = len(stack.fake.calls_to("chat.postMessage"))
    await stack.interact(press("U0BOB", "ticket:approve:", erin, stack.fake.im_channel("U0BOB")))
    told = [c.args["text"] for c in stack.fake.calls_to("chat.postMessage")[before:]
            if c.args.get("channel") in ("U0BOB", stack.fake.im_channel("U0BOB"))]
    assert told == ["You are not an approver of IT-1 while it is Awaiting CAB: dave, erin "
                    "decide."]
    assert await decisions(stack) == 0

    click = press("U0ERIN", "ticket:approve:", erin, stack.fake.im_channel("U0ERIN"))
    await stack.interact(click)
    await stack.interact(click)  # a double click
    assert await decisions(stack) == 1
    assert await stored(stack) == ("pending", "awaiting_cab")
    await stack.deliver()
    shared = [m for m in stack.fake.messages("C0GENERAL") + stack.fake.messages("C0ITDESK")
              if m.get("blocks") and m.get("text", "").startswith("IT-1 ·")]
    assert shared and "Approved: erin · awaited: dave" in str(shared[-1]["blocks"])

    # After 4 h the sweep reminds the member still awaited, once; not the one who approved.
    before = len(stack.fake.calls_to("chat.postMessage"))
    clock.advance(hours=4, minutes=1)
    await sla_tick(stack.core)
    await sla_tick(stack.core)
    await stack.deliver()
    reminded = [(c.args["channel"], c.args["text"])
                for c in stack.fake.calls_to("chat.postMessage")[before:]
                if c.args["text"].startswith("🔁")]
    assert reminded == [(stack.fake.im_channel("U0DAVE"),
                         "🔁 IT-1 (Upgrade the core switch) still waits for your approval: "
                         "`approve IT-1` or `reject IT-1 <reason>`.")]

    # Bob pressing Reject is refused as for Approve; no modal opens for him.
    await stack.interact(press("U0BOB", "ticket:reject:", erin, stack.fake.im_channel("U0BOB")))
    assert stack.fake.calls_to("views.open") == []

    # Reject opens a modal (on the click's trigger_id) asking the reason; nothing is decided yet.
    click = press("U0DAVE", "ticket:reject:", dave, stack.fake.im_channel("U0DAVE"))
    await stack.interact(click)
    [opened] = stack.fake.calls_to("views.open")
    assert opened.args["trigger_id"] == click["trigger_id"]
    view = opened.args["view"]
    assert_valid_blocks(view["blocks"])
    assert (view["callback_id"], view["title"]["text"], view["submit"]["text"]) == (
        "ticket_reject", "Reject IT-1", "Reject")
    assert [(b["block_id"], b["label"]["text"], b["optional"], b["element"]["type"],
             b["element"]["multiline"]) for b in view["blocks"]] == [
        ("reason", "Why do you reject it? (shown in the ticket's thread)", False,
         "plain_text_input", True)]
    assert await decisions(stack) == 1

    # Blanks are no reason: refused on the modal's input, nothing changes.
    response = await stack.interact(reason(stack, view, "   "))
    assert response.json() == {"response_action": "errors",
                               "errors": {"reason": "Please say why you reject it."}}
    assert (await decisions(stack), await stored(stack)) == (1, ("pending", "awaiting_cab"))

    # With the reason, the change ends where the workflow says, the reason in the thread.
    assert (await stack.interact(reason(stack, view, "no rollback plan"))).text == ""
    assert (await decisions(stack), await stored(stack)) == (2, ("cancelled", "rejected"))
    await stack.deliver()
    threads = [m["text"] for ch in ("C0GENERAL", "C0ITDESK") for m in stack.fake.messages(ch)
               if m.get("thread_ts")]
    assert "Dave rejected IT-1 (Upgrade the core switch): no rollback plan" in threads


def reason(stack: SlackStack, view: dict[str, Any], text: str,
           user: str = "U0DAVE") -> dict[str, Any]:
    """The view_submission of the reject modal Slack opened (its id and metadata)."""
    opened = list(stack.fake.views.values())[-1]
    return sp.view_submission("ticket_reject", view_values(reason=sp.text_input_state(text)),
                              user_id=user, user_name=NAMES[user], view_id=opened["id"],
                              private_metadata=view["private_metadata"], blocks=view["blocks"])

