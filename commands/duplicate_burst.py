"""Likely duplicates that come in a burst are told to the agents once, not once per ticket.

A requester (or an alert storm filed in their name) may open many alike tickets within seconds.
Each still gets its `duplicate_hint` history line, written with the creation; but the assignee
and the team lead receive one notice per burst window that lists the duplicates, instead of a
message (and a line in each card's thread) per ticket. The notice is one outbox row per
requester, recipient and window: each further duplicate of the window is appended to it by the
creation's own outbox statement (`storage/outbox.py`, an upsert), and the relay sends it when
the window has closed. A duplicate of a ticket older than the window is told at once, alone.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from workflows.knowledge import SimilarTicket

WINDOW = timedelta(seconds=30)
# The notice waits this much past its window's end: a creation whose clock is slightly behind
# the relay's still finds the row pending (a duplicate appended after the send would only be in
# the history).
GRACE = timedelta(seconds=2)
LISTED = 20  # duplicates named in one notice; the rest are counted
EVENT = "duplicate_burst"
TEMPLATE = "notify.duplicate_burst"
COALESCED = frozenset({"duplicate_hint"})  # audit lines whose notices this module words


def in_burst(duplicate: SimilarTicket, now: datetime) -> bool:
    """Whether the ticket it duplicates is itself that recent: a burst is under way."""
    return now - duplicate.created_at <= WINDOW


def window(now: datetime) -> tuple[int, datetime]:
    """The burst window `now` falls in: its number and when its notice is sent."""
    seconds = int(WINDOW.total_seconds())
    number = int(now.timestamp()) // seconds
    return number, datetime.fromtimestamp((number + 1) * seconds, UTC) + GRACE


def notice_key(requester_id: int, now: datetime, platform: str, address: str) -> str:
    return f"{EVENT}:{requester_id}:{window(now)[0]}:{platform}:{address}"


def notice_params(requester: str, key: str, title: str, like: str) -> dict[str, Any]:
    """One duplicate's part: the upsert appends `duplicates[0]` and adds `count`; `key` and
    `title` (a notice's title, e.g. on a phone) stay the burst's first duplicate's."""
    return {"requester": requester, "count": 1, "key": key, "title": title,
            "duplicates": [{"key": key, "title": title, "like": like}]}
