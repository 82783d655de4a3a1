"""Tokens: 401 for missing, wrong, expired or revoked ones; 403 for a missing scope; 429 past
the rate; only the hash is stored; last use is recorded."""

from datetime import timedelta

from sqlalchemy import select

from storage.models import ApiTokenRow
from tests.api.conftest import Api

PROBLEM = "application/problem+json"


async def test_no_token_is_401_with_a_problem_document(api: Api) -> None:
    response = await api.client.get("/tickets")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"].endswith("/unauthorized") and body["status"] == 401
    assert "Bearer" in body["detail"]


async def test_wrong_expired_and_revoked_tokens_are_401_each_with_its_reason(api: Api) -> None:
    good = await api.token("bob")
    wrong = good[:-4] + ("aaaa" if not good.endswith("aaaa") else "bbbb")
    expiring = await api.token("bob", expires_at=api.app.clock.now() + timedelta(days=1))
    revoked = await api.token("bob")
    await api.tokens.revoke(revoked.split("_")[1], api.app.clock.now())
    api.app.clock.advance(days=2)  # type: ignore[attr-defined]
    for token, reason in ((wrong, "not valid"), ("garbage", "not valid"),
                          (expiring, "expired"), (revoked, "revoked")):
        response = await api.client.get("/tickets", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert reason in response.json()["detail"]
    response = await api.client.get("/tickets", headers={"Authorization": f"Bearer {good}"})
    assert response.status_code == 200


async def test_a_missing_scope_is_403_naming_it(api: Api) -> None:
    reader = await api.as_("bob", "tickets:read")
    response = await reader.post("/tickets", json={"title": "printer"})
    assert response.status_code == 403
    assert "tickets:write" in response.json()["detail"]


async def test_only_the_hash_is_stored_and_last_use_is_recorded(api: Api) -> None:
    token = await api.token("bob")
    response = await api.client.get("/teams", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    async with api.app.engine.connect() as conn:
        row = (await conn.execute(select(ApiTokenRow))).one()
    secret = token.split("_", 2)[2]
    assert secret not in (row.secret_hash, row.public_id) and len(row.secret_hash) == 64
    assert row.last_used_at == api.app.clock.now()


async def test_past_the_burst_a_token_gets_429_with_retry_after(api: Api) -> None:
    # The default rate is 50/s with a burst of 100: spend the burst at one instant.
    client = await api.as_("bob", "tickets:read")
    statuses = [(await client.get("/teams")).status_code for _ in range(100)]
    assert statuses[:100] == [200] * 100
    last = await client.get("/teams")
    assert last.status_code == 429 and int(last.headers["retry-after"]) >= 1
    assert last.headers["content-type"] == PROBLEM
    api.app.clock.advance(seconds=1)  # type: ignore[attr-defined]
    assert (await client.get("/teams")).status_code == 200


async def test_an_unknown_path_is_a_problem_document_too(api: Api) -> None:
    response = await api.client.get("/nowhere")
    assert response.status_code == 404 and response.headers["content-type"] == PROBLEM
