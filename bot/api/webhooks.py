"""/api/v1/webhooks: outgoing webhook subscriptions made, listed and deleted through the API.

The organisation file's subscriptions are listed too (read-only: they change in the file).
A subscription's secret is generated here and shown once, in the creation's answer. The scope
`webhooks:manage` is needed, and a person's token must belong to an admin of the organisation
(a service token acts as the integration an admin minted it for).
"""

from typing import Any

from pydantic import BaseModel

from bot.api import schemas as s
from bot.api.auth import Caller, problem
from bot.api.endpoint import Endpoint
from storage.webhooks import NameTaken, StoredWebhook
from workflows.webhooks import EVENTS, Subscription

SCOPE = "webhooks:manage"


def _allowed(caller: Caller) -> None:
    if not caller.token.service and caller.token.handle not in caller.api.org.admins:
        raise problem(caller.catalog, 403, "forbidden", None,
                      caller.words("api.problem.webhook_admins_only"))


def _out(sub: Subscription, stored: StoredWebhook | None) -> s.WebhookOut:
    return s.WebhookOut(
        name=sub.name, url=sub.url, events=sorted(sub.events),
        filters=s.WebhookFilters(queues=sorted(sub.queues), teams=sorted(sub.teams),
                                 priorities=sorted(sub.priorities)),  # type: ignore[arg-type]
        managed_by="api" if stored else "organisation_file",
        created_by=stored.created_by if stored else None,
        created_at=stored.created_at if stored else None)


def _in_file(caller: Caller, name: str) -> Subscription | None:
    return next((w for w in caller.api.org.webhooks if w.name == name), None)


def _invalid(caller: Caller, errors: list[dict[str, str]]) -> None:
    if errors:
        raise problem(caller.catalog, 422, "invalid-body", None,
                      caller.words("api.problem.invalid_body_detail"), errors=errors)


def _subscription(caller: Caller, body: s.WebhookCreate) -> Subscription:
    """The body checked against what the organisation has: events, queues and teams."""
    org = caller.api.org
    errors = [{"field": "events", "reason": f"unknown event {e!r}; known: {', '.join(EVENTS)}"}
              for e in body.events if e not in EVENTS]
    queues = [q.upper() for q in body.filters.queues]
    errors += [{"field": "filters.queues", "reason": f"unknown queue {q!r}"}
               for q in queues if org.queue(q) is None]
    teams = []
    for name in body.filters.teams:
        team = org.team(name)
        if team is None:
            errors.append({"field": "filters.teams", "reason": f"unknown team {name!r}"})
        else:
            teams.append(team.key)
    _invalid(caller, errors)
    return Subscription(body.name, body.url, frozenset(body.events), frozenset(queues),
                        frozenset(teams), frozenset(p.value for p in body.filters.priorities))


async def create(caller: Caller, posted: Any, _: dict[str, str]) -> tuple[int, BaseModel]:
    _allowed(caller)
    body: s.WebhookCreate = posted.body
    sub = _subscription(caller, body)
    if _in_file(caller, sub.name) is not None:
        raise problem(caller.catalog, 409, "conflict", None,
                      caller.words("api.problem.webhook_name_taken", name=sub.name))
    try:
        stored = await caller.api.webhooks.create(sub, caller.token.handle,
                                                  caller.api.clock.now())
    except NameTaken:
        raise problem(caller.catalog, 409, "conflict", None,
                      caller.words("api.problem.webhook_name_taken", name=sub.name)) from None
    shown = _out(stored.subscription, stored)
    return 201, s.WebhookCreated(**shown.model_dump(), secret=stored.secret)


async def listing(caller: Caller, _: Any, __: dict[str, str]) -> tuple[int, BaseModel]:
    _allowed(caller)
    found = [_out(w, None) for w in caller.api.org.webhooks]
    found += [_out(w.subscription, w) for w in await caller.api.webhooks.all()]
    return 200, s.WebhookPage(webhooks=found)


async def get(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    _allowed(caller)
    name = path["name"]
    in_file = _in_file(caller, name)
    if in_file is not None:
        return 200, _out(in_file, None)
    stored = await caller.api.webhooks.get(name)
    if stored is None:
        raise _unknown(caller, name)
    return 200, _out(stored.subscription, stored)


async def delete(caller: Caller, _: Any, path: dict[str, str]) -> tuple[int, BaseModel]:
    _allowed(caller)
    name = path["name"]
    if _in_file(caller, name) is not None:
        raise problem(caller.catalog, 409, "conflict", None,
                      caller.words("api.problem.webhook_in_file", name=name))
    if not await caller.api.webhooks.delete(name):
        raise _unknown(caller, name)
    return 204, s.EmptyBody()


def _unknown(caller: Caller, name: str) -> Exception:
    return problem(caller.catalog, 404, "not-found", None,
                   caller.words("api.problem.unknown_webhook", name=name[:64]))


def endpoints() -> list[Endpoint]:
    return [
        Endpoint("POST", "/webhooks", "createWebhook", "subscribe a URL to ticket events; the "
                 "answer shows the signing secret once", SCOPE, create, s.WebhookCreated, 201,
                 body=s.WebhookCreate, refusals=(403, 409, 422)),
        Endpoint("GET", "/webhooks", "listWebhooks", "every subscription, without secrets",
                 SCOPE, listing, s.WebhookPage, refusals=(403,)),
        Endpoint("GET", "/webhooks/{name}", "getWebhook", "one subscription, without its secret",
                 SCOPE, get, s.WebhookOut, refusals=(403, 404)),
        Endpoint("DELETE", "/webhooks/{name}", "deleteWebhook", "stop deliveries to a "
                 "subscription (its undelivered events go to the dead letters)", SCOPE, delete,
                 s.EmptyBody, 204, refusals=(403, 404, 409)),
    ]
