"""One API endpoint as data: the route, its scope, its models and its work. The Starlette routes
and the OpenAPI document are both built from the list of these (bot/api/routes.py)."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.api.auth import Caller, problem, protected
from bot.api.bodies import read_json
from bot.api.convert import refusal
from bot.api.problems import Problem
from commands.answer import Answer
from commands.messages import Command
from storage.api_idempotency import Stored

# Work: the validated body (or query) and the path parameters in, (status, body model) out;
# or a ready response (a file) for an endpoint that declares other `media`.
Work = Callable[[Caller, Any, dict[str, str]], Awaitable[tuple[int, BaseModel | Response]]]
IDEMPOTENCY_KEY_MAX = 128


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # Starlette's form: /tickets/{key}
    operation: str  # the OpenAPI operationId
    summary: str
    scope: str
    work: Work
    response: type[BaseModel]
    status: int = 200
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    refusals: tuple[int, ...] = field(default=(404, 403, 422))
    media: tuple[str, ...] = ()  # other media types of the answer than JSON (files)

    def route(self) -> Route:
        @protected(self.scope)
        async def run(request: Request, caller: Caller) -> Response:
            if self.method == "POST":
                return await _post(self, request, caller)
            status, body = await self.work(caller, _query(self, request, caller),
                                           dict(request.path_params))
            if status == 204:
                return Response(status_code=204)
            if isinstance(body, Response):
                return body
            return _json(status, body)

        return Route(self.path, run, methods=[self.method], name=self.operation)


def _json(status: int, body: BaseModel) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), status_code=status)


def _query(endpoint: Endpoint, request: Request, caller: Caller) -> Any:
    if endpoint.query is None:
        return None
    values: dict[str, Any] = {}
    listed = {name for name, f in endpoint.query.model_fields.items()
              if getattr(f.annotation, "__origin__", None) is list}
    for name in request.query_params:
        items = request.query_params.getlist(name)
        if name in listed:  # ?status=new&status=assigned or ?status=new,assigned
            values[name] = [part for item in items for part in item.split(",") if part]
        else:
            values[name] = items[-1]
    try:
        return endpoint.query.model_validate(values)
    except ValidationError as error:
        errors = [{"field": ".".join(str(p) for p in issue["loc"]), "reason": issue["msg"]}
                  for issue in error.errors(include_url=False)]
        raise problem(caller.catalog, 422, "invalid-query", None,
                      caller.words("api.problem.invalid_query_detail"), errors=errors) from None


async def _post(endpoint: Endpoint, request: Request, caller: Caller) -> Response:
    """A POST; with an Idempotency-Key, a retry replays the first answer and acts no more."""
    api = caller.api
    key = request.headers.get("idempotency-key")
    what = f"{request.method} {request.url.path}"[:300]
    if key is not None:
        if not 0 < len(key) <= IDEMPOTENCY_KEY_MAX or not key.isprintable():
            raise problem(caller.catalog, 422, "invalid-body", None,
                          caller.words("api.problem.invalid_body_detail"),
                          errors=[{"field": "Idempotency-Key",
                                   "reason": f"1 to {IDEMPOTENCY_KEY_MAX} printable characters"}])
        replay = await _replay(caller, key, what)
        if replay is not None:
            return replay
    body = await read_json(request, caller, endpoint.body) if endpoint.body else None
    dedup = f"{caller.token.id}:{key}" if key is not None else None
    try:
        status, result = await endpoint.work(caller, _Posted(body, dedup),
                                             dict(request.path_params))
    except _AlreadyDone:
        replay = await _replay(caller, key or "", what)
        if replay is not None:
            return replay
        raise problem(caller.catalog, 409, "idempotency-in-flight", None,
                      caller.words("api.problem.idempotency_in_flight_detail")) from None
    except Problem as error:
        if key is not None and error.status < 500 and error.status not in (409, 429):
            # A refusal changed nothing; its retry is answered the same, not run again. A
            # conflict may pass, so its retry runs again; a body that failed validation never
            # reaches here (it is read above), so a corrected body may reuse the key.
            await api.idempotency.put(caller.token.id, key,
                                      Stored(what, error.status, error.document()),
                                      api.clock.now())
        raise
    assert isinstance(result, BaseModel)  # POSTs answer JSON
    document = result.model_dump(mode="json")
    if key is not None:
        await api.idempotency.put(caller.token.id, key, Stored(what, status, document),
                                  api.clock.now())
    return JSONResponse(document, status_code=status)


async def _replay(caller: Caller, key: str, what: str) -> Response | None:
    stored = await caller.api.idempotency.get(caller.token.id, key)
    if stored is None:
        return None
    if stored.request != what:
        raise problem(caller.catalog, 422, "idempotency-mismatch", None,
                      caller.words("api.problem.idempotency_mismatch_detail",
                                   command=stored.request))
    media = "application/problem+json" if stored.status >= 400 else "application/json"
    return JSONResponse(stored.body, status_code=stored.status, media_type=media,
                        headers={"Idempotent-Replayed": "true"})


async def run_command(caller: Caller, command: Command, dedup_key: str | None = None) -> Answer:
    """Run a chat command as the token's person; a refusal becomes its problem document."""
    answer = await caller.api.dispatcher.execute(caller.identity, command, dedup_key)
    if answer.duplicate:
        raise already_done()
    if not answer.ok:
        raise refusal(caller, answer)
    return answer


@dataclass(frozen=True, slots=True)
class _Posted:
    """A POST's validated body and the inbound id the dispatcher claims once."""

    body: Any
    dedup_key: str | None


class _AlreadyDone(Exception):
    """The dispatcher found this Idempotency-Key's request already done."""


def already_done() -> _AlreadyDone:
    return _AlreadyDone()
