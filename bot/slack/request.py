"""The Slack request being handled: who sent it, where, and whether it committed a change.

Set per request by `ObservedAsyncApp`; follow-ups started by a listener (`SlackBot.after_ack`)
copy the context and so share it.
"""

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class Request:
    """Who sent the Slack request being handled, where, and whether it changed anything yet:
    an apology for a later failure must not say "nothing was changed" when something was."""

    user: str | None = None
    channel: str | None = None
    committed: bool = False

    @classmethod
    def of(cls, body: dict[str, Any]) -> "Request":
        event = body.get("event") or {}
        user = body.get("user_id") or (body.get("user") or {}).get("id") or event.get("user")
        channel = (body.get("channel_id") or (body.get("channel") or {}).get("id")
                   or (body.get("container") or {}).get("channel_id") or event.get("channel")
                   or (event.get("item") or {}).get("channel"))
        return cls(user if isinstance(user, str) else None,
                   channel if isinstance(channel, str) else None)


#: the request being handled (set per request by ObservedAsyncApp; copied into follow-ups)
CURRENT: ContextVar[Request | None] = ContextVar("slack_request", default=None)

