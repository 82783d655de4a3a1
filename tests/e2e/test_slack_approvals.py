"""Approval steps in Slack over HTTP, walking the sample's change board (erin, grace, admin; all
three must approve): each approver gets a card with Approve and Reject in a direct message;
clicks are Slack's block_actions payloads; the ticket's card shows who has approved and who is
awaited after each approval; a double click approves once; a person who is not an approver is
refused with who decides; the sweep reminds the member still awaited; Reject opens a modal
asking the reason (blanks refused in it), and the rejection puts it in the ticket's thread."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.scheduler import sla_tick
from storage.models import AuditRow, TicketRow
from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import NAMES, SlackStack, assert_valid_blocks, slack_stack, view_values
from tests.e2e.test_slack_modal_locale import labels as input_labels
from tests.e2e.test_slack_modal_locale import shown
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock
from tests.support.sample_workflows import sample_board, sample_change_board_yaml

# The sample's change board (erin, grace, admin) as Slack users of the stack's organisation.
BOARD_PEOPLE = {"U0GRACE": "grace", "U0ADMIN": "admin"}


def board_org() -> str:
    org = stack_module.ORG.replace("{handle: admin, name: Admin}",
                                   "{handle: admin, name: Admin, slack_id: U0ADMIN}\n"
                                   "  - {handle: grace, name: Grace, slack_id: U0GRACE}")
    assert "U0GRACE" in org
    return org + sample_change_board_yaml()


def with_board(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack's organisation with the sample's change board, its members Slack users."""
    monkeypatch.setattr(stack_module, "ORG", board_org())
    for user, handle in BOARD_PEOPLE.items():
        monkeypatch.setitem(stack_module.NAMES, user, handle)


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    with_board(monkeypatch)
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


async def stored(stack: SlackStack, key: str = "IT-1") -> tuple[str, str | None]:
    async with stack.core.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.workflow_status).where(
            TicketRow.key == key))).one()
    return row.status, row.workflow_status


async def decisions(stack: SlackStack) -> int:
    async with stack.core.engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(AuditRow).where(
            AuditRow.action.in_(["approve", "reject"])))).scalar_one()


def shared_progress(stack: SlackStack, key: str) -> str:
    """The approval line of the ticket's latest card in the channels (the card is updated)."""
    cards = [m for m in stack.fake.messages("C0GENERAL") + stack.fake.messages("C0ITDESK")
             if m.get("blocks") and m.get("text", "").startswith(f"{key} ·")]
    assert cards, stack.fake.messages("C0ITDESK")
    assert_valid_blocks(cards[-1]["blocks"])
    return next((line for line in str(cards[-1]["blocks"]).split("'") if "Approved:" in line),
                "")


async def submit_change(stack: SlackStack, key: str) -> None:
    await stack.command("U0ALICE", "new type:change Upgrade the core switch -- Saturday night")
    await stack.command("U0BOB", f"claim {key}")
    await stack.command("U0BOB", f"pend {key} for the change board")
    await stack.deliver()
    assert await stored(stack, key) == ("pending", "awaiting_cab")


async def test_the_whole_board_of_three_approves(stack: SlackStack) -> None:
    assert sample_board() == ["erin", "grace", "admin"]
    await submit_change(stack, "IT-1")
    board = {user: dm_card(stack, user, "IT-1") for user in ("U0ERIN", "U0GRACE", "U0ADMIN")}
    for card in board.values():
        assert labels(card) == {"ticket:approve:": "Approve", "ticket:reject:": "Reject"}
        assert "Approved: — · awaited: admin, erin, grace" in str(card["blocks"])
    assert "Approved: — · awaited: admin, erin, grace" in shared_progress(stack, "IT-1")
    for user in ("U0ALICE", "U0BOB", "U0DAVE"):  # the requester, assignee, lead: not asked
        assert not any("ticket:approve:" in str(m.get("blocks"))
                       for m in stack.fake.messages(stack.fake.im_channel(user)))

    # Each approval updates the ticket's card: who has approved, who is still awaited.
    progress = []
    for user in ("U0ERIN", "U0GRACE", "U0ADMIN"):
        click = press(user, "ticket:approve:", board[user], stack.fake.im_channel(user))
        await stack.interact(click)
        await stack.deliver()
        progress.append(shared_progress(stack, "IT-1"))
        if user == "U0ERIN":
            await stack.interact(click)  # a double click approves once
            assert await decisions(stack) == 1
        if user != "U0ADMIN":
            assert await stored(stack) == ("pending", "awaiting_cab")
    assert progress[:2] == ["Approved: erin · awaited: admin, grace",
                            "Approved: erin, grace · awaited: admin"]
    assert progress[2] == ""  # the step is over: the card no longer waits on anyone
    assert await decisions(stack) == 3
    assert await stored(stack) == ("in_progress", None)  # all three approved: work goes on


