"""Token authentication, scopes and the per-token rate limit: the one way into any /api/v1
endpoint.

How another endpoint uses it (the intake and webhook endpoints do):

    from bot.api.auth import Caller, protected
    from bot.api.problems import Problem

    @protected("intake:write")
    async def alertmanager(request: Request, caller: Caller) -> Response:
        api = caller.api                    # ApiContext: dispatcher, clock, catalogs, …
        ...                                 # caller.identity is the token's person/integration
        raise Problem(404, "not-found", caller.words("api.problem.not_found"))  # any refusal

and add `Route("/intake/alertmanager", alertmanager, methods=["POST"])` to the routes given to
`bot.api.app.build_api(core, extra_routes=[...])`. `protected` answers 401 (no, wrong,
expired or revoked token), 403 (scope), 429 (rate, with Retry-After) and 413 (body size)
before the endpoint runs, and turns any `Problem` it raises into application/problem+json.
`await read_json(request, caller, Model)` parses and validates a body (400/422 problems).
"""

import functools
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from bot.api.problems import Problem
from commands.dispatcher import Dispatcher
from commands.messages import Identity
from commands.ports import Clock
from notifications.catalogs import Catalogs
from notifications.text import Catalog
from storage.api_idempotency import SqlIdempotency
from storage.api_tokens import ApiToken, SqlApiTokens
from storage.directory import DirectoryEntry
from storage.rate_limit import SqlRateLimiter
from storage.webhooks import StoredWebhooks
from workflows.kinds import Source
from workflows.organisation import Organisation

log = logging.getLogger(__name__)

SCOPES: dict[str, str] = {
    "tickets:read": "read tickets, their history and SLA status, people and teams",
    "tickets:write": "create tickets and act on them",
    "intake:write": "send monitoring alerts and other events that become tickets",
    "webhooks:manage": "manage outgoing webhook subscriptions",
}


@dataclass
class ApiContext:
    """What every endpoint needs; one per HTTP app (request.app.state.api)."""

    dispatcher: Dispatcher
    org: Organisation
    clock: Clock
    tokens: SqlApiTokens
    idempotency: SqlIdempotency
    limiter: SqlRateLimiter
    catalogs: Catalogs
    locale: str  # TICKETBOT_LOCALE: the words when Accept-Language names no locale we have
    rate_per_second: float
    burst: float
    max_body_bytes: int
    directory: list[DirectoryEntry]  # the organisation file's people, for /people
    webhooks: StoredWebhooks  # subscriptions made through the API (the process's one cache)

    def catalog(self, request: Request) -> Catalog:
        return self.catalogs.get(_locale(request.headers.get("accept-language"), self.locale),
                                 "api")


def _locale(header: str | None, default: str) -> str:
    for part in (header or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh-CN"
        if tag.startswith("en"):
            return "en"
    return default


@dataclass(frozen=True, slots=True)
class Caller:
    api: ApiContext
    token: ApiToken
    identity: Identity  # whom the dispatcher runs commands as
    catalog: Catalog  # the reader's language
    accept: str = ""  # the Accept header: an endpoint with files picks its format by it

    def words(self, key: str, **params: Any) -> str:
        return self.catalog.text(key, **params)


def problem(catalog: Catalog, status: int, slug: str, headers: dict[str, str] | None = None,
            detail: str | None = None, **extensions: Any) -> Problem:
    """A Problem whose title is the catalog's `api.problem.<slug>` (dashes as underscores)."""
    title = catalog.text("api.problem." + slug.replace("-", "_"))
    return Problem(status, slug, title, detail, headers, **extensions)


async def authenticate(request: Request, scope: str) -> Caller:
    """The caller behind the request's bearer token, allowed `scope` and within its rate, or a
    Problem (401, 403, 429)."""
    api: ApiContext = request.app.state.api
    catalog = api.catalog(request)
    challenge = {"WWW-Authenticate": 'Bearer realm="ticketbot"'}
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise problem(catalog, 401, "unauthorized", challenge,
                      catalog.text("api.problem.token_missing"))
    token = await api.tokens.verify(value.strip())
    if token is None:
        raise problem(catalog, 401, "unauthorized", challenge,
                      catalog.text("api.problem.token_wrong"))
    now = api.clock.now()
    if token.revoked_at is not None:
        raise problem(catalog, 401, "unauthorized", challenge,
                      catalog.text("api.problem.token_revoked"))
    if token.expires_at is not None and now >= token.expires_at:
        raise problem(catalog, 401, "unauthorized", challenge,
                      catalog.text("api.problem.token_expired"))
    if scope not in token.scopes:
        raise problem(catalog, 403, "forbidden", None,
                      catalog.text("api.problem.scope_missing", scope=scope))
    wait = await api.limiter.take(f"api:{token.id}", now.timestamp(), api.rate_per_second,
                                  api.burst)
    if wait > 0:
        seconds = max(1, int(wait + 0.999))
        raise problem(catalog, 429, "rate-limited", {"Retry-After": str(seconds)},
                      catalog.text("api.problem.rate_limited_detail", n=seconds))
    await api.tokens.touch(token, now)
    return Caller(api, token, Identity(Source.API, token.handle), catalog,
                  request.headers.get("accept", ""))


Endpoint = Callable[[Request, Caller], Awaitable[Response]]


def protected(scope: str) -> Callable[[Endpoint], Callable[[Request], Awaitable[Response]]]:
    """Wrap an endpoint: authenticate with `scope`, refuse oversized bodies, answer problems."""

    def wrap(endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(endpoint)
        async def run(request: Request) -> Response:
            api: ApiContext = request.app.state.api
            try:
                too_big = _declared_length(request) > api.max_body_bytes
                caller = await authenticate(request, scope)
                if too_big:
                    raise problem(caller.catalog, 413, "too-large", None, caller.words(
                        "api.problem.too_large_detail", limit=api.max_body_bytes))
                return await endpoint(request, caller)
            except Problem as refusal:
                return refusal.response()
            except Exception:
                ref = uuid.uuid4().hex[:8]
                log.exception("API %s %s failed (ref %s)", request.method, request.url.path, ref)
                catalog = api.catalog(request)
                return problem(catalog, 500, "internal",
                               detail=catalog.text("error.internal", ref=ref), ref=ref).response()

        run.scope = scope  # type: ignore[attr-defined]  # the OpenAPI document reads it
        return run

    return wrap


def _declared_length(request: Request) -> int:
    try:
        return int(request.headers.get("content-length", "0"))
    except ValueError:
        return 0
