"""Transition modals built from the fields a transition requires, in Slack over HTTP: a one-click
Claim whose transition requires the site opens a modal asking it (the click's trigger_id); the
Resolve modal asks, beside the resolution, the workflow's own fields of every kind. Each wrong or
empty input is shown on its field and nothing changes; submitted right, the fields are set and
the transition made at once."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.models import TicketRow
from tests.e2e import slack_stack as stack_module
from tests.e2e.slack_stack import SlackStack, assert_valid_blocks, slack_stack, view_values
from tests.e2e.test_slack_http import card_in, thread_of
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.clock import FakeClock

CAUSES = """\
workflows:
  - name: incident_with_cause
    base: standard
    types: [incident]
    transitions:
      - {action: claim, from: [new], to: in_progress, who: [member, lead, admin], requires: [site]}
      - {action: resolve, from: [assigned, in_progress, pending], to: resolved,
         who: [assignee, lead, admin],
         requires: [resolution, root_cause, downtime, customer_facing, fixed_on, reviewer, vendor]}
    fields:
      - {name: site, kind: choice, choices: [beijing, shanghai], label: {en: Site, zh-CN: 地点}}
      - {name: root_cause, kind: long_text, label: {en: Root cause, zh-CN: 根本原因}}
      - {name: downtime, kind: number, label: {en: Downtime (minutes), zh-CN: 停机时长（分钟）}}
      - {name: customer_facing, kind: yes_no, label: {en: Customers affected, zh-CN: 影响客户}}
      - {name: fixed_on, kind: date, label: {en: Fixed on, zh-CN: 修复日期}}
      - {name: reviewer, kind: person, label: {en: Reviewer, zh-CN: 复核人}}
      - {name: vendor, kind: text, label: {en: Vendor, zh-CN: 供应商}}
"""


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SlackStack]:
    monkeypatch.setattr(stack_module, "ORG", stack_module.ORG + CAUSES)
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def ticket(stack: SlackStack) -> tuple[str, str | None, dict[str, Any]]:
    async with stack.core.engine.connect() as conn:
        row = (await conn.execute(select(TicketRow.status, TicketRow.assignee_id,
                                         TicketRow.fields))).one()
    return row.status, row.assignee_id, row.fields


def inputs(view: dict[str, Any]) -> list[tuple[str, str, bool, str]]:
    return [(b["block_id"], b["label"]["text"], b["optional"], b["element"]["type"])
            for b in view["blocks"]]


def submit(stack: SlackStack, view: dict[str, Any], **state: dict[str, Any]) -> dict[str, Any]:
    opened = list(stack.fake.views.values())[-1]
    return sp.view_submission(view["callback_id"], view_values(**state), user_id="U0BOB",
                              user_name="bob", view_id=opened["id"], blocks=view["blocks"],
                              private_metadata=view["private_metadata"])


async def test_transition_modals_ask_the_fields_the_transition_requires(stack: SlackStack
                                                                        ) -> None:
    await stack.command("U0ALICE", "new P2 VPN down on floor 3")
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")

    # Claim runs as clicked elsewhere; here its transition requires the site: a modal asks it.
    click = stack.click("U0BOB", "claim", card, "C0GENERAL")
    await stack.interact(click)
    [opened] = stack.fake.calls_to("views.open")
    assert opened.args["trigger_id"] == click["trigger_id"]
    view = opened.args["view"]
    assert_valid_blocks(view["blocks"])
    assert (view["callback_id"], view["title"]["text"]) == ("ticket_with_fields", "Claim IT-1")
    assert inputs(view) == [("field:site", "Site", False, "static_select")]
    assert [o["value"] for o in view["blocks"][0]["element"]["options"]] == ["beijing", "shanghai"]
    assert await ticket(stack) == ("new", None, None)

    response = await stack.interact(submit(stack, view, **{
        "field:site": sp.static_select_state(None)}))
    assert response.json() == {"response_action": "errors",
                               "errors": {"field:site": "Please fill this in."}}
    assert await ticket(stack) == ("new", None, None)
    assert (await stack.interact(submit(stack, view, **{
        "field:site": sp.static_select_state("beijing", "beijing")}))).text == ""
    status, assignee, fields = await ticket(stack)
    assert (status, fields) == ("in_progress", {"site": "beijing"}) and assignee is not None
    await stack.deliver()
    card = card_in(stack, "C0GENERAL")
    assert thread_of(stack, "C0GENERAL", card)[-1] == (
        "Bob is now working on IT-1 (VPN down on floor 3).")

    # Resolve: its modal's resolution, then an input per own field of the transition.
    await stack.interact(stack.click("U0BOB", "resolve", card, "C0GENERAL"))
    view = stack.opened_view()
    assert_valid_blocks(view["blocks"])
    assert view["callback_id"] == "ticket_with_fields"
    assert inputs(view) == [
        ("resolution", "Resolution", False, "plain_text_input"),
        ("field:root_cause", "Root cause", False, "plain_text_input"),
        ("field:downtime", "Downtime (minutes)", False, "number_input"),
        ("field:customer_facing", "Customers affected", False, "radio_buttons"),
        ("field:fixed_on", "Fixed on", False, "datepicker"),
        ("field:reviewer", "Reviewer", False, "users_select"),
        ("field:vendor", "Vendor", False, "plain_text_input")]
    assert view["blocks"][1]["element"]["multiline"] is True

    right = {
        "resolution": sp.text_input_state("ISP replaced the router"),
        "field:root_cause": sp.text_input_state("a failed uplink"),
        "field:downtime": {"type": "number_input", "value": "45"},
        "field:customer_facing": {"type": "radio_buttons",
                                  "selected_option": sp.option("yes", "Yes")},
        "field:fixed_on": {"type": "datepicker", "selected_date": "2026-12-04"},
        "field:reviewer": sp.users_select_state("U0DAVE"),
        "field:vendor": sp.text_input_state("Acme ISP"),
    }
    wrong = {**right, "field:downtime": {"type": "number_input", "value": "lots"},
             "field:reviewer": sp.users_select_state(None),
             "field:vendor": sp.text_input_state("  ")}
    response = await stack.interact(submit(stack, view, **wrong))
    errors = response.json()["errors"]
    assert response.json()["response_action"] == "errors"
    assert sorted(errors) == ["field:downtime", "field:reviewer", "field:vendor"]
    assert "lots" in errors["field:downtime"]
    assert errors["field:reviewer"] == errors["field:vendor"] == "Please fill this in."
    assert await ticket(stack) == ("in_progress", assignee, {"site": "beijing"})

    assert (await stack.interact(submit(stack, view, **right))).text == ""
    status, _, fields = await ticket(stack)
    assert status == "resolved"
    assert fields == {"site": "beijing", "root_cause": "a failed uplink", "downtime": 45,
                      "customer_facing": True, "fixed_on": "2026-12-04", "reviewer": "dave",
                      "vendor": "Acme ISP"}
    await stack.deliver()
    assert "resolved" in thread_of(stack, "C0GENERAL", card_in(stack, "C0GENERAL"))[-1]
