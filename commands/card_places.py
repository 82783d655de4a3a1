"""Where a ticket's cards live and which of their threads hear a change: the rules every
messenger shares, so a ticket that spans messengers reads the same on each.

A ticket has one card per (messenger, channel) it is shown in: its queue's and team's channel on
each messenger that shows cards, with the group it was raised in standing for its queue's channel
on that messenger, and added when the queue has none there (a DingTalk group whose team works
in Slack sees the ticket in both). Where each card was posted is recorded per destination by the
relay (`ticket_messages`: ticket, platform, address, message id).
"""

from collections.abc import Iterable

from commands.answer import Answer
from workflows.audience import AUDIENCES, Audience
from workflows.audit import AuditEntry
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.ticket import Ticket

# Comments said on one messenger and repeated, with their author's name, in the card threads of
# the others. Internal notes stay where they were written (a channel is not only agents).
MIRRORED = frozenset({"reply"})


# Answers whose change is announced in the ticket's channel too (where no card shows it): their
# audit action's audiences include the queue channel (workflows.audience).
_ANSWER_ACTIONS = {"ticket.created": "create", "ticket.claimed": "claim",
                   "ticket.assigned": "assign", "ticket.transferred": "transfer",
                   "ticket.priority": "priority", "ticket.cancelled": "cancel"}
ANNOUNCED = frozenset(key for key, action in _ANSWER_ACTIONS.items()
                      if Audience.QUEUE_CHANNEL in AUDIENCES.get(action, ()))


def ticket_channels(ticket: Ticket, org: Organisation) -> dict[str, str]:
    """The ticket's channel on each messenger: its team's there, else its queue's."""
    queue, team = org.queue(ticket.queue), org.team(ticket.team)
    return {**(queue.channels if queue else {}), **(team.channels if team else {})}


def card_lives_in(ticket: Ticket, org: Organisation, platform: Source, channel: str) -> bool:
    """Whether one of the ticket's cards is in this channel of `platform` (a messenger showing
    cards): an answer there is not posted, the card changes and its thread hears the change."""
    return (platform, channel) in card_destinations(
        ticket, ((Source(p), c) for p, c in ticket_channels(ticket, org).items()),
        frozenset({platform}), frozenset({platform}))


def announced_in(answer: Answer, org: Organisation, platform: Source, channel: str) -> bool:
    """Whether the outbox posts this answer's change to this channel anyway (a messenger
    without cards): the channel's one message about it."""
    return answer.ticket is not None and answer.key in ANNOUNCED and (
        ticket_channels(answer.ticket, org).get(platform) == channel)


# Where an adapter posts an answer (answer_place): to the asker alone, or in the group that asked.
ASKER = "asker"
HERE = "here"


def answer_place(answer: Answer, org: Organisation, platform: Source, channel: str, *,
                 in_group: bool, clicked: bool, cards: bool) -> str | None:
    """Where the answer to a command said (or a button clicked) in `channel` goes: ASKER for
    what is theirs alone (an error, a list, help: a group has no private replies) and for
    anything asked in a one-to-one chat; HERE, the group; None when nothing is posted (a
    duplicate; a click, whose card changes; a group holding the ticket's card, whose thread
    hears the change; a group without cards (`cards` False) the outbox tells anyway)."""
    if answer.duplicate:
        return None
    if not (answer.public and answer.ok) or not in_group:
        return ASKER
    if clicked:
        return None
    if answer.ticket is not None and (
            card_lives_in(answer.ticket, org, platform, channel) if cards
            else announced_in(answer, org, platform, channel)):
        return None
    return HERE


def card_destinations(ticket: Ticket, channels: Iterable[tuple[Source, str]],
                      card_platforms: frozenset[Source], platforms: frozenset[Source]
                      ) -> list[tuple[Source, str]]:
    """`channels`: the ticket's queue and team channels per messenger (one each)."""
    origin = None
    if ticket.origin_channel and ticket.source in card_platforms and ticket.source in platforms:
        origin = (ticket.source, ticket.origin_channel)
    found: list[tuple[Source, str]] = []
    for platform, channel in channels:
        if platform in card_platforms:
            place = origin if origin is not None and origin[0] == platform else (platform, channel)
            if place not in found:
                found.append(place)
    if origin is not None and origin not in found:
        found.append(origin)
    return found


def mirrored_to(entry: AuditEntry, platform: Source, channel: str) -> bool:
    """Whether the card thread in `channel` on `platform` repeats this comment: everywhere but
    where it was said. There people read it already (in the thread, or the group holding the
    card), and a line posted there would be the bot echoing them; a comment said elsewhere on
    the same messenger (a one-to-one chat with the bot, another channel) is new to them."""
    return entry.action in MIRRORED and (entry.source != platform or entry.said_in != channel)
