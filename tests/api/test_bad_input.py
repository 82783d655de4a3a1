"""Malformed JSON, unknown fields, wrong types, huge bodies: a problem document, nothing changed."""

from sqlalchemy import func, select

from storage.models import TicketRow
from tests.api.conftest import Api


async def _tickets(api: Api) -> int:
    async with api.app.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(TicketRow)) or 0)


async def test_malformed_json_is_400(api: Api) -> None:
    alice = await api.as_("alice")
    response = await alice.post("/tickets", content=b'{"title": "x"',
                                headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-json")
    assert await _tickets(api) == 0


async def test_unknown_fields_and_wrong_types_are_422_naming_each_field(api: Api) -> None:
    alice = await api.as_("alice")
    response = await alice.post("/tickets", json={"title": 5, "priority": "P9", "colour": "red"})
    assert response.status_code == 422
    errors = {e["field"]: e["reason"] for e in response.json()["errors"]}
    assert set(errors) == {"title", "priority", "colour"}
    assert "Extra inputs" in errors["colour"]
    for body in ([], "text", None, {"title": ""}):
        assert (await alice.post("/tickets", json=body)).status_code == 422, body
    assert await _tickets(api) == 0


async def test_a_huge_body_is_413_declared_or_streamed(api: Api) -> None:
    alice = await api.as_("alice")
    limit = api.app.settings.api_max_body_bytes
    big = b'{"title": "' + b"x" * limit + b'"}'
    declared = await alice.post("/tickets", content=big,
                                headers={"content-type": "application/json"})
    assert declared.status_code == 413

    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(limit // 1000 + 2):
            yield b"x" * 1000

    streamed = await alice.post("/tickets", content=chunks(),
                                headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert await _tickets(api) == 0


async def test_a_text_too_long_for_chat_is_refused_as_chat_refuses_it(api: Api) -> None:
    alice = await api.as_("alice")
    response = await alice.post("/tickets", json={"title": "t" * 500})
    assert response.status_code in (201, 422)  # the use case's own limit decides
    if response.status_code == 422:
        assert response.json()["detail"]


async def test_a_wrong_method_is_a_problem_document(api: Api) -> None:
    alice = await api.as_("alice")
    response = await alice.delete("/tickets")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
