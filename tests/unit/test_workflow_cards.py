"""A workflow's own status on the cards the outbox delivers (Slack blocks, DingTalk markdown and
template parameters, the text fallback), in each reader's language; the buttons a shared card
offers include those only a named group may press."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.dingtalk.cards import card_params, markdown_card
from bot.orgfile import load_org
from bot.slack.cards import ticket_card
from commands.notify import card_snapshot
from notifications.catalogs import Catalogs
from workflows.kinds import Source, TicketType
from workflows.people import Person
from workflows.priority import Priority
from workflows.status import Status
from workflows.ticket import Ticket

CATALOGS = Catalogs(ZoneInfo("Asia/Shanghai"))
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ORG = load_org().org  # the sample: change requests wait on the change board


def snapshot(**kw) -> dict:
    fields = {"status": Status.PENDING, "workflow_status": "awaiting_cab", **kw}
    ticket = Ticket(key="IT-7", queue="IT", number=7, title="Upgrade the core switch",
                    description="-", type=TicketType.CHANGE_REQUEST, priority=Priority.P3,
                    requester=Person(1, "alice", "Alice"), team="it", source=Source.CONSOLE,
                    created_at=NOW, updated_at=NOW, assignee=Person(2, "bob", "Bob"), **fields)
    ticket.workflow = ORG.workflow_for(ticket.type)
    return json.loads(json.dumps(card_snapshot(ticket, ORG)))  # as the outbox stores it


def test_the_snapshot_carries_the_workflow_status_and_its_names() -> None:
    card = snapshot()
    assert card["status"] == "awaiting_cab"
    assert card["status_names"] == {"en": "Awaiting CAB", "zh-CN": "待变更委员会审批"}
    assert "resume" in card["actions"]  # the board may resume: the shared card offers it


def test_slack_and_dingtalk_cards_say_it_in_the_readers_language() -> None:
    card = snapshot()
    blocks = json.dumps([b.to_dict() for b in ticket_card(card, CATALOGS.get("en", "slack"))])
    assert "Awaiting CAB" in blocks
    assert "待变更委员会审批" in markdown_card(card, CATALOGS.get("zh-CN", "dingtalk"))
    assert card_params(card, CATALOGS.get("en", "dingtalk"))["status_text"] == "Awaiting CAB"


def test_a_built_in_status_still_reads_the_catalogs_words() -> None:
    card = snapshot(status=Status.IN_PROGRESS, workflow_status=None)
    assert card["status"] == "in_progress" and card["status_names"] == {}
    assert card_params(card, CATALOGS.get("zh-CN", "dingtalk"))["status_text"] == "处理中"
