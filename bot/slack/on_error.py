"""A listener that fails (a payload Slack would never send, a bug) answers like any refusal: a
short apology with a reference to find in the logs, never a 500 or a traceback."""

import json
import logging
import uuid
from typing import Any

from slack_bolt.response import BoltResponse

from bot.slack.bot import SlackBot
from bot.slack.request import CURRENT

log = logging.getLogger(__name__)


def register(bot: SlackBot) -> None:
    @bot.app.error
    async def on_error(error: Exception, body: dict[str, Any],
                       response: BoltResponse | None) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("Slack request failed (ref %s, type %s)", ref,
                  body.get("type") or body.get("command"), exc_info=error)
        request = CURRENT.get()
        user = request.user if request is not None else None
        if response is None:  # already acknowledged: only a message can reach the person
            if request is not None and user:
                bot.after_ack(bot.apologise_to(request.channel, user, ref))
            return
        # Before the ack Slack cannot be asked: their words if known already, else the bot's.
        words = (await bot.known_reader_catalog(user) if user else None) or bot.catalog
        text = bot.apology(ref, words)  # "nothing was changed" only when nothing was committed
        response.status = 200  # a retry from Slack would fail the same way
        response.body = json.dumps({"response_type": "ephemeral", "text": text})
        response.headers["content-type"] = ["application/json;charset=utf-8"]
