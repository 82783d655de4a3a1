"""Tickets over the API: create, read, search, history, SLA; the same rules as chat."""

from tests.api.conftest import Api


async def test_create_then_get_a_ticket_as_the_tokens_person(api: Api) -> None:
    alice = await api.as_("alice")
    created = await alice.post("/tickets", json={"title": "Printer jammed", "priority": "P2",
                                                 "description": "floor 3"})
    assert created.status_code == 201, created.text
    ticket = created.json()["ticket"]
    assert ticket["requester"]["handle"] == "alice" and ticket["priority"] == "P2"
    assert ticket["source"] == "api" and ticket["key"].startswith("IT-")
    assert ticket["key"] in created.json()["message"]
    got = await alice.get(f"/tickets/{ticket['key']}")
    assert got.status_code == 200 and got.json()["ticket"]["title"] == "Printer jammed"


async def test_search_by_filters_and_text(api: Api) -> None:
    alice, bob = await api.as_("alice"), await api.as_("bob")
    for title, priority in (("VPN down", "P1"), ("Printer jammed", "P3"), ("New laptop", "P4")):
        assert (await alice.post("/tickets", json={"title": title, "priority": priority})
                ).status_code == 201
    everything = (await bob.get("/tickets")).json()
    assert everything["total"] == 3
    by_text = (await bob.get("/tickets", params={"text": "printer"})).json()
    assert [t["title"] for t in by_text["tickets"]] == ["Printer jammed"]
    urgent = (await bob.get("/tickets", params=[("priority", "P1"), ("priority", "P4")])).json()
    assert sorted(t["title"] for t in urgent["tickets"]) == ["New laptop", "VPN down"]
    mine = (await bob.get("/tickets", params={"requester": "alice", "status": "new,assigned",
                                              "created_since": "2026-01-01T00:00:00Z"})).json()
    assert mine["total"] == 3
    assert (await bob.get("/tickets", params={"updated_since": "2030-01-01T00:00:00Z"})
            ).json()["total"] == 0
    page = (await bob.get("/tickets", params={"limit": 2, "offset": 2})).json()
    assert len(page["tickets"]) == 1 and page["total"] == 3


async def test_someone_not_on_a_team_finds_only_their_own_requests(api: Api) -> None:
    alice, bob = await api.as_("alice"), await api.as_("bob")
    await bob.post("/tickets", json={"title": "bob's own"})
    await alice.post("/tickets", json={"title": "alice's"})
    seen = (await alice.get("/tickets")).json()
    assert [t["title"] for t in seen["tickets"]] == ["alice's"]
    assert (await alice.get("/tickets", params={"requester": "bob"})).json()["total"] == 0


async def test_search_refuses_unknown_filters_teams_and_people(api: Api) -> None:
    bob = await api.as_("bob")
    unknown = await bob.get("/tickets", params={"colour": "red"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "colour"
    bad = await bob.get("/tickets", params={"status": "sleeping", "limit": "many"})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"status.0", "limit"}
    assert (await bob.get("/tickets", params={"team": "nope"})).status_code == 422
    nobody = await bob.get("/tickets", params={"assignee": "zelda"})
    assert nobody.status_code == 422 and "zelda" in nobody.json()["detail"]


async def test_history_and_sla_status(api: Api) -> None:
    alice = await api.as_("alice")
    key = (await alice.post("/tickets", json={"title": "VPN down", "priority": "P1"})
           ).json()["ticket"]["key"]
    history = (await alice.get(f"/tickets/{key}/history")).json()
    assert history["entries"][0]["action"] == "create"
    assert history["entries"][0]["actor"] == "Alice" and history["entries"][0]["source"] == "api"
    sla = await alice.get(f"/tickets/{key}/sla")
    assert sla.status_code == 200 and sla.json()["key"] == key


async def test_unknown_tickets_are_404_and_other_peoples_tickets_403(api: Api) -> None:
    alice, carol = await api.as_("alice"), await api.as_("grace")
    missing = await alice.get("/tickets/IT-999")
    assert missing.status_code == 404 and "IT-999" in missing.json()["detail"]
    assert (await alice.get("/tickets/nonsense/history")).status_code == 404
    key = (await carol.post("/tickets", json={"title": "grace's"})).json()["ticket"]["key"]
    hidden = await alice.get(f"/tickets/{key}")
    assert hidden.status_code == 403 and hidden.json()["key"] == "error.not_visible"


async def test_people_and_teams(api: Api) -> None:
    bob = await api.as_("bob", "tickets:read")
    people = (await bob.get("/people")).json()["people"]
    assert {"handle": "dave", "name": "Dave", "teams": ["it"], "leads": ["it"],
            "admin": False} in people
    assert (await bob.get("/people/erin")).json()["leads"] == ["network"]
    assert (await bob.get("/people/zelda")).status_code == 404
    teams = (await bob.get("/teams")).json()["teams"]
    assert {t["key"] for t in teams} >= {"it", "network"}
    assert (await bob.get("/teams/it")).json()["members"] == ["bob", "carol"]
    missing = await bob.get("/teams/nope")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
