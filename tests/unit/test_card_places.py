"""Where a ticket's cards live and which threads a reply crosses into (commands/card_places.py)."""

from datetime import UTC, datetime

import pytest

from bot.platforms import DINGTALK, FEISHU, SLACK
from commands.answer import Answer
from commands.card_places import ASKER, HERE, answer_place, card_destinations, card_lives_in, mirrored_to
from workflows.audit import AuditEntry
from workflows.kinds import Source, TicketType
from workflows.organisation import Organisation, Queue, Team
from workflows.people import Person
from workflows.priority import Priority
from workflows.status import Status
from workflows.ticket import Ticket

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CARDS = frozenset({SLACK, DINGTALK, FEISHU})
QUEUE = [(SLACK, "C0DESK"), (FEISHU, "oc_desk")]


def ticket(source: Source, origin: str | None) -> Ticket:
    return Ticket(id=1, key="IT-1", queue="IT", number=1, title="VPN", description="",
                  type=TicketType.INCIDENT, priority=Priority.P3, status=Status.NEW,
                  requester=Person(1, "alice", "Alice"), team="it", source=source,
                  created_at=NOW, updated_at=NOW, origin_channel=origin)


def test_the_group_it_was_raised_in_gets_a_card_beside_the_queues_channels() -> None:
    raised = ticket(DINGTALK, "cidOFFICE==")
    assert card_destinations(raised, QUEUE, CARDS, CARDS) == [
        (SLACK, "C0DESK"), (FEISHU, "oc_desk"), (DINGTALK, "cidOFFICE==")]


def test_on_the_queues_own_messenger_the_origin_stands_for_its_channel() -> None:
    raised = ticket(SLACK, "C0GENERAL")
    assert card_destinations(raised, QUEUE, CARDS, CARDS) == [
        (SLACK, "C0GENERAL"), (FEISHU, "oc_desk")]


@pytest.mark.parametrize(("cards", "platforms"), [
    (frozenset({SLACK, FEISHU}), CARDS),  # DingTalk without a card template
    (CARDS, frozenset({SLACK, FEISHU})),  # DingTalk not configured at all
])
def test_no_card_where_the_messenger_shows_none(cards: frozenset[Source],
                                                platforms: frozenset[Source]) -> None:
    raised = ticket(DINGTALK, "cidOFFICE==")
    assert card_destinations(raised, QUEUE, cards, platforms) == QUEUE


def test_a_reply_crosses_into_every_card_thread_but_the_one_it_was_said_in() -> None:
    reply = AuditEntry("reply", 2, NOW, FEISHU, said_in="oc_desk")
    note = AuditEntry("note", 2, NOW, FEISHU, said_in="oc_desk")
    assert [p for p, c in [(SLACK, "C0DESK"), (FEISHU, "oc_desk")] if mirrored_to(reply, p, c)] == [
        SLACK]
    assert not any(mirrored_to(note, p, "C0DESK") for p in CARDS)


def test_a_reply_said_beside_the_card_on_its_messenger_reaches_its_thread() -> None:
    in_the_chat_with_the_bot = AuditEntry("reply", 2, NOW, DINGTALK, said_in="cidALICE==")
    assert mirrored_to(in_the_chat_with_the_bot, DINGTALK, "cidOFFICE==")
    assert not mirrored_to(in_the_chat_with_the_bot, DINGTALK, "cidALICE==")


# The queue has a channel on each messenger; the team its own DingTalk group, which is where
# its DingTalk card goes (a team's channel stands for its queue's, as in commands.notify).
ORG = Organisation(
    teams={"it": Team("it", "IT", frozenset(), frozenset(), channels={"dingtalk": "cidTEAM=="})},
    queues={"IT": Queue("IT", "IT", "it", channels={
        "slack": "C0DESK", "dingtalk": "cidQUEUE==", "feishu": "oc_desk"})},
    default_queue="IT")


def test_an_adapter_finds_the_card_where_notify_posts_it() -> None:
    raised = ticket(DINGTALK, "cidOFFICE==")
    assert card_lives_in(raised, ORG, DINGTALK, "cidOFFICE==")
    assert not card_lives_in(raised, ORG, DINGTALK, "cidTEAM==")  # the origin stands for it
    assert card_lives_in(raised, ORG, FEISHU, "oc_desk")
    assert card_lives_in(raised, ORG, SLACK, "C0DESK")
    elsewhere = ticket(SLACK, "C0GENERAL")
    assert card_lives_in(elsewhere, ORG, DINGTALK, "cidTEAM==")
    assert not card_lives_in(elsewhere, ORG, DINGTALK, "cidQUEUE==")  # no card: the team's has it
    assert not card_lives_in(elsewhere, ORG, SLACK, "C0DESK")


@pytest.mark.parametrize(("answer", "in_group", "clicked", "channel", "expected"), [
    (Answer("help.all", public=False), True, False, "oc_desk", ASKER),
    (Answer("error.x", public=False, ok=False), True, True, "oc_desk", ASKER),
    (Answer("ticket.claimed", ticket=ticket(SLACK, None)), False, False, "oc_me", ASKER),
    (Answer("ticket.claimed", ticket=ticket(SLACK, None)), True, False, "oc_other", HERE),
    (Answer("ticket.claimed", ticket=ticket(SLACK, None)), True, False, "oc_desk", None),
    (Answer("ticket.claimed", ticket=ticket(SLACK, None)), True, True, "oc_other", None),
    (Answer("duplicate", public=False, duplicate=True), False, False, "oc_me", None),
])
def test_every_adapter_answers_in_the_same_place(answer: Answer, in_group: bool, clicked: bool,
                                                 channel: str, expected: str | None) -> None:
    assert answer_place(answer, ORG, FEISHU, channel, in_group=in_group, clicked=clicked,
                        cards=True) == expected
