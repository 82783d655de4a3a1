"""`POST /api/v1/intake/alertmanager`, `/grafana` and `/generic/{name}`.

Each call is one transaction (commands/actions/intake.py). Answers follow what the senders do
with them: Alertmanager retries a 5xx within the same notification and drops any 4xx until the
next group interval, so a database that is away is a 503 (retried), and only a request that
can never succeed is a 4xx. There is no rate limit here: a limited Alertmanager loses
resolutions (see docs/architecture.md)."""

import base64
import binascii
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.api.problems import Problem
from bot.intake.generic import Unmapped, generic_batch
from bot.intake.payloads import AlertmanagerIn, GrafanaIn, alertmanager_batch
from bot.orgfile_hooks import IntakeConfig
from bot.signing import HEADER, verify
from commands.actions.intake import Words, summary, take_alerts
from commands.context import Context
from commands.notify import NotifyConfig
from commands.ports import Clock, StorageUnavailable, UnitOfWorkFactory
from workflows.alerts import AlertBatch
from workflows.errors import DomainError
from workflows.kinds import Source
from workflows.organisation import Organisation
from workflows.people import Person

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024  # Alertmanager's largest groups stay far below this
# An API token check (the REST API's), tried when the credential is not the intake secret:
# returns True for a valid token allowed to file alerts.
TokenCheck = Callable[[str], Awaitable[bool]]


def _problem(status: int, slug: str, title: str, detail: str,
             headers: dict[str, str] | None = None, **more: Any) -> Response:
    """The intake's refusals are the REST API's problem documents (bot/api/problems.py)."""
    return Problem(status, slug, title, detail, headers, **more).response()



@dataclass(frozen=True, slots=True)
class Intake:
    uow: UnitOfWorkFactory
    org: Organisation
    clock: Clock
    notify: NotifyConfig
    config: IntakeConfig
    words: Words
    tokens: TokenCheck | None = None


def _credential(request: Request) -> str | None:
    """The Bearer token, or a Basic password (Alertmanager's basic_auth; the user is not read)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return value.strip() or None
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


async def _authorised(intake: Intake, request: Request, body: bytes,
                      hmac_secret: str | None) -> bool:
    if hmac_secret is not None and HEADER.lower() in request.headers:
        return verify(hmac_secret, request.headers[HEADER.lower()], body,
                      intake.clock.now().timestamp())
    given = _credential(request)
    if given is None:
        return False
    secret = intake.config.secret
    if secret is not None and hmac.compare_digest(given.encode(), secret.encode()):
        return True
    return intake.tokens is not None and await intake.tokens(given)


async def _body(request: Request) -> bytes | None:
    """The body, or None past MAX_BODY (read no further than that)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _invalid(error: ValidationError) -> JSONResponse:
    errors = [{"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]}
              for e in error.errors()[:20]]
    return _problem(422, "invalid-body", "Invalid alert payload",
                   f"{len(error.errors())} field(s) are wrong", errors=errors)


async def _handle(intake: Intake, request: Request, parse: Callable[[object], AlertBatch],
                  hmac_secret: str | None = None) -> Response:
    body = await _body(request)
    if body is None:
        return _problem(413, "too-large", "Body too large", f"at most {MAX_BODY} bytes")
    if not await _authorised(intake, request, body, hmac_secret):
        return _problem(401, "unauthorised", "Not authenticated",
                       "send the intake secret or an API token as a Bearer credential"
                       + (f", or sign the body ({HEADER})" if hmac_secret else ""),
                       headers={"WWW-Authenticate": 'Bearer realm="ticketbot"'})
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        return _problem(400, "malformed-json", "Malformed JSON", str(error)[:200])
    try:
        batch = parse(document)
    except ValidationError as error:
        return _invalid(error)
    except Unmapped as error:
        return _problem(422, "invalid-body", "Invalid alert payload", str(error),
                       errors=[{"field": error.field, "reason": error.reason}])
    requester = intake.config.rules.requester
    ctx = Context(intake.uow, intake.org, intake.clock, Person(0, requester, requester),
                  Source.API, intake.notify)
    try:
        result = await take_alerts(batch, ctx, intake.config.rules, intake.words)
    except DomainError as error:
        return _problem(422, "refused", "Alert refused", str(error.args[0] if error.args else
                                                             type(error).__name__))
    except StorageUnavailable:
        return _problem(503, "unavailable", "Database unavailable", "retry later",
                       headers={"Retry-After": "5"})
    return JSONResponse(summary(result))


def intake_routes(intake: Intake) -> list[Route]:
    def alertmanager(document: object) -> AlertBatch:
        return alertmanager_batch(AlertmanagerIn.model_validate(document), "alertmanager")

    def grafana(document: object) -> AlertBatch:
        return alertmanager_batch(GrafanaIn.model_validate(document), "grafana")

    async def on_alertmanager(request: Request) -> Response:
        return await _handle(intake, request, alertmanager)

    async def on_grafana(request: Request) -> Response:
        return await _handle(intake, request, grafana)

    async def on_generic(request: Request) -> Response:
        name = request.path_params["name"]
        spec = intake.config.generic.get(name)
        if spec is None:
            return _problem(404, "unknown-intake", "Unknown intake",
                           f"no generic intake named {name!r} in the organisation file")
        return await _handle(intake, request, lambda d: generic_batch(spec, d),
                             intake.config.generic_secrets.get(name))

    return [Route("/api/v1/intake/alertmanager", on_alertmanager, methods=["POST"]),
            Route("/api/v1/intake/grafana", on_grafana, methods=["POST"]),
            Route("/api/v1/intake/generic/{name}", on_generic, methods=["POST"])]
