"""The sample's new-laptop request in Slack over HTTP: an own ticket type (`type:laptop`) whose
workflow asks the requester's manager, then the IT lead, each with Approve and Reject on a card
in a direct message. A non-approver's click is refused with who decides, a double click
approves once, the SLA sweep reminds the awaited lead, and the lead's rejection puts its reason
in the ticket's thread."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.scheduler import sla_tick
from storage.models import AuditRow, TicketRow
from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import SlackStack, assert_valid_blocks, slack_stack, view_values
from tests.e2e.test_slack_approvals import dm_card, labels, press, reason
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock
from tests.support.sample_workflows import sample_laptop_yaml


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    # alice's manager is carol; dave leads IT.
    org = stack_module.ORG.replace("slack_id: U0ALICE}", "slack_id: U0ALICE, manager: carol}")
    monkeypatch.setattr(stack_module, "ORG", org + sample_laptop_yaml())
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def stored(stack: SlackStack) -> tuple[str, str | None, str, str | None]:
    async with stack.core.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.workflow_status,
                                         TicketRow.type, TicketRow.custom_type))).one()
    return row.status, row.workflow_status, row.type, row.custom_type


async def decided(stack: SlackStack) -> list[tuple[str, list[str]]]:
    async with stack.core.engine.connect() as conn:
        rows = (await conn.execute(select(AuditRow.action, AuditRow.changes).where(
            AuditRow.action.in_(["approve", "reject"])).order_by(AuditRow.id))).all()
    return [(r.action, r.changes["approval"]) for r in rows]


def told(stack: SlackStack, user: str, since: int) -> list[str]:
    return [c.args["text"] for c in stack.fake.calls_to("chat.postMessage")[since:]
            if c.args.get("channel") in (user, stack.fake.im_channel(user))]


def type_field(card: dict[str, Any]) -> list[str]:
    return [f["text"] for b in card["blocks"] if b["type"] == "section"
            for f in b.get("fields") or [] if f["text"].startswith("*Type*")]


async def test_a_laptop_request_from_slack_direct_messages(stack: SlackStack,
                                                           clock: FakeClock) -> None:
    await stack.command("U0ALICE", "new type:laptop New laptop for the new hire")
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "pend IT-1 needs the approvals")
    await stack.deliver()
    assert await stored(stack) == ("pending", "manager_ok", "service_request", "laptop_request")

    carol = dm_card(stack, "U0CAROL", "IT-1")
    assert labels(carol) == {"ticket:approve:": "Approve", "ticket:reject:": "Reject"}
    assert type_field(carol) == ["*Type*\nNew laptop"]
    assert "Approved: — · awaited: carol" in str(carol["blocks"])

    before = len(stack.fake.calls_to("chat.postMessage"))
    await stack.interact(press("U0DAVE", "ticket:approve:", carol,
                               stack.fake.im_channel("U0DAVE")))  # the lead: not yet his turn
    assert told(stack, "U0DAVE", before) == [
        "You are not an approver of IT-1 while it is Awaiting manager: carol decides."]
    click = press("U0CAROL", "ticket:approve:", carol, stack.fake.im_channel("U0CAROL"))
    await stack.interact(click)
    await stack.interact(click)  # a double click
    assert await decided(stack) == [("approve", ["manager_ok", "carol"])]
    assert await stored(stack) == ("in_progress", "it_ok", "service_request", "laptop_request")
    await stack.deliver()

    dave = dm_card(stack, "U0DAVE", "IT-1")
    assert labels(dave) == {"ticket:approve:": "Approve", "ticket:reject:": "Reject"}
    before = len(stack.fake.calls_to("chat.postMessage"))
    clock.advance(hours=4, minutes=1)  # the lead's step reminds after 4h
    await sla_tick(stack.core)
    await sla_tick(stack.core)  # a second sweep reminds nobody again
    await stack.deliver()
    assert [t for t in told(stack, "U0DAVE", before) if t.startswith("🔁")] == [
        "🔁 IT-1 (New laptop for the new hire) still waits for your approval: `approve IT-1` or "
        "`reject IT-1 <reason>`."]

    # Reject asks the reason in a modal; submitted, it declines the request.
    await stack.interact(press("U0DAVE", "ticket:reject:", dave, stack.fake.im_channel("U0DAVE")))
    view = stack.opened_view()
    assert view["callback_id"] == "ticket_reject"
    assert (await stack.interact(reason(stack, view, "a laptop from stock will do"))).text == ""
    assert await stored(stack) == ("cancelled", "declined", "service_request", "laptop_request")
    await stack.deliver()
    threads = [m["text"] for ch in ("C0GENERAL", "C0ITDESK") for m in stack.fake.messages(ch)
               if m.get("thread_ts")]
    assert "Dave rejected IT-1 (New laptop for the new hire): a laptop from stock will do" in (
        threads)
    assert await decided(stack) == [("approve", ["manager_ok", "carol"]),
                                    ("reject", ["it_ok", "dave"])]


async def test_the_create_modal_offers_the_own_type_and_its_fields(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "type:laptop", channel="C0GENERAL")
    view = stack.opened_view()
    assert_valid_blocks(view["blocks"], limit=100)
    type_select = next(b for b in view["blocks"] if b["block_id"] == "type")
    options = {o["value"]: o["text"]["text"] for o in type_select["element"]["options"]}
    assert options["laptop_request"] == "New laptop" and options["access_request"] == (
        "Access request")
    assert type_select["element"]["initial_option"]["value"] == "laptop_request"
    model = next(b for b in view["blocks"] if b["block_id"] == "field:model")
    assert model["element"]["initial_option"]["value"] == "standard"  # the default

    submitted = sp.view_submission("ticket_create", view_values(
        title=sp.text_input_state("Laptop for the new hire"),
        description=sp.text_input_state(None),
        type=sp.static_select_state("laptop_request", "New laptop"),
        priority=sp.static_select_state("P4"),
        category=sp.text_input_state(None), assignee=sp.users_select_state(None),
        collaborators=sp.multi_users_select_state([]),
        **{"field:model": sp.static_select_state("developer", "developer")}),
        user_id="U0ALICE", user_name="alice", private_metadata=view["private_metadata"])
    assert (await stack.interact(submitted)).text == ""
    assert await stored(stack) == ("new", None, "service_request", "laptop_request")
    async with stack.core.engine.connect() as conn:
        assert (await conn.execute(select(TicketRow.fields))).scalar_one() == {
            "model": "developer"}
