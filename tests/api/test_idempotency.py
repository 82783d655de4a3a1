"""Idempotency-Key: a retried POST acts once and its retry replays the first answer."""

from sqlalchemy import func, select

from storage.models import AuditRow, TicketRow
from tests.api.conftest import Api


async def _count(api: Api, table: type) -> int:
    async with api.app.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def test_a_retried_create_creates_once_and_replays_the_first_answer(api: Api) -> None:
    alice = await api.as_("alice")
    headers = {"Idempotency-Key": "crm-order-1234"}
    first = await alice.post("/tickets", json={"title": "VPN down"}, headers=headers)
    again = await alice.post("/tickets", json={"title": "VPN down"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert await _count(api, TicketRow) == 1
    other = await alice.post("/tickets", json={"title": "VPN down"},
                             headers={"Idempotency-Key": "crm-order-1235"})
    assert other.json()["ticket"]["key"] != first.json()["ticket"]["key"]


async def test_an_action_retried_acts_once(api: Api) -> None:
    alice, bob = await api.as_("alice"), await api.as_("bob")
    key = (await alice.post("/tickets", json={"title": "x"})).json()["ticket"]["key"]
    headers = {"Idempotency-Key": "note-1"}
    first = await bob.post(f"/tickets/{key}/note", json={"text": "looking"}, headers=headers)
    lines = await _count(api, AuditRow)
    again = await bob.post(f"/tickets/{key}/note", json={"text": "looking"}, headers=headers)
    assert again.json() == first.json() and await _count(api, AuditRow) == lines


async def test_keys_belong_to_one_token_and_one_request(api: Api) -> None:
    alice = await api.as_("alice")
    other_alice = await api.as_("alice")
    headers = {"Idempotency-Key": "k1"}
    await alice.post("/tickets", json={"title": "a"}, headers=headers)
    await other_alice.post("/tickets", json={"title": "b"}, headers=headers)
    assert await _count(api, TicketRow) == 2  # another token's key is another key
    key = (await alice.get("/tickets")).json()["tickets"][0]["key"]
    reused = await alice.post(f"/tickets/{key}/claim", json={}, headers=headers)
    assert reused.status_code == 422 and "POST /api/v1/tickets" in reused.json()["detail"]


async def test_a_refusal_is_replayed_too_and_bad_keys_are_422(api: Api) -> None:
    alice = await api.as_("alice")
    key = (await alice.post("/tickets", json={"title": "x"})).json()["ticket"]["key"]
    headers = {"Idempotency-Key": "claim-1"}
    first = await alice.post(f"/tickets/{key}/claim", json={}, headers=headers)
    again = await alice.post(f"/tickets/{key}/claim", json={}, headers=headers)
    assert first.status_code == again.status_code == 403 and first.json() == again.json()
    too_long = await alice.post("/tickets", json={"title": "x"},
                                headers={"Idempotency-Key": "k" * 129})
    assert too_long.status_code == 422
