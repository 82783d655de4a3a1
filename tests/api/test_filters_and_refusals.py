"""Each list filter finds what it names and leaves out the rest; each action's refusals are the
problem documents chat's reasons become, and change nothing."""

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.api.routes import ACTIONS
from storage.models import AuditRow
from tests.api.conftest import Api


async def _titles(client: Any, **params: Any) -> list[str]:
    response = await client.get("/tickets", params=params)
    assert response.status_code == 200, (params, response.text)
    return sorted(t["title"] for t in response.json()["tickets"])


async def _seed(api: Api) -> dict[str, str]:
    """VPN down (network, vpn, P1), Printer jammed (it, printer, P3, claimed by bob),
    Password reset (it, account, service_request, P4)."""
    alice, bob = await api.as_("alice"), await api.as_("bob")
    keys = {}
    for title, priority in (("VPN down", "P1"), ("Printer jammed", "P3"),
                            ("Password reset please", "P4")):
        made = await alice.post("/tickets", json={"title": title, "priority": priority})
        assert made.status_code == 201, made.text
        keys[title] = made.json()["ticket"]["key"]
    assert (await bob.post(f"/tickets/{keys['Printer jammed']}/claim", json={})).status_code == 200
    return keys


async def test_each_filter(api: Api) -> None:
    await _seed(api)
    dave = await api.as_("dave")
    everything = ["Password reset please", "Printer jammed", "VPN down"]
    assert await _titles(dave) == everything
    assert await _titles(dave, queue="IT") == everything
    assert await _titles(dave, team="network") == ["VPN down"]
    assert await _titles(dave, team="it") == ["Password reset please", "Printer jammed"]
    assert await _titles(dave, assignee="bob") == ["Printer jammed"]
    assert "Printer jammed" not in await _titles(dave, assignee="none")
    assert await _titles(dave, requester="alice") == everything
    assert await _titles(dave, requester="carol") == []
    assert await _titles(dave, priority="P1,P3") == ["Printer jammed", "VPN down"]
    assert await _titles(dave, type="service_request") == ["Password reset please"]
    assert await _titles(dave, category="printer") == ["Printer jammed"]
    assert await _titles(dave, status="in_progress") == ["Printer jammed"]
    assert await _titles(dave, text="VPN") == ["VPN down"]
    now = api.app.clock.now()
    assert await _titles(dave, created_since=now.isoformat()) == everything
    later = now.replace(year=now.year + 1)
    assert await _titles(dave, created_since=later.isoformat()) == []
    assert await _titles(dave, updated_since=later.isoformat()) == []
    assert await _titles(dave, team="it", priority="P4", type="service_request",
                         category="account", text="password") == ["Password reset please"]


async def test_filters_naming_nothing_known_are_refused(api: Api) -> None:
    dave = await api.as_("dave")
    for params in ({"queue": "NOPE"}, {"team": "nope"}, {"assignee": "zelda"},
                   {"requester": "zelda"}, {"priority": "P9"}, {"type": "wish"},
                   {"status": "asleep"}, {"created_since": "yesterday"}, {"limit": 0},
                   {"text": ""}):
        refused = await dave.get("/tickets", params=params)
        assert refused.status_code == 422, params
        assert refused.headers["content-type"] == "application/problem+json"


async def _audit(api: Api) -> int:
    async with api.app.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(AuditRow)) or 0)


# A body each action accepts, and who may not do it to alice's new ticket (403).
BODIES: dict[str, tuple[dict[str, Any], str]] = {
    "claim": ({}, "alice"), "assign": ({"to": "carol"}, "alice"),
    "transfer": ({"team": "network", "reason": "VPN"}, "alice"),
    "cc": ({"people": ["carol"]}, "erin"), "reply": ({"text": "hello"}, "erin"),
    "note": ({"text": "internal"}, "alice"), "pend": ({"reason": "waiting"}, "alice"),
    "resume": ({}, "alice"), "priority": ({"priority": "P1"}, "erin"),
    "resolve": ({"resolution": "done"}, "alice"), "reopen": ({}, "erin"),
    "close": ({}, "erin"), "cancel": ({}, "bob"), "link": ({"other": "IT-2"}, "erin"),
    "merge": ({"into": "IT-2"}, "erin"),
}


def test_every_action_of_the_chat_grammar_has_an_endpoint() -> None:
    assert set(ACTIONS) == set(BODIES) == {
        "claim", "assign", "transfer", "cc", "reply", "note", "pend", "resume", "priority",
        "resolve", "reopen", "close", "cancel", "link", "merge"}


@pytest.mark.parametrize("verb", sorted(BODIES))
async def test_each_action_refuses_and_changes_nothing(api: Api, verb: str) -> None:
    alice = await api.as_("alice")
    for title in ("one", "two"):
        assert (await alice.post("/tickets", json={"title": title})).status_code == 201
    body, outsider = BODIES[verb]
    before = await _audit(api)
    someone = await api.as_(outsider)
    refused = await someone.post(f"/tickets/IT-1/{verb}", json=body)
    assert refused.status_code in (403, 409, 422), (verb, refused.text)
    assert refused.json()["detail"] and refused.json().get("key", "").startswith("error.")
    missing = await (await api.as_("dave")).post(f"/tickets/IT-99/{verb}", json=body)
    assert missing.status_code == 404, (verb, missing.text)
    wrong = await someone.post(f"/tickets/IT-1/{verb}", json={**body, "colour": "red"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "colour"
    assert await _audit(api) == before


async def test_a_time_without_a_zone_is_read_as_utc(api: Api) -> None:
    await _seed(api)
    dave = await api.as_("dave")
    now = api.app.clock.now()
    naive = now.replace(tzinfo=None, year=now.year - 1).isoformat()
    assert len(await _titles(dave, created_since=naive, updated_since=naive)) == 3
    assert await _titles(dave, created_since=now.replace(tzinfo=None, year=now.year + 1)
                         .isoformat()) == []
