"""Build the bolt AsyncApp for ticketbot: HTTP (signed requests) or Socket Mode."""

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App
from bot.slack import on_button, on_command, on_error, on_event, on_view
from bot.slack.bot import SlackBot
from bot.slack.observe import ObservedAsyncApp
from bot.slack.web import web_client


def build_slack(core: App, client: AsyncWebClient | None = None,
                session: aiohttp.ClientSession | None = None) -> SlackBot:
    settings = core.settings
    client = client or web_client(settings, session)
    socket_mode = bool(settings.slack_app_token)
    app = ObservedAsyncApp(  # request id, log context and latency for every request
        client=client,
        signing_secret=settings.slack_signing_secret or ("" if socket_mode else None),
        # Socket Mode requests arrive over an authenticated websocket, not signed HTTP.
        request_verification_enabled=not socket_mode,
        # Listeners write, then ack: a reply that says "done" means the change is committed.
        # Every listener is a few milliseconds of database work, well inside Slack's 3 s;
        # delivery to Slack happens afterwards from the outbox.
        process_before_response=True,
    )
    bot = SlackBot(core, app, client, settings.slack_intake_reaction)
    for module in (on_command, on_button, on_view, on_event, on_error):
        module.register(bot)
    return bot
