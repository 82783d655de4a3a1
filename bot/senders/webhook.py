"""Deliver webhook rows: POST the JSON body, signed, to the subscription's URL.

A 2xx is delivered. A timeout or a broken connection after the request went out may have been
received: it is retried with the same event id, which the receiver de-duplicates on. 408, 429
and 5xx are retried with backoff (honouring Retry-After); any other 4xx will not get better by
itself and goes to the dead letters at once (`ticketbot outbox list --failed`, `outbox retry`).
"""

import json
from collections.abc import Awaitable, Callable

import httpx

from bot.signing import HEADER, signature
from notifications.senders import DeliveryError, Outgoing
from workflows.webhooks import Subscription

# A subscription made through the API, by name: (subscription, secret) or None.
Lookup = Callable[[str], Awaitable[tuple[Subscription, str] | None]]
RETRIED = frozenset({408, 425, 429})
USER_AGENT = "ticketbot-webhooks/1"


def body_bytes(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


class WebhookSender:
    def __init__(self, http: httpx.AsyncClient, subscriptions: tuple[Subscription, ...],
                 secrets: dict[str, str], now: Callable[[], float],
                 stored: Lookup | None = None) -> None:
        self.http = http
        self.subscriptions = {s.name: s for s in subscriptions}
        self.secrets = secrets
        self.now = now
        self.stored = stored

    async def _find(self, name: str) -> tuple[Subscription, str] | None:
        sub, secret = self.subscriptions.get(name), self.secrets.get(name)
        if sub is not None and secret is not None:
            return sub, secret
        return await self.stored(name) if self.stored is not None else None

    async def send(self, message: Outgoing, *, check_duplicate: bool) -> str | None:
        # check_duplicate: a receiver cannot be asked; the event id lets it drop the repeat.
        found = await self._find(message.address)
        if found is None:  # deleted since the change was saved, or taken out of the file
            raise DeliveryError(f"no webhook subscription {message.address!r}", permanent=True)
        sub, secret = found
        payload = message.payload or {}
        body = body_bytes(payload)
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   HEADER: signature(secret, int(self.now()), body),
                   "X-Ticketbot-Event": message.title,
                   "X-Ticketbot-Event-Id": str(payload.get("id", ""))}
        try:
            response = await self.http.post(sub.url, content=body, headers=headers)
        except httpx.TimeoutException as error:
            raise DeliveryError(f"webhook {sub.name}: timed out", maybe_sent=True) from error
        except httpx.HTTPError as error:
            raise DeliveryError(f"webhook {sub.name}: {type(error).__name__}: {error}",
                                maybe_sent=isinstance(error, httpx.RemoteProtocolError)) from error
        if response.is_success:
            return None
        status = response.status_code
        if status >= 500 or status in RETRIED:
            after = response.headers.get("retry-after", "")
            raise DeliveryError(f"webhook {sub.name}: HTTP {status}",
                                retry_after=float(after) if after.isdigit() else None,
                                rate_limited=status == 429)
        raise DeliveryError(f"webhook {sub.name}: HTTP {status}", permanent=True)
