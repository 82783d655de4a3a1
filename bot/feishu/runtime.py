"""Feishu in `ticketbot serve`: the long connection (always) and the HTTP event endpoint (only
with FEISHU_VERIFICATION_TOKEN), one handler behind both, and the direct replies."""

import asyncio
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bootstrap import App
from bot.feishu.events import FeishuEvents
from bot.feishu.longconn import LongConnection
from bot.feishu.replies import Replier
from bot.senders.feishu import FeishuSender
from notifications.catalogs import Catalogs

log = logging.getLogger(__name__)
EVENTS_PATH = "/feishu/events"


class FeishuRuntime:
    def __init__(self, app: App, sender: FeishuSender) -> None:
        settings = app.settings
        self.sender = sender
        self.replier = Replier(sender, app.uow, app.loaded.org, app.notify,
                               Catalogs(settings.tz, settings.templates_dir), app.clock)
        # open_ids are per app: the app id is the workspace they are unique in.
        self.events = FeishuEvents(app.dispatcher, app.uow, self.replier, app.clock,
                                   settings.feishu_verification_token or "",
                                   settings.feishu_app_id or "")
        self.connection = LongConnection(settings.feishu_app_id or "",
                                         settings.feishu_app_secret or "",
                                         settings.feishu_openapi_endpoint, self.events.on_event)
        self.http_events = bool(settings.feishu_verification_token)

    async def run(self, stop: asyncio.Event, grace: float = 10.0) -> None:
        """Hold the long connection until `stop`; then close it, so no event is taken."""
        await self.connection.start()
        try:
            await stop.wait()
        finally:
            await self.connection.stop(grace)

    async def endpoint(self, request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"msg": "not JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"msg": "not a JSON object"}, status_code=400)
        status, answer = await self.events.handle(body)
        return JSONResponse(answer, status_code=status)

    def route(self) -> Route:
        return Route(EVENTS_PATH, self.endpoint, methods=["POST"])

    async def connected(self) -> bool:
        """For /readyz: the long connection is open."""
        return self.connection.connected()

    async def settle(self) -> None:
        await self.replier.idle()