async def test_a_refused_approver_a_reminder_and_a_rejection(stack: SlackStack,
                                                             clock: FakeClock) -> None:
    await submit_change(stack, "IT-1")
    erin, admin = dm_card(stack, "U0ERIN", "IT-1"), dm_card(stack, "U0ADMIN", "IT-1")

    # Bob is not on the board: pressing Approve on Erin's card (forwarded) is refused, to him.
    before = len(stack.fake.calls_to("chat.postMessage"))
    await stack.interact(press("U0BOB", "ticket:approve:", erin, stack.fake.im_channel("U0BOB")))
    told = [c.args["text"] for c in stack.fake.calls_to("chat.postMessage")[before:]
            if c.args.get("channel") in ("U0BOB", stack.fake.im_channel("U0BOB"))]
    assert told == ["You are not an approver of IT-1 while it is Awaiting CAB: admin, erin, "
                    "grace decide."]
    assert await decisions(stack) == 0

    for user in ("U0ERIN", "U0GRACE"):
        card = dm_card(stack, user, "IT-1")
        await stack.interact(press(user, "ticket:approve:", card, stack.fake.im_channel(user)))
    await stack.deliver()
    assert "Approved: erin, grace · awaited: admin" in shared_progress(stack, "IT-1")

    # After 4 h the sweep reminds the member still awaited, once; not those who approved.
    before = len(stack.fake.calls_to("chat.postMessage"))
    clock.advance(hours=4, minutes=1)
    await sla_tick(stack.core)
    await sla_tick(stack.core)
    await stack.deliver()
    reminded = [(c.args["channel"], c.args["text"])
                for c in stack.fake.calls_to("chat.postMessage")[before:]
                if c.args["text"].startswith("🔁")]
    assert reminded == [(stack.fake.im_channel("U0ADMIN"),
                         "🔁 IT-1 (Upgrade the core switch) still waits for your approval: "
                         "`approve IT-1` or `reject IT-1 <reason>`.")]

    # Bob pressing Reject is refused as for Approve; no modal opens for him.
    await stack.interact(press("U0BOB", "ticket:reject:", erin, stack.fake.im_channel("U0BOB")))
    assert stack.fake.calls_to("views.open") == []

    # Reject opens a modal (on the click's trigger_id) asking the reason; nothing is decided yet.
    click = press("U0ADMIN", "ticket:reject:", admin, stack.fake.im_channel("U0ADMIN"))
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
    assert await decisions(stack) == 2

    # Blanks are no reason: refused on the modal's input, nothing changes.
    response = await stack.interact(reason(stack, view, "   ", user="U0ADMIN"))
    assert response.json() == {"response_action": "errors",
                               "errors": {"reason": "Please say why you reject it."}}
    assert (await decisions(stack), await stored(stack)) == (2, ("pending", "awaiting_cab"))

    # With the reason, the change ends where the workflow says, the reason in the thread.
    assert (await stack.interact(reason(stack, view, "no rollback plan", user="U0ADMIN"))
            ).text == ""
    assert (await decisions(stack), await stored(stack)) == (3, ("cancelled", "rejected"))
    await stack.deliver()
    threads = [m["text"] for ch in ("C0GENERAL", "C0ITDESK") for m in stack.fake.messages(ch)
               if m.get("thread_ts")]
    assert "Admin rejected IT-1 (Upgrade the core switch): no rollback plan" in threads


def reason(stack: SlackStack, view: dict[str, Any], text: str,
           user: str = "U0DAVE") -> dict[str, Any]:
    """The view_submission of the reject modal Slack opened (its id and metadata)."""
    opened = list(stack.fake.views.values())[-1]
    return sp.view_submission("ticket_reject", view_values(reason=sp.text_input_state(text)),
                              user_id=user, user_name=NAMES[user], view_id=opened["id"],
                              private_metadata=view["private_metadata"], blocks=view["blocks"])


async def test_the_reject_modal_follows_the_approvers_language(stack: SlackStack) -> None:
    """The bot speaks English; the modal speaks the approver's Slack language (zh-CN)."""
    stack.fake.add_user("U0ADMIN", real_name="Admin", locale="zh-CN")
    await stack.command("U0ALICE", "new type:change Upgrade the core switch")
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "pend IT-1 for the change board")
    await stack.deliver()

    card = dm_card(stack, "U0ADMIN", "IT-1")
    await stack.interact(press("U0ADMIN", "ticket:reject:", card,
                               stack.fake.im_channel("U0ADMIN")))
    view = shown(stack)
    assert (view["title"]["text"], view["submit"]["text"]) == ("驳回 IT-1", "驳回")
    assert input_labels(view) == {"reason": "驳回原因（将显示在工单的讨论串中）"}
    response = await stack.interact(reason(stack, view, "  ", user="U0ADMIN"))
    assert response.json() == {"response_action": "errors",
                               "errors": {"reason": "请填写驳回原因。"}}

    card = dm_card(stack, "U0ERIN", "IT-1")  # Erin's Slack is English
    await stack.interact(press("U0ERIN", "ticket:reject:", card, stack.fake.im_channel("U0ERIN")))
    assert input_labels(shown(stack)) == {
        "reason": "Why do you reject it? (shown in the ticket's thread)"}
