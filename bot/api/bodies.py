"""Request bodies: read within the size limit, parse and validate with the endpoint's model."""

from typing import TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from bot.api.auth import Caller, problem

M = TypeVar("M", bound=BaseModel)


async def read_body(request: Request, caller: Caller) -> bytes:
    """The body, refused (413) as soon as it grows past the limit, declared length or not."""
    limit = caller.api.max_body_bytes
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise problem(caller.catalog, 413, "too-large", None,
                          caller.words("api.problem.too_large_detail", limit=limit))
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, caller: Caller, model: type[M]) -> M:
    """The body as `model`: 400 for what is not JSON at all, 422 naming each field and why."""
    raw = await read_body(request, caller)
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as error:
        issues = error.errors(include_url=False)
        if any(issue["type"] == "json_invalid" for issue in issues):
            raise problem(caller.catalog, 400, "malformed-json", None,
                          caller.words("api.problem.malformed_json_detail")) from None
        errors = [{"field": ".".join(str(p) for p in issue["loc"]) or "(body)",
                   "reason": issue["msg"]} for issue in issues]
        raise problem(caller.catalog, 422, "invalid-body", None,
                      caller.words("api.problem.invalid_body_detail"), errors=errors) from None
