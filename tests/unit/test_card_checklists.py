"""Checklists in cards: Slack checkboxes (ten per element, the ticked ones checked), DingTalk
markdown with a `check` link per open item, and none to tick once the ticket is closed."""

from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from bot.dingtalk.cards import card_params, markdown_card
from bot.slack.cards import ticket_card
from notifications.catalogs import Catalogs

CATALOGS = Catalogs(ZoneInfo("Asia/Shanghai"))


def snapshot(items: int, done: int = 0, checkable: bool = True) -> dict[str, Any]:
    return {
        "key": "IT-9", "title": "Morning round", "description": "", "status": "in_progress",
        "priority": "P4", "type": "task", "category": None, "team": "IT",
        "requester": {"label": "Dave", "slack_id": None, "dingtalk_id": None},
        "assignee": None, "collaborators": [], "due": None, "resolution": None,
        "pending_reason": None, "version": 3, "actions": ["note"],
        "checklist": [{"text": f"step <{n}>", "required": n % 2 == 1, "done": n <= done,
                       "by": "Bob" if n <= done else None} for n in range(1, items + 1)],
        "checkable": checkable,
    }


def test_slack_checkboxes_ten_per_element_ticked_ones_checked() -> None:
    blocks = [b.to_dict() for b in ticket_card(snapshot(12, done=2),
                                                CATALOGS.get("en", "slack"))]
    for block in Block.parse_all(blocks):
        assert block is not None
        block.validate_json()
    boxes = blocks[-1]
    assert boxes["block_id"] == "ticket-checklist:IT-9"
    assert [e["action_id"] for e in boxes["elements"]] == ["checklist:0", "checklist:1"]
    first = boxes["elements"][0]
    assert len(first["options"]) == 10 and len(boxes["elements"][1]["options"]) == 2
    assert first["options"][1]["text"]["text"] == "2. step <2> (optional)"
    assert [o["value"] for o in first["initial_options"]] == [
        '{"key":"IT-9","v":3,"n":1}', '{"key":"IT-9","v":3,"n":2}']
    assert first["options"][0]["description"]["text"] == "ticked by Bob"


def test_a_closed_ticket_shows_its_checklist_without_anything_to_tick() -> None:
    closed = snapshot(3, done=1, checkable=False)
    blocks = [b.to_dict() for b in ticket_card(closed, CATALOGS.get("en", "slack"))]
    assert not [b for b in blocks if b.get("block_id", "").startswith("ticket-checklist:")]
    assert blocks[-1]["elements"][0]["text"] == "Checklist: 1/3 done"
    params = card_params(closed, CATALOGS.get("zh-CN", "dingtalk"))
    assert "check_" not in params["actions"]
    assert "dtmd://" not in markdown_card(closed, CATALOGS.get("en", "dingtalk"))


def test_a_ticket_s_asset_is_shown_in_both_cards() -> None:
    card = {**snapshot(0), "asset": "UPS-1"}
    slack = [b.to_dict() for b in ticket_card(card, CATALOGS.get("en", "slack"))]
    assert {"type": "mrkdwn", "text": "*Asset*\nUPS-1"} in slack[0]["fields"]
    assert "**资产**：UPS-1" in markdown_card(card, CATALOGS.get("zh-CN", "dingtalk"))
    assert card_params(card, CATALOGS.get("en", "dingtalk"))["asset"] == "UPS-1"


def test_dingtalk_markdown_links_each_open_item_to_check() -> None:
    text = markdown_card(snapshot(2, done=1), CATALOGS.get("en", "dingtalk"))
    lines = text.split("  \n")
    assert "**Checklist**" in lines
    assert "☑ 1. step ＜1＞（ticked by Bob）" in lines
    assert ("☐ 2. step ＜2＞ (optional): [Tick 2]"
            "(dtmd://dingtalkclient/sendMessage?content=check%20IT-9%202)") in lines


def test_a_checkbox_click_says_what_was_checked_and_unchecked() -> None:
    from bot.slack.on_button import checklist_changes
    from tests.support import slack_payloads as sp

    blocks = [b.to_dict() for b in ticket_card(snapshot(3, done=1), CATALOGS.get("en", "slack"))]
    element = blocks[-1]["elements"][0]
    values = [o["value"] for o in element["options"]]

    def click(selected: list[str], ephemeral: bool = False) -> dict[str, Any]:
        return sp.block_actions(element["action_id"], "", user_id="U1", user_name="bob",
                                channel_id="C1", message_ts="1.2", message_blocks=blocks,
                                block_id=blocks[-1]["block_id"], selected=selected,
                                is_ephemeral=ephemeral)

    assert checklist_changes(click([values[0], values[2]])) == ("IT-9", 3, [3], [])
    assert checklist_changes(click([values[2]])) == ("IT-9", 3, [3], [1])
    # Not echoed (ephemeral): every checked option is a candidate; `check` refuses done ones.
    assert checklist_changes(click([values[0]], ephemeral=True)) == ("IT-9", 3, [1], [])
