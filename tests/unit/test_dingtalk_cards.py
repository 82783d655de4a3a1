"""DingTalk ticket cards from the card snapshot: template params, markdown, and where answers go."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.dingtalk.cards import card_params, dtmd_link, markdown_card
from bot.dingtalk.replies import Conversation, Replier, Target
from bot.dingtalk.watchdog import TICK, Liveness
from bot.platforms import DINGTALK
from commands.answer import Answer
from commands.notify import NotifyConfig
from notifications.catalogs import Catalogs
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Queue
from workflows.people import Person
from workflows.priority import Priority
from workflows.status import Status
from workflows.ticket import Ticket

CATALOGS = Catalogs(ZoneInfo("Asia/Shanghai"))
SNAPSHOT: dict[str, Any] = {
    "key": "IT-7", "title": "VPN *down* <@U1> [x](y)", "description": "line one\nline two",
    "status": "pending", "priority": "P2", "type": "incident", "category": None,
    "team": "IT 支持", "requester": {"label": "李雷", "slack_id": None, "dingtalk_id": "staff-li"},
    "assignee": {"label": "王芳", "slack_id": None, "dingtalk_id": "staff-wang"},
    "collaborators": [{"label": "张三", "slack_id": None, "dingtalk_id": "staff-zhang"}],
    "due": "2026-03-02T17:00:00+00:00", "resolution": None, "pending_reason": "等待 *备件*",
    "version": 4, "actions": ["transfer", "note", "resume", "resolve", "urge"],
}


def test_template_params_are_strings_with_buttons_and_visibility_flags() -> None:
    params = card_params(SNAPSHOT, CATALOGS.get("zh-CN", "dingtalk"))
    assert all(isinstance(v, str) for v in params.values())
    assert (params["status_text"], params["assignee"], params["due"], params["version"]) == (
        "等待中", "王芳", "2026-03-03 01:00（北京时间 UTC+8）", "4")
    assert params["title"] == SNAPSHOT["title"]  # plain text fields are not markdown-escaped
    assert json.loads(params["actions"])[2] == {
        "id": "resume", "text": "恢复处理", "params": {"action": "resume", "key": "IT-7", "v": "4"}}
    assert (params["can_resume"], params["can_claim"]) == ("true", "false")
    assert "VPN ＊down＊ ＜@U1＞ ［x］(y)" in params["markdown"]
    assert "dtmd://" not in params["markdown"]  # the template has real buttons


def test_the_markdown_card_escapes_user_text_and_links_the_actions() -> None:
    text = markdown_card(SNAPSHOT, CATALOGS.get("en", "dingtalk"))
    lines = text.split("  \n")
    assert lines[0] == "#### IT-7 · VPN ＊down＊ ＜@U1＞ ［x］(y)"
    assert lines[1] == "**Status**: Pending · **Priority**: P2 · **Team**: IT 支持"
    assert "> line one line two" in lines
    assert "**Waiting**: 等待 ＊备件＊" in lines
    assert "**Collaborators**: 张三" in lines
    assert "[Resume](dtmd://dingtalkclient/sendMessage?content=resume%20IT-7) · " \
           "[Urge](dtmd://dingtalkclient/sendMessage?content=urge%20IT-7)" in lines
    assert "Transfer: `transfer IT-7 @… reason: …`" in lines
    assert dtmd_link("claim IT-1") == "dtmd://dingtalkclient/sendMessage?content=claim%20IT-1"


def _ticket(origin: str | None, source: Source = DINGTALK) -> Ticket:
    now = datetime(2026, 3, 2, tzinfo=UTC)
    return Ticket(key="IT-1", queue="IT", number=1, title="t", description="", type=TicketType.INCIDENT,
                  priority=Priority.P3, status=Status.NEW, requester=Person(1, "li", "李雷"), team="it",
                  source=source, created_at=now, updated_at=now, origin_channel=origin)


ORG = Organisation(teams={}, queues={"IT": Queue("IT", "IT", "it", channels={"dingtalk": "cidQUEUE=="})},
                   default_queue="IT")


@pytest.mark.parametrize(("conversation", "answer", "cards", "expected"), [
    # Errors, help, lists: the sender alone, 1:1.
    (Conversation(True, "cidQUEUE==", "s1", "李雷"), Answer("help.all", public=False), True,
     Target("s1")),
    (Conversation(True, "cidQUEUE==", "s1", "李雷"), Answer("error.x", public=False, ok=False),
     False, Target("s1")),
    # Public answers in a 1:1 chat stay there.
    (Conversation(False, "cidPRIVATE==", "s1", "李雷"), Answer("ticket.claimed"), True,
     Target("s1")),
    # In a group, with the sender's name…
    (Conversation(True, "cidOTHER==", "s1", "李雷"), Answer("ticket.claimed", ticket=_ticket(None)),
     True, Target("cidOTHER==", "李雷")),
    # …unless the ticket's card is there: the card and the change line say it.
    (Conversation(True, "cidQUEUE==", "s1", "李雷"), Answer("ticket.claimed", ticket=_ticket(None)),
     True, None),
    # Without cards, a change the outbox announces in the queue group is said there once, by it…
    (Conversation(True, "cidQUEUE==", "s1", "李雷"), Answer("ticket.claimed", ticket=_ticket(None)),
     False, None),
    # …and one it does not announce is answered there.
    (Conversation(True, "cidQUEUE==", "s1", "李雷"), Answer("ticket.pending", ticket=_ticket(None)),
     False, Target("cidQUEUE==", "李雷")),
    # A click that worked: the card changes in place.
    (Conversation(True, "cidQUEUE==", "s1", via_card=True), Answer("ticket.claimed"), False, None),
    # A redelivery: silence.
    (Conversation(False, "cid==", "s1"), Answer("duplicate", public=False, duplicate=True), True,
     None),
])
def test_where_an_answer_goes(conversation: Conversation, answer: Answer, cards: bool,
                              expected: Target | None) -> None:
    replier = Replier(None, None, ORG, NotifyConfig(), CATALOGS, None, cards=cards)  # type: ignore[arg-type]
    assert replier.target(conversation, answer) == expected


async def test_the_watchdog_ends_a_silent_watch_and_keeps_a_lively_one() -> None:
    async def no_pong(wait: float) -> None:
        raise TimeoutError

    async def pong(wait: float) -> None:
        return None

    silent = Liveness(0.2)
    await asyncio.wait_for(silent.watch(no_pong), 1.0)
    assert silent.quiet_for() >= 0.2 - TICK
    lively = Liveness(0.2)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(lively.watch(pong), 0.6)
