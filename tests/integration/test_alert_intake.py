"""Alertmanager's real notifications become one ticket per group: firing, repeat, more alerts
in the group, resolved; retries and concurrent duplicates change nothing."""

import asyncio
import base64
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from bot.orgfile_hooks import GenericSpec, IntakeConfig
from storage.models import AlertRow, AuditRow, OutboxRow, TicketRow
from tests.support.alerts import SECRET, intake_client, sample, sample_json
from tests.support.chat import Chat
from workflows.alerts import IntakeRules

URL = "/api/v1/intake/alertmanager"


async def _count(app: App, model: Any) -> int:
    async with app.engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(model)) or 0)


async def _comments(app: App, key: str) -> list[str]:
    async with app.uow() as uow:
        return [c.body for c in await uow.tickets.comments(await uow.tickets.get(key))]


async def _ticket(app: App, key: str) -> Any:
    async with app.uow() as uow:
        return await uow.tickets.get(key)


async def _post(client: Any, name: str, url: str = URL) -> dict[str, Any]:
    response = await client.post(url, content=sample(name),
                                 headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_sequence_of_real_notifications_makes_one_ticket(app: App) -> None:
    async with intake_client(app) as client:
        first = await _post(client, "firing")
        assert first["outcome"] == "opened"
        key = first["ticket"]
        ticket = await _ticket(app, key)
        assert ticket.title == "DiskFull: /var on db1 is 97% full"
        assert ticket.priority.value == "P1"  # severity=critical
        assert ticket.queue == "IT"
        assert "severity=critical" in ticket.description
        assert "http://127.0.0.1:9090/graph?g0.expr=" in ticket.description
        assert "http://127.0.0.1:9/runbooks/diskfull" in ticket.description
        assert ticket.requester.handle == "monitoring"

        audit, outbox = await _count(app, AuditRow), await _count(app, OutboxRow)
        assert (await _post(client, "firing"))["outcome"] == "unchanged"  # repeat_interval
        assert (await _count(app, AuditRow), await _count(app, OutboxRow)) == (audit, outbox)

        grouped = await _post(client, "firing-grouped")
        assert grouped == {"ticket": key, "outcome": "updated"}
        assert await _comments(app, key) == [
            "1 alert(s) firing:\n- DiskFull: /var on db2 is 97% full"]
        assert (await _post(client, "firing-grouped"))["outcome"] == "unchanged"

        resolved = await _post(client, "resolved")
        assert resolved == {"ticket": key, "outcome": "updated"}
        comments = await _comments(app, key)
        assert comments[-1] == ("Resolved:\n- DiskFull: /var on db1 is 97% full\n"
                                "- DiskFull: /var on db2 is 97% full")
        ticket = await _ticket(app, key)
        assert ticket.status.value == "resolved"
        assert ticket.resolution == "Every alert of this ticket has resolved (monitoring)."
        audit = await _count(app, AuditRow)
        assert (await _post(client, "resolved"))["outcome"] == "unchanged"
        assert await _count(app, AuditRow) == audit
    assert await _count(app, TicketRow) == 1
    assert await _count(app, AlertRow) == 2


async def test_resolution_is_only_a_comment_unless_configured(app: App) -> None:
    async with intake_client(app, IntakeRules(resolve=False)) as client:
        key = (await _post(client, "firing-grouped"))["ticket"]
        await _post(client, "resolved")
    ticket = await _ticket(app, key)
    assert ticket.status.is_open
    assert (await _comments(app, key))[-1].startswith("Resolved:")


async def test_concurrent_retries_make_one_ticket(app: App) -> None:
    async with intake_client(app) as client:
        answers = await asyncio.gather(*(_post(client, "firing-grouped") for _ in range(4)))
    assert sorted(a["outcome"] for a in answers) == ["opened", "unchanged", "unchanged",
                                                     "unchanged"]
    assert len({a["ticket"] for a in answers}) == 1
    assert await _count(app, TicketRow) == 1


async def _resolve(app: App, key: str, close: bool = False) -> None:
    """The team's lead resolves (and closes) it: the sample routes these alerts to network,
    whose strategy assigns them at once (a 127.0.0.1 link matches its IP rule)."""
    ticket = await _ticket(app, key)
    assert ticket.team == "network" and ticket.assignee is not None
    lead = Chat(app).user("erin")
    assert (await lead.says(f"resolve {key} freed space")).ok
    if close:
        assert (await lead.says(f"close {key}")).ok


async def test_a_closed_ticket_is_not_reopened_by_a_repeat(app: App) -> None:
    async with intake_client(app) as client:
        key = (await _post(client, "firing"))["ticket"]
        await _resolve(app, key, close=True)
        audit = await _count(app, AuditRow)
        assert (await _post(client, "firing"))["outcome"] == "unchanged"
        assert await _count(app, AuditRow) == audit
        assert (await _ticket(app, key)).status.value == "closed"
        # A second alert of the group is a new firing: a new ticket, linked to the old one.
        second = await _post(client, "firing-grouped")
    assert second["outcome"] == "opened" and second["ticket"] != key
    assert key in (await _ticket(app, second["ticket"])).links


async def test_a_repeat_reopens_a_resolved_ticket_when_configured(app: App) -> None:
    async with intake_client(app, IntakeRules(reopen=True)) as client:
        key = (await _post(client, "firing"))["ticket"]
        await _resolve(app, key)
        assert (await _post(client, "firing"))["outcome"] == "updated"
    assert (await _ticket(app, key)).status.value == "in_progress"


async def test_labels_and_annotations_are_routed(app: App) -> None:
    body = sample_json("firing")
    body["alerts"][0]["labels"]["service"] = "vpn"
    body["alerts"][0]["labels"]["severity"] = "warning"
    async with intake_client(app) as client:
        response = await client.post(URL, json=body)
    ticket = await _ticket(app, response.json()["ticket"])
    assert ticket.team == "network" and ticket.category == "vpn"
    assert ticket.priority.value == "P3"


async def test_an_alert_nobody_routes_lands_in_the_default_queue(app: App) -> None:
    body = sample_json("firing")
    alert = body["alerts"][0]
    alert.update(labels={"alertname": "Weird", "zzz": "unknown"}, annotations={},
                 generatorURL="")
    body["externalURL"] = ""
    async with intake_client(app) as client:
        response = await client.post(URL, json=body)
    ticket = await _ticket(app, response.json()["ticket"])
    assert (ticket.queue, ticket.team, ticket.priority.value) == ("IT", "it", "P3")
    assert ticket.title == "Weird"


async def test_grafana_payload(app: App) -> None:
    body = {
        "receiver": "ticketbot", "status": "firing", "orgId": 1, "version": "1",
        "groupKey": '{}/{}:{alertname="High memory usage"}', "truncatedAlerts": 0,
        "title": "[FIRING:1] High memory usage", "state": "alerting", "message": "…",
        "groupLabels": {"alertname": "High memory usage"}, "commonLabels": {},
        "commonAnnotations": {}, "externalURL": "http://grafana.local/",
        "alerts": [{
            "status": "firing", "labels": {"alertname": "High memory usage", "zone": "us-1"},
            "annotations": {"summary": "Memory high in zone us-1"},
            "startsAt": "2026-12-03T09:51:03.157076+02:00", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://grafana.local/alerting/1afz/edit",
            "fingerprint": "c6eadffa33fcdf37", "silenceURL": "http://grafana.local/silence",
            "dashboardURL": "http://grafana.local/d/abc", "panelURL": "", "values": {"B": 44.2},
            "valueString": "[ var='B' value=44.2 ]"}],
    }
    async with intake_client(app) as client:
        response = await client.post("/api/v1/intake/grafana", json=body)
        assert response.status_code == 200, response.text
        again = await client.post("/api/v1/intake/grafana", json=body)
    ticket = await _ticket(app, response.json()["ticket"])
    assert ticket.title == "Memory high in zone us-1"
    assert "http://grafana.local/d/abc" in ticket.description
    assert again.json()["outcome"] == "unchanged"


def _generic_config() -> IntakeConfig:
    spec = GenericSpec(name="uptime", fingerprint="check.id", title="check.name",
                       status="state", severity="level", labels="tags", url="link",
                       started="since", secret="uptime-secret-0123456789")
    return IntakeConfig(IntakeRules(), SECRET, {"uptime": spec},
                        {"uptime": "uptime-secret-0123456789"})


async def test_generic_intake_signed_with_hmac(app: App, clock: Any) -> None:
    from bot.signing import HEADER, signature

    def signed(document: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(document).encode()
        stamp = int(clock.now().timestamp())
        return body, {HEADER: signature("uptime-secret-0123456789", stamp, body),
                      "Authorization": "", "Content-Type": "application/json"}

    down = {"check": {"id": "web-1", "name": "Website down"}, "state": "down",
            "level": "high", "tags": {"site": "www"}, "link": "http://uptime/web-1",
            "since": "2026-03-02T08:59:00Z"}
    async with intake_client(app, config=_generic_config()) as client:
        body, headers = signed(down)
        opened = await client.post("/api/v1/intake/generic/uptime", content=body,
                                   headers=headers)
        assert opened.status_code == 200, opened.text
        forged = await client.post("/api/v1/intake/generic/uptime", content=body + b" ",
                                   headers=headers)
        assert forged.status_code == 401
        body, headers = signed({**down, "state": "up"})
        resolved = await client.post("/api/v1/intake/generic/uptime", content=body,
                                     headers=headers)
        unknown = await client.post("/api/v1/intake/generic/nope", json=down)
    ticket = await _ticket(app, opened.json()["ticket"])
    assert ticket.priority.value == "P2" and ticket.title == "Website down"
    assert resolved.json() == {"ticket": ticket.key, "outcome": "updated"}
    assert (await _ticket(app, ticket.key)).status.value == "resolved"
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("body", "status", "field"), [
    (b"{not json", 400, None),
    (b"[]", 422, None),
    (json.dumps({**sample_json("firing"), "version": "3"}).encode(), 422, "version"),
    (json.dumps({**sample_json("firing"), "alerts": []}).encode(), 422, "alerts"),
    (json.dumps({**sample_json("firing"), "alerts": [{"status": "firing"}]}).encode(), 422,
     "alerts.0.labels"),
    (json.dumps({**sample_json("firing"), "alerts": [
        {**sample_json("firing")["alerts"][0], "labels": {"a": 1}}]}).encode(), 422,
     "alerts.0.labels.a"),
    (b"{" + b" " * (1024 * 1024) + b"}", 413, None),
])
async def test_bad_input_gets_a_problem_and_changes_nothing(app: App, body: bytes, status: int,
                                                            field: str | None) -> None:
    async with intake_client(app) as client:
        response = await client.post(URL, content=body)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["detail"]
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]]
    assert await _count(app, TicketRow) == 0


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-secret", "Basic !!!",
                                           "Token " + SECRET])
