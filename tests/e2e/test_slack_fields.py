"""A change request's own fields in Slack: `/ticket type:change_request` opens the create modal
with an input of the right element per field (defaults filled in), the view_submission Slack
sends is read back into the ticket's values, and a wrong value is shown on its field with
nothing saved."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.models import TicketRow
from tests.e2e import slack_stack as stacks
from tests.e2e.slack_stack import SlackStack, assert_valid_blocks, slack_stack, view_values
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

FORMS = """\
workflows:
  - name: change_form
    base: change
    types: [change_request]
    fields:
      - {name: risk, kind: choice, choices: [low, medium, high], required: true, default: medium,
         card: true, label: {en: Risk, zh-CN: 风险}}
      - {name: window, kind: date, card: true, label: {en: Change window, zh-CN: 变更窗口}}
      - {name: rollback_plan, kind: long_text, label: {en: Rollback plan, zh-CN: 回退方案}}
"""


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    monkeypatch.setattr(stacks, "ORG", stacks.ORG + FORMS)  # the stack's org, with a form
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


def field_inputs(view: dict) -> dict[str, dict]:
    return {b["block_id"].removeprefix("field:"): b for b in view["blocks"]
            if b["block_id"].startswith("field:")}


async def test_the_create_modal_asks_the_types_fields_and_stores_them(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "type:change_request", channel="C0GENERAL")
    view = stack.opened_view()
    assert_valid_blocks(view["blocks"], limit=100)
    inputs = field_inputs(view)
    assert list(inputs) == ["risk", "window", "rollback_plan"]
    risk = inputs["risk"]
    assert (risk["label"]["text"], risk["optional"], risk["element"]["type"]) == (
        "Risk", False, "static_select")
    assert [o["value"] for o in risk["element"]["options"]] == ["low", "medium", "high"]
    assert risk["element"]["initial_option"]["value"] == "medium"  # the default
    assert (inputs["window"]["element"]["type"], inputs["window"]["optional"]) == ("datepicker", True)
    assert inputs["rollback_plan"]["element"]["type"] == "plain_text_input"
    assert inputs["rollback_plan"]["element"]["multiline"] is True
    type_select = next(b for b in view["blocks"] if b["block_id"] == "type")
    assert type_select["element"]["initial_option"]["value"] == "change_request"

    submitted = sp.view_submission("ticket_create", view_values(
        title=sp.text_input_state("Upgrade the core switch"),
        description=sp.text_input_state(None),
        type=sp.static_select_state("change_request", "Change request"),
        priority=sp.static_select_state("P3"),
        category=sp.text_input_state(None), assignee=sp.users_select_state(None),
        collaborators=sp.multi_users_select_state([]),
        **{"field:risk": sp.static_select_state("high", "high"),
           "field:window": {"type": "datepicker", "selected_date": "2026-12-12"},
           "field:rollback_plan": sp.text_input_state("restore the saved config")}),
        user_id="U0ALICE", user_name="alice", private_metadata=view["private_metadata"])
    assert (await stack.interact(submitted)).text == ""
    async with stack.core.engine.connect() as connection:
        stored = (await connection.execute(select(TicketRow.fields))).scalars().all()
    assert stored == [{"risk": "high", "window": "2026-12-12",
                       "rollback_plan": "restore the saved config"}]
    await stack.deliver()
    card = next(m for m in stack.fake.messages("C0GENERAL") if m.get("blocks"))
    texts = str(card["blocks"])
    assert "*Risk*\\nhigh" in texts and "*Change window*\\n2026-12-12" in texts


async def test_a_wrong_value_is_shown_on_its_field(stack: SlackStack) -> None:
    await stack.command("U0ALICE", "type:change_request")
    view = stack.opened_view()
    submitted = sp.view_submission("ticket_create", view_values(
        title=sp.text_input_state("Upgrade"),
        type=sp.static_select_state("change_request", "Change request"),
        **{"field:risk": sp.static_select_state("extreme", "extreme")}),
        user_id="U0ALICE", user_name="alice", private_metadata=view["private_metadata"])
    response = await stack.interact(submitted)
    assert response.json() == {"response_action": "errors", "errors": {
        "field:risk": "risk must be one of low, medium, high (not “extreme”)."}}
    assert await stack.audit_count() == 0
