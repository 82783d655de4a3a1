"""A webhook receiver on 127.0.0.1 that checks signatures the way docs/webhooks.md tells
subscribers to (written from the recipe, not with ticketbot's own code), counts deliveries
per event id, and can answer with scripted failures."""

import hashlib
import hmac
import json
import time
from collections import Counter
from typing import Any

from aiohttp import web

from tests.fakes._server import Failure, FakeServer


class FakeReceiver(FakeServer):
    def __init__(self, secret: str, tolerance: int = 300,
                 now: Any = time.time) -> None:
        super().__init__()
        self.secret, self.tolerance, self.now = secret, tolerance, now
        self.events: list[dict[str, Any]] = []  # accepted bodies, in order of arrival
        # Accepted deliveries per (path, event id): a subscription per path.
        self.deliveries: Counter[tuple[str, str]] = Counter()
        self.bad_signatures = 0
        self.latency = 0.0  # seconds before each answer: a receiver across a network

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def fail_next(self, status: int, count: int = 1, retry_after: int | None = None) -> None:
        self._queue_failure("post", Failure(status, retry_after), count)

    def _signed(self, header: str, body: bytes) -> bool:
        fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
        stamp = fields.get("t", "")
        if not stamp.isdigit() or abs(self.now() - int(stamp)) > self.tolerance:
            return False
        expected = hmac.new(self.secret.encode(), stamp.encode() + b"." + body,
                            hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, fields.get("v1", ""))

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        await self._sleep(self.latency)
        failure = self._take_failure("post")
        if failure is not None:
            self._record("post", {}, request, failure.status)
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            return web.Response(status=failure.status, headers=headers)
        if not self._signed(request.headers.get("X-Ticketbot-Signature", ""), body):
            self.bad_signatures += 1
            self._record("post", {}, request, 401)
            return web.Response(status=401)
        event = json.loads(body)
        self._record("post", event, request, 200)
        self.events.append(event)
        self.deliveries[(request.path, event["id"])] += 1
        return web.json_response({"ok": True})