async def test_unauthenticated_is_refused(app: App, authorization: str | None) -> None:
    async with intake_client(app) as client:
        headers = {} if authorization is None else {"Authorization": authorization}
        if authorization is None:
            client.headers.pop("Authorization")
        response = await client.post(URL, content=sample("firing"), headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert await _count(app, TicketRow) == 0


async def test_basic_auth_password_is_the_secret(app: App) -> None:
    basic = base64.b64encode(f"alertmanager:{SECRET}".encode()).decode()
    async with intake_client(app) as client:
        response = await client.post(URL, content=sample("firing"),
                                     headers={"Authorization": f"Basic {basic}"})
    assert response.status_code == 200


@pytest.mark.parametrize(("scopes", "status"), [({"intake:write"}, 200),
                                                ({"tickets:write"}, 401)])
async def test_an_api_token_with_the_intake_scope(app: App, clock: Any, scopes: set[str],
                                                  status: int) -> None:
    from storage.api_tokens import SqlApiTokens
    from storage.engine import session_factory

    _, text = await SqlApiTokens(session_factory(app.engine)).create(
        "alice", frozenset(scopes), clock.now(), service=True, label="alertmanager")
    async with intake_client(app, tokens=True) as client:
        response = await client.post(URL, content=sample("firing"),
                                     headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == status


async def test_a_rule_may_match_the_sender_as_the_channel(database_url: str, tmp_path: Any,
                                                          clock: Any) -> None:
    from bot.bootstrap import build_app
    from bot.settings import Settings
    from tests.support.sla import FAST_ORG

    org = tmp_path / "org.yaml"
    org.write_text(FAST_ORG + "routing:\n  - name: monitoring\n    match: {channels: "
                   "[alertmanager]}\n    set: {category: monitoring}\n", encoding="utf-8")
    monitored = await build_app(Settings(_env_file=None, database_url=database_url,
                                         org_file=org, timezone="UTC"), clock=clock)
    try:
        async with intake_client(monitored) as client:
            key = (await _post(client, "firing"))["ticket"]
        assert (await _ticket(monitored, key)).category == "monitoring"
    finally:
        await monitored.aclose()
