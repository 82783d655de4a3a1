"""An app whose organisation subscribes webhooks to the fake receiver, and its relay."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from bot.bootstrap import App, build_app
from bot.senders.webhook import WebhookSender
from bot.settings import Settings
from notifications.relay import Relay, RetryPolicy
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from tests.support.sla import FAST_ORG

SECRET = "whsec-0123456789abcdef"


def hooks_org(url: str) -> str:
    return FAST_ORG + f"""\
webhooks:
  - name: everything
    url: {url}/everything
    secret: {SECRET}
    events: [ticket.created, ticket.assigned, ticket.transferred, ticket.commented,
             ticket.status_changed, sla.warning, sla.breached]
  - name: p1-created
    url: {url}/p1-created
    secret: {SECRET}
    events: [ticket.created]
    filters: {{priorities: [P1], queues: [IT], teams: [it]}}
  - name: network-only
    url: {url}/network-only
    secret: {SECRET}
    events: [ticket.created, ticket.commented]
    filters: {{teams: [network]}}
"""


@asynccontextmanager
async def hooks_app(database_url: str, tmp_path: Path, clock: FakeClock, url: str
                    ) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(hooks_org(url), encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, timezone="UTC")
    app = await build_app(settings, clock=clock)
    try:
        yield app
    finally:
        await app.aclose()


@asynccontextmanager
async def webhook_relay(app: App, retry: RetryPolicy | None = None) -> AsyncIterator[Relay]:
    async with httpx.AsyncClient(timeout=5.0) as http:
        sender = WebhookSender(http, app.loaded.org.webhooks, app.loaded.webhook_secrets,
                               lambda: app.clock.now().timestamp())
        # The chat's own messages go to a recorder: only webhooks are under test.
        yield app.relay({"webhook": sender, "console": RecordingSender()}, pacing={},
                        retry=retry or RetryPolicy())


async def drain(relay: Relay) -> int:
    total = 0
    while claimed := await relay.run_once():
        total += claimed
    return total
