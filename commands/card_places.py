"""Where a ticket's cards live and which of their threads hear a change: the rules every
messenger shares, so a ticket that spans messengers reads the same on each.

A ticket has one card per (messenger, channel) it is shown in: its queue's and team's channel on
each messenger that shows cards, with the group it was raised in standing for its queue's channel
on that messenger, and added when the queue has none there (a DingTalk group whose team works
in Slack sees the ticket in both). Where each card was posted is recorded per destination by the
relay (`ticket_messages`: ticket, platform, address, message id).
"""

from collections.abc import Iterable

from workflows.audit import AuditEntry
from workflows.kinds import Source
from workflows.ticket import Ticket

# Comments said on one messenger and repeated, with their author's name, in the card threads of
# the others. Internal notes stay where they were written (a channel is not only agents).
MIRRORED = frozenset({"reply"})


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


def mirrored_to(entry: AuditEntry, platform: Source) -> bool:
    """Whether the card thread on `platform` repeats this comment: only on the messengers it was
    not said on. Where it was said, people read it already (in the thread, or the group holding
    the card), and a line posted there would be the bot echoing them."""
    return entry.action in MIRRORED and entry.source != platform
