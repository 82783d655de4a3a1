"""The sample's access request in Slack over HTTP: an own ticket type (`type:access`) whose
workflow asks the system's owner (the sample's frank, here erin) on a card in a direct message.
A missing required field is refused until given inline; a non-approver's click is refused with
who decides, the SLA sweep reminds the owner once, and the owner's rejection (its reason asked in
a modal) declines the request with the reason in the ticket's thread."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.scheduler import sla_tick
from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.e2e.test_slack_approvals import dm_card, labels, press, reason
from tests.e2e.test_slack_laptop import decided, stored, told
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock
from tests.support.sample_workflows import sample_type_yaml


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    flow = sample_type_yaml("access_request").replace("person:frank", "person:erin")
    monkeypatch.setattr(stack_module, "ORG", stack_module.ORG + flow)
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def test_an_access_request_is_declined_by_the_system_owner(stack: SlackStack,
                                                                 clock: FakeClock) -> None:
    await stack.command("U0ALICE", "new type:access system=ledger Finance ledger access")
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "pend IT-1 asks the owner")
    await stack.deliver()
    assert await stored(stack) == ("pending", "owner_ok", "service_request", "access_request")

    erin = dm_card(stack, "U0ERIN", "IT-1")
    assert labels(erin) == {"ticket:approve:": "Approve", "ticket:reject:": "Reject"}
    assert "*System*\\nledger" in str(erin["blocks"])
    assert "Approved: — · awaited: erin" in str(erin["blocks"])

    before = len(stack.fake.calls_to("chat.postMessage"))
    await stack.interact(press("U0DAVE", "ticket:approve:", erin, stack.fake.im_channel("U0DAVE")))
    assert told(stack, "U0DAVE", before) == [
        "You are not an approver of IT-1 while it is Awaiting system owner: erin decides."]
    assert await decided(stack) == []

    before = len(stack.fake.calls_to("chat.postMessage"))
    clock.advance(days=1, minutes=1)  # the owner's step reminds after a day
    await sla_tick(stack.core)
    await sla_tick(stack.core)  # a second sweep reminds nobody again
    await stack.deliver()
    assert [t for t in told(stack, "U0ERIN", before) if t.startswith("🔁")] == [
        "🔁 IT-1 (Finance ledger access) still waits for your approval: `approve IT-1` or "
        "`reject IT-1 <reason>`."]

    await stack.interact(press("U0ERIN", "ticket:reject:", erin, stack.fake.im_channel("U0ERIN")))
    view = stack.opened_view()
    assert view["callback_id"] == "ticket_reject"
    assert (await stack.interact(reason(stack, view, "read-only access is enough",
                                        user="U0ERIN"))).text == ""
    assert await stored(stack) == ("cancelled", "declined", "service_request", "access_request")
    await stack.deliver()
    threads = [m["text"] for ch in ("C0GENERAL", "C0ITDESK") for m in stack.fake.messages(ch)
               if m.get("thread_ts")]
    assert "Erin rejected IT-1 (Finance ledger access): read-only access is enough" in threads
    assert await decided(stack) == [("reject", ["owner_ok", "erin"])]
