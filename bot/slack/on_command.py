"""`/ticket`: no text opens the create modal; any text runs the shared grammar. The message
shortcut "Create ticket" opens the modal prefilled from the message.

Nothing here calls the Web API before the ack: a command is written and committed, then its
reply rides on the ack itself, in the asker's words (commands/reader_language.py); while their
Slack language is not known yet it follows through the response_url instead, once users.info has
said it. Modals open right after the ack (a trigger_id lives 3 s).
"""

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.answer_files import has_files, send_answer_files
from bot.platforms import SLACK
from bot.senders.slack import SlackSender
from bot.slack.bot import SlackBot
from bot.slack.mentions import slack_mentions
from bot.slack.modals import create_modal
from commands.answer import Answer
from notifications.text import Catalog

log = logging.getLogger(__name__)

# `/ticket type:change_request` (or `/ticket new type:…`): the create modal, preset to the type.
_MODAL_TYPE = re.compile(r"^(?:new\s+|新建\s*)?(?:type|类型)[:：=](\S+)$", re.I)


def _preset_type(bot: SlackBot, word: str) -> str | None:
    """The type a `/ticket type:…` word names (an own type's alias included), as its id."""
    chosen = bot.core.loaded.org.parse_type(word)
    return chosen.id if chosen is not None else None


def register(bot: SlackBot) -> None:
    async def open_modal(trigger_id: str, build: Callable[[Catalog], View], channel: str | None,
                         user: str) -> None:
        try:
            await bot.open_modal(trigger_id, user, build)  # in the reader's words
        except SlackApiError as error:
            # e.g. expired_trigger_id: Slack was too slow to answer within the trigger's 3 s.
            log.warning("could not open the create modal: %s", error.response.get("error"))
            await bot.say(channel, user, "slack.modal_failed")

    async def known_to_us(text: str) -> bool:
        """Every `<@U…>` in `text` is someone this deployment knows already: nothing needs
        asking Slack (users.info), so the command can run before the ack."""
        ids = slack_mentions(text)
        if not ids:
            return True
        async with bot.core.uow() as uow:
            for user_id in ids:
                if await uow.people.by_platform_id(SLACK, user_id) is None:
                    return False
        return True

    @bot.app.command("/ticket")
    async def ticket_command(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        text = (body.get("text") or "").strip()
        user, channel = body["user_id"], body.get("channel_id")
        preset = _MODAL_TYPE.match(text)
        if not text or preset:
            # `/ticket type:change_request`: the modal asks that type's own fields.
            await ack()
            ticket_type = _preset_type(bot, preset.group(1)) if preset else None

            def build(catalog: Catalog) -> View:
                return create_modal(catalog, bot.core.loaded.org,
                                    {"channel": channel, "locale": catalog.locale},
                                    ticket_type=ticket_type)

            bot.after_ack(open_modal(body["trigger_id"], build, channel, user))
            return
        dedup = f"command:{body.get('trigger_id')}"
        if not await known_to_us(text):
            # Slack must say whether the people it names exist: ack now, answer through the
            # command's response_url (it works in every channel, member or not).
            await ack()

            async def run_then_respond() -> None:
                answer = await bot.run_text(user, text, dedup_key=dedup,
                                            name=body.get("user_name"), channel=channel)
                if answer.ok and answer.ticket is not None:
                    bot.refresh_homes(user, answer)
                if not answer.duplicate:
                    await respond_later(respond, answer, user)

            bot.after_ack(run_then_respond())
            return
        answer = await bot.run_text(user, text, dedup_key=dedup, name=body.get("user_name"),
                                    channel=channel, verify_mentions=False)
        if answer.duplicate:
            await ack()
            return
        if answer.ok and answer.ticket is not None:
            bot.refresh_homes(user, answer)
        words = await bot.known_reader_catalog(user, answer)  # as of after `language …`
        if words is None:
            # Their Slack language is not known yet, and Slack is not asked before the ack:
            # the answer follows through the command's response_url once Slack has said it.
            await ack()
            bot.after_ack(respond_later(respond, answer, user))
            return
        # The reply rides on the acknowledgement itself (Slack shows it to the sender only):
        # written and committed first, then said, with no second request to response_url.
        await ack(response_type="ephemeral", **bot.renderer.message(answer, words))
        if has_files(answer):
            bot.after_ack(_send_files(answer, user, words))

    async def respond_later(respond: AsyncRespond, answer: Answer, user: str) -> None:
        """The answer after the ack, in the asker's words (asking Slack their language)."""
        words = await bot.reader_catalog(user, answer)
        await respond(response_type="ephemeral", **bot.renderer.message(answer, words))
        await _send_files(answer, user, words)

    async def _send_files(answer: Answer, user: str, words: Catalog) -> None:
        """An export's files and a report's charts go to the asker's DM with the bot (a file
        cannot be ephemeral)."""
        if has_files(answer):
            await send_answer_files(SlackSender(bot.client), answer, "slack", user, answer.zone,
                                    caption=bot.renderer.text(answer, words), labels=words)

    @bot.app.shortcut("create_ticket")
    async def create_from_message(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Message shortcut: a create modal prefilled from the message, linked back to it. The
        message's author becomes the requester; who used the shortcut files it."""
        await ack()
        message = body.get("message") or {}
        text = (message.get("text") or "").strip()
        title = text.splitlines()[0] if text else ""
        channel, user = (body.get("channel") or {}).get("id"), body["user"]["id"]
        metadata = {"channel": channel, "ts": message.get("ts")}
        if message.get("user") and not message.get("bot_id") and message["user"] != user:
            metadata["author"] = message["user"]

        def build(catalog: Catalog) -> View:
            return create_modal(catalog, bot.core.loaded.org,
                                {**metadata, "locale": catalog.locale}, title=title[:150],
                                description=text)

        async def open_then_look_up() -> None:
            await open_modal(body["trigger_id"], build, channel, user)
            if metadata.get("author"):
                # While the form is filled in: the author's name, for the submission (which
                # must answer before its ack, so it only reads the cache).
                await bot.directory.name(metadata["author"])

        bot.after_ack(open_then_look_up())
