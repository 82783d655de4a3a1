"""The /api/v1 ASGI app, mounted beside /slack/events by bot/http.py."""

from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from bot.api.auth import ApiContext, problem
from bot.bootstrap import App
from notifications.catalogs import Catalogs
from storage.api_idempotency import SqlIdempotency
from storage.api_tokens import SqlApiTokens
from storage.engine import session_factory
from storage.rate_limit import SqlRateLimiter


def api_context(core: App) -> ApiContext:
    sessions = session_factory(core.engine)
    settings = core.settings
    return ApiContext(core.dispatcher, core.loaded.org, core.clock, SqlApiTokens(sessions),
                      SqlIdempotency(sessions), SqlRateLimiter(sessions),
                      Catalogs(settings.tz, settings.templates_dir, core.clock.now),
                      settings.locale, settings.api_rate_per_second, settings.api_burst,
                      settings.api_max_body_bytes, core.loaded.directory, core.uow.webhooks)


def build_api(core: App, extra_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """`extra_routes`: endpoints of other features (intake, webhooks), wrapped in `protected`."""
    from bot.api.routes import routes

    context = api_context(core)

    async def not_found(request: Request, _: Exception) -> Response:
        catalog = context.catalog(request)
        return problem(catalog, 404, "not-found", None, catalog.text("api.problem.no_route")
                       ).response()

    async def wrong_method(request: Request, error: Exception) -> Response:
        catalog = context.catalog(request)
        status = error.status_code if isinstance(error, HTTPException) else 405
        return problem(catalog, status, "not-found" if status == 404 else "not-allowed", None,
                       catalog.text("api.problem.no_route")).response()

    api = Starlette(routes=[*routes(), *extra_routes],
                    exception_handlers={404: not_found, 405: wrong_method})
    api.state.api = context
    return api
