"""/api/v1/webhooks: subscriptions made through the API are validated, kept in the database,
shown without their secret after creation, delivered signed beside the organisation file's,
and stop when deleted."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import event, func, select

from bot.api.app import build_api
from bot.bootstrap import App, build_app
from bot.http import build_http
from bot.senders.factory import platform_senders
from bot.settings import Settings
from notifications.relay import RetryPolicy
from storage.engine import session_factory
from storage.models import OutboxRow, WebhookSubscriptionRow
from storage.webhooks import REFRESH_EVERY, StoredWebhooks
from tests.api.conftest import Api, _ready
from tests.fakes.webhook_receiver import FakeReceiver
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from tests.support.webhooks import SECRET, drain, hooks_org
from workflows.webhooks import Subscription

MANAGE = "webhooks:manage"


@pytest.fixture
async def receiver(clock: FakeClock) -> AsyncIterator[FakeReceiver]:
    async with FakeReceiver(SECRET, now=lambda: clock.now().timestamp()) as fake:
        yield fake


@pytest.fixture
async def hooks(database_url: str, tmp_path: Path, clock: FakeClock,
                receiver: FakeReceiver) -> AsyncIterator[Api]:
    org = tmp_path / "org.yaml"
    org.write_text(hooks_org(receiver.url) + "admins: [dave]\n", encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, timezone="UTC")
    app = await build_app(settings, clock=clock)
    try:
        transport = httpx.ASGITransport(app=build_http(None, _ready, api=build_api(app)))
        async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as c:
            yield Api(app, c)
    finally:
        await app.aclose()


async def _rows(app: App, address: str) -> int:
    async with app.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.platform == "webhook", OutboxRow.address == address)) or 0)


def _body(url: str, **changes: object) -> dict[str, object]:
    return {"name": "crm", "url": f"{url}/crm", "events": ["ticket.created", "ticket.commented"],
            "filters": {"queues": ["it"], "priorities": ["P1", "P2"]}, **changes}


async def test_a_subscription_is_made_listed_and_its_secret_shown_once(
        hooks: Api, receiver: FakeReceiver) -> None:
    admin = await hooks.as_("dave", MANAGE)
    made = await admin.post("/webhooks", json=_body(receiver.url))
    assert made.status_code == 201, made.text
    created = made.json()
    assert created["secret"].startswith("whsec_") and len(created["secret"]) > 40
    assert created["filters"] == {"queues": ["IT"], "teams": [], "priorities": ["P1", "P2"]}
    assert created["managed_by"] == "api" and created["created_by"] == "dave"

    listed = (await admin.get("/webhooks")).json()["webhooks"]
    by_name = {w["name"]: w for w in listed}
    assert by_name["crm"]["managed_by"] == "api"
    assert by_name["everything"]["managed_by"] == "organisation_file"  # the file's stay
    assert all("secret" not in w for w in listed)
    one = await admin.get("/webhooks/crm")
    assert one.status_code == 200 and "secret" not in one.json()
    assert one.json()["events"] == ["ticket.commented", "ticket.created"]

    again = await admin.post("/webhooks", json=_body(receiver.url))
    assert again.status_code == 409 and "crm" in again.json()["detail"]
    clash = await admin.post("/webhooks", json=_body(receiver.url, name="everything"))
    assert clash.status_code == 409
    async with hooks.app.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(WebhookSubscriptionRow)) == 1


async def test_refusals_change_nothing(hooks: Api, receiver: FakeReceiver) -> None:
    admin = await hooks.as_("dave", MANAGE)
    bad = await admin.post("/webhooks", json=_body(
        receiver.url, events=["ticket.created", "ticket.exploded"],
        filters={"queues": ["NOPE"], "teams": ["nobody"]}))
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"events", "filters.queues",
                                                         "filters.teams"}
    for body in (_body("ftp://example.org"), _body(receiver.url, secret="mine"),
                 _body(receiver.url, events=[]), _body(receiver.url, name="Has Spaces")):
        refused = await admin.post("/webhooks", json=body)
        assert refused.status_code == 422, body
        assert refused.headers["content-type"] == "application/problem+json"
    bob = await hooks.as_("bob", MANAGE)  # an agent, not an admin
    forbidden = await bob.post("/webhooks", json=_body(receiver.url))
    assert forbidden.status_code == 403 and "admins" in forbidden.json()["detail"]
    assert (await bob.get("/webhooks")).status_code == 403
    no_scope = await hooks.as_("dave", "tickets:read,tickets:write")
    refused = await no_scope.get("/webhooks")
    assert refused.status_code == 403 and MANAGE in refused.json()["detail"]
    assert (await admin.get("/webhooks/ghost")).status_code == 404
    assert (await admin.delete("/webhooks/ghost")).status_code == 404
    in_file = await admin.delete("/webhooks/everything")
    assert in_file.status_code == 409 and "organisation file" in in_file.json()["detail"]
    async with hooks.app.engine.connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(WebhookSubscriptionRow)) == 0


async def test_deliveries_are_signed_with_the_shown_secret_and_stop_after_delete(
        hooks: Api, receiver: FakeReceiver) -> None:
    admin = await hooks.as_("dave", MANAGE)
    made = (await admin.post("/webhooks", json=_body(receiver.url))).json()
    receiver.secret = made["secret"]  # the receiver checks the API subscription's signatures
    chat = Chat(hooks.app)
    await chat.user("alice").says("new P1 Payroll server down")
    await chat.user("alice").says("new P4 Mouse is squeaky")  # filtered out: P4
    assert await _rows(hooks.app, "crm") == 1
    assert await _rows(hooks.app, "everything") == 2  # the file's subscription still hears all

    settings = hooks.app.settings
    async with platform_senders(settings, hooks.app.clock, loaded=hooks.app.loaded,
                                stored_webhooks=hooks.app.uow.webhooks) as senders:
        relay = hooks.app.relay({**senders, "console": RecordingSender()}, pacing={},
                                retry=RetryPolicy())
        await drain(relay)
    # The file's subscriptions sign with their own secret, which this receiver now refuses.
    assert [path for path, _ in receiver.deliveries] == ["/hooks/crm"]
    assert [e["ticket"]["title"] for e in receiver.events] == ["Payroll server down"]
    assert set(receiver.deliveries.values()) == {1}

    assert (await admin.delete("/webhooks/crm")).status_code == 204
    assert (await admin.get("/webhooks/crm")).status_code == 404
    await chat.user("alice").says("new P1 Mail is down")
    assert await _rows(hooks.app, "crm") == 1  # nothing new for a deleted subscription


async def test_a_saved_change_reads_no_subscription_row_while_the_cache_is_fresh(
        hooks: Api) -> None:
    chat = Chat(hooks.app)
    await chat.user("alice").says("new P3 First one")  # loads the cache
    statements: list[str] = []

    def seen(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = hooks.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert (await chat.user("alice").says("new P3 Second one")).ok
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements and not [s for s in statements if "webhook_subscriptions" in s]


async def test_another_instances_subscription_is_seen_within_the_refresh_time(
        hooks: Api, receiver: FakeReceiver) -> None:
    now = [0.0]
    sessions = session_factory(hooks.app.engine)
    here, there = StoredWebhooks(sessions, lambda: now[0]), StoredWebhooks(sessions)
    assert await here.active() == ()
    sub = Subscription("erp", f"{receiver.url}/erp", frozenset({"ticket.created"}))
    await there.create(sub, "dave", hooks.app.clock.now())
    assert await here.active() == ()  # cached
    now[0] += REFRESH_EVERY
    assert [s.name for s in await here.active()] == ["erp"]
    found = await here.find("erp")
    assert found is not None and found.secret.startswith("whsec_")
    assert await there.delete("erp")
    assert await here.find("erp") is not None  # another instance's delete: seen on refresh
    now[0] += REFRESH_EVERY
    assert await here.find("erp") is None and await here.active() == ()


async def test_a_name_the_file_took_later_is_the_files(hooks: Api, receiver: FakeReceiver
                                                      ) -> None:
    # Stored before the organisation file declared `everything` too (the API refuses it now).
    sub = Subscription("everything", f"{receiver.url}/elsewhere", frozenset({"ticket.created"}))
    await hooks.app.uow.webhooks.create(sub, "dave", hooks.app.clock.now())
    assert (await Chat(hooks.app).user("alice").says("new P3 Printer jam")).ok
    assert await _rows(hooks.app, "everything") == 1
