"""Every chat action over the API, as the token's person, with chat's permission table."""

from sqlalchemy import func, select

from storage.models import AuditRow, TicketRow
from tests.api.conftest import Api


async def _new(api: Api, title: str = "Printer jammed") -> str:
    alice = await api.as_("alice")
    response = await alice.post("/tickets", json={"title": title})
    assert response.status_code == 201, response.text
    return str(response.json()["ticket"]["key"])


async def test_the_whole_lifecycle_through_the_api(api: Api) -> None:
    key = await _new(api)
    alice, bob, dave = await api.as_("alice"), await api.as_("bob"), await api.as_("dave")

    claimed = await bob.post(f"/tickets/{key}/claim", json={})
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["ticket"]["assignee"]["handle"] == "bob"
    assert "resolve" in claimed.json()["actions"]
    steps = [
        (dave, "assign", {"to": "carol", "reason": "bob is busy"}, "assigned"),
        (dave, "assign", {"to": "bob"}, "assigned"),
        (bob, "cc", {"people": ["carol"]}, None),
        (bob, "reply", {"text": "Which printer?"}, None),
        (bob, "note", {"text": "probably the fuser"}, None),
        (bob, "pend", {"reason": "waiting for the model number"}, "pending"),
        (bob, "resume", {}, "in_progress"),
        (bob, "priority", {"priority": "P2", "reason": "whole floor"}, None),
        (bob, "resolve", {"resolution": "replaced the fuser"}, "resolved"),
        (alice, "reopen", {"reason": "jammed again"}, None),
        (bob, "resolve", {"resolution": "new printer"}, "resolved"),
        (alice, "close", {}, "closed"),
    ]
    for client, verb, body, status in steps:
        response = await client.post(f"/tickets/{key}/{verb}", json=body)
        assert response.status_code == 200, (verb, response.text)
        if status is not None:
            assert response.json()["ticket"]["status"] == status, verb
        assert response.json()["message"]
    ticket = (await alice.get(f"/tickets/{key}")).json()["ticket"]
    assert ticket["priority"] == "P2" and [c["handle"] for c in ticket["collaborators"]] == ["carol"]
    entries = (await bob.get(f"/tickets/{key}/history")).json()["entries"]
    assert {e["source"] for e in entries} <= {"api", "system"}
    assert "note" in {e["action"] for e in entries}  # bob is an agent: internal lines shown
    hidden = (await alice.get(f"/tickets/{key}/history")).json()["entries"]
    assert all(not e["internal"] for e in hidden)


async def test_transfer_cancel_link_and_merge(api: Api) -> None:
    first, second, third = [await _new(api, t) for t in ("one", "two", "three")]
    alice, dave = await api.as_("alice"), await api.as_("dave")
    moved = await dave.post(f"/tickets/{first}/transfer",
                            json={"team": "network", "reason": "it is the VPN"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["ticket"]["team"] == "network"
    linked = await dave.post(f"/tickets/{second}/link", json={"other": third})
    assert linked.status_code == 200, linked.text
    assert third in linked.json()["ticket"]["links"]
    merged = await dave.post(f"/tickets/{second}/merge", json={"into": third})
    assert merged.status_code == 200, merged.text
    assert merged.json()["ticket"]["duplicate_of"] == third
    cancelled = await alice.post(f"/tickets/{third}/cancel", json={"reason": "works now"})
    assert cancelled.status_code == 200 and cancelled.json()["ticket"]["status"] == "cancelled"


async def test_a_refusal_is_403_with_chats_reason_and_changes_nothing(api: Api) -> None:
    key = await _new(api)
    alice = await api.as_("alice")
    async with api.app.engine.connect() as conn:
        lines = await conn.scalar(select(func.count()).select_from(AuditRow))
    refused = await alice.post(f"/tickets/{key}/claim", json={})
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"] and refused.json()["key"].startswith("error.")
    wrong_status = await alice.post(f"/tickets/{key}/reopen", json={})
    assert wrong_status.status_code == 403 and "reopen" in wrong_status.json()["detail"]
    async with api.app.engine.connect() as conn:
        assert await conn.scalar(select(TicketRow.status)) == "new"
        assert await conn.scalar(select(func.count()).select_from(AuditRow)) == lines


async def test_unknown_people_teams_and_tickets_in_actions(api: Api) -> None:
    key = await _new(api)
    dave = await api.as_("dave")
    nobody = await dave.post(f"/tickets/{key}/assign", json={"to": "zelda"})
    assert nobody.status_code == 422 and "zelda" in nobody.json()["detail"]
    no_team = await dave.post(f"/tickets/{key}/transfer", json={"team": "nope", "reason": "x"})
    assert no_team.status_code == 422 and "nope" in no_team.json()["detail"]
    missing = await dave.post("/tickets/IT-999/claim", json={})
    assert missing.status_code == 404
    no_other = await dave.post(f"/tickets/{key}/link", json={"other": "IT-999"})
    assert no_other.status_code == 404


async def test_a_service_token_acts_as_its_integration_identity(api: Api) -> None:
    async with api.app.uow() as uow:
        await uow.people.add("monitoring", "monitoring (integration)", api.app.clock.now())
        await uow.commit()
    token = await api.token("monitoring", service=True)
    response = await api.client.post("/tickets", json={"title": "disk full"},
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    assert response.json()["ticket"]["requester"]["name"] == "monitoring (integration)"
    key = response.json()["ticket"]["key"]
    bob = await api.as_("bob")
    entries = (await bob.get(f"/tickets/{key}/history")).json()["entries"]
    assert entries[0]["actor"] == "monitoring (integration)"
