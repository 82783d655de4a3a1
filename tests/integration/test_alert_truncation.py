"""Alertmanager's `truncatedAlerts` (a receiver's `max_alerts`), and how its retries behave
(docs: /work/shared platform facts): a 5xx is retried with the same bytes, HA pairs send the
same thing twice, a late copy of an older notification may follow a newer one."""

import dataclasses
import json
from typing import Any

import httpx
from sqlalchemy import func, select
from starlette.applications import Starlette

from bot.bootstrap import App
from bot.intake.routes import intake_routes
from bot.orgfile_hooks import IntakeConfig
from commands.ports import StorageUnavailable
from storage.models import AlertRow, AuditRow, OutboxRow, TicketRow
from tests.support.alerts import SECRET, intake_client, sample, sample_json
from workflows.alerts import IntakeRules

URL = "/api/v1/intake/alertmanager"


async def _count(app: App, model: Any) -> int:
    async with app.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(model)) or 0)


async def _ticket(app: App, key: str) -> Any:
    async with app.uow() as uow:
        return await uow.tickets.get(key)


async def _comments(app: App, key: str) -> list[str]:
    async with app.uow() as uow:
        return [c.body for c in await uow.tickets.comments(await uow.tickets.get(key))]


def _cut(name: str, truncated: int, **top: Any) -> bytes:
    body = sample_json(name)
    body["truncatedAlerts"] = truncated
    body.update(top)
    return json.dumps(body).encode()


async def _post(client: httpx.AsyncClient, body: bytes) -> dict[str, Any]:
    response = await client.post(URL, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_left_out_alerts_are_told_once_per_change(app: App) -> None:
    async with intake_client(app) as client:
        first = await _post(client, _cut("firing", 3))
        key = first["ticket"]
        ticket = await _ticket(app, key)
        assert ticket.description.splitlines()[0] == (
            "The monitoring left 3 more alert(s) of this group out of its notification "
            "(max_alerts): see them there.")
        audit, outbox = await _count(app, AuditRow), await _count(app, OutboxRow)
        assert (await _post(client, _cut("firing", 3)))["outcome"] == "unchanged"  # a repeat
        assert (await _count(app, AuditRow), await _count(app, OutboxRow)) == (audit, outbox)

        assert (await _post(client, _cut("firing", 5)))["outcome"] == "updated"
        assert (await _comments(app, key))[-1].startswith("The monitoring left 5 more alert(s)")
        assert (await _post(client, _cut("firing", 5)))["outcome"] == "unchanged"
        assert (await _post(client, _cut("firing", 0)))["outcome"] == "updated"
        assert (await _comments(app, key))[-1] == (
            "The monitoring's notification now lists every alert of this group.")
        assert len(await _comments(app, key)) == 2
    assert await _count(app, TicketRow) == 1


async def test_not_resolved_while_left_out_alerts_may_still_fire(app: App) -> None:
    async with intake_client(app) as client:
        key = (await _post(client, _cut("firing-grouped", 2)))["ticket"]
        # Both listed alerts resolved, two more left out, and the group still firing.
        partly = await _post(client, _cut("resolved", 2, status="firing"))
        assert partly == {"ticket": key, "outcome": "updated"}
        assert (await _comments(app, key))[-1].startswith("Resolved:")
        assert (await _ticket(app, key)).status.is_open
        # The sender says the whole group resolved: the ticket is.
        done = await _post(client, _cut("resolved", 2))
        assert done == {"ticket": key, "outcome": "updated"}
    assert (await _ticket(app, key)).status.value == "resolved"


async def test_the_untruncated_real_samples_say_nothing_about_truncation(app: App) -> None:
    async with intake_client(app) as client:
        key = (await _post(client, sample("firing")))["ticket"]
        await _post(client, sample("firing-grouped"))
    assert "max_alerts" not in (await _ticket(app, key)).description
    assert all("max_alerts" not in c and "every alert" not in c
               for c in await _comments(app, key))


class _Away:
    """A unit of work factory whose database is away: every request fails before writing."""

    def __call__(self) -> Any:
        raise StorageUnavailable("database away")


async def test_a_retry_after_a_503_opens_the_ticket_once(app: App) -> None:
    intake = dataclasses.replace(app.intake(None), config=IntakeConfig(IntakeRules(), SECRET))
    away = Starlette(routes=intake_routes(dataclasses.replace(intake, uow=_Away())))
    headers = {"Authorization": f"Bearer {SECRET}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=away),
                                 base_url="http://bot") as down:
        refused = await down.post(URL, content=sample("firing"), headers=headers)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "5"
    assert await _count(app, TicketRow) == 0
    async with intake_client(app) as client:  # Alertmanager retries the same bytes
        assert (await _post(client, sample("firing")))["outcome"] == "opened"
        assert (await _post(client, sample("firing")))["outcome"] == "unchanged"
    assert await _count(app, TicketRow) == 1


async def test_a_late_copy_of_an_older_notification_changes_nothing(app: App) -> None:
    async with intake_client(app) as client:
        key = (await _post(client, sample("firing-grouped")))["ticket"]
        await _post(client, sample("resolved"))
        audit, outbox = await _count(app, AuditRow), await _count(app, OutboxRow)
        # The other half of an HA pair sends the firing it had queued, after the resolution.
        late = await _post(client, sample("firing-grouped"))
        assert late == {"ticket": key, "outcome": "unchanged"}
        assert (await _count(app, AuditRow), await _count(app, OutboxRow)) == (audit, outbox)
    assert (await _ticket(app, key)).status.value == "resolved"
    async with app.engine.connect() as connection:
        statuses = (await connection.scalars(select(AlertRow.status))).all()
    assert sorted(statuses) == ["resolved", "resolved"]
