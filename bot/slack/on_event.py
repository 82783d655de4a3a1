"""Events: @-mentions and DMs run the grammar, thread replies become comments, a reaction
turns a message into a ticket, App Home opens."""

import re
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack.bot import SlackBot
from commands import messages as m
from commands.tokens import extract_mentions
from workflows.kinds import Source

_LEADING_MENTION = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s:,，]*")


def register(bot: SlackBot) -> None:
    @bot.app.event("app_mention")
    async def mentioned(body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("thread_ts") and await _in_ticket_thread(event):
            return  # handled as a comment by the message listener
        text = _LEADING_MENTION.sub("", event.get("text") or "", count=1)
        answer = await bot.run_text(event["user"], text, dedup_key=f"event:{body['event_id']}",
                                    channel=event.get("channel"))
        await bot.ephemeral(event.get("channel"), event["user"], answer)

    @bot.app.event("message")
    async def message(body: dict[str, Any], event: dict[str, Any]) -> None:
        subtype = event.get("subtype")
        if subtype == "message_deleted":
            await _forget_deleted_card(event)
            return
        if event.get("bot_id") or subtype not in (None, "thread_broadcast", "file_share"):
            return  # our own posts, edits and joins are not requests
        user, text = event.get("user"), event.get("text") or ""
        if not user:
            return
        if event.get("channel_type") == "im":
            answer = await bot.run_text(user, text, dedup_key=f"event:{body['event_id']}")
            if not answer.duplicate:
                await bot.client.chat_postMessage(channel=event["channel"],
                                                  **bot.renderer.message(answer))
            return
        key = await _in_ticket_thread(event)
        if key is None:
            return
        await _comment(key, user, text, body["event_id"], event.get("channel"))

    async def _in_ticket_thread(event: dict[str, Any]) -> str | None:
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts"):
            return None
        async with bot.core.uow() as uow:
            return await uow.tickets.key_by_message(Source.SLACK, event["channel"], thread)

    async def _comment(key: str, user: str, text: str, event_id: str, channel: str | None) -> None:
        """A reply in the card's thread is a public comment; people it mentions join the ticket."""
        answer = await bot.run(user, m.Reply(key, text), f"event:{event_id}")
        if not answer.ok:
            await bot.ephemeral(channel, user, answer)
            return
        mentions = [x for x in extract_mentions(text)[0] if x.platform is Source.SLACK]
        if mentions:
            added = await bot.run(user, m.AddCollaborators(key, tuple(mentions)), f"cc:{event_id}")
            if not added.ok and added.key != "error.already_collaborators":
                await bot.ephemeral(channel, user, added)

    async def _forget_deleted_card(event: dict[str, Any]) -> None:
        previous = event.get("previous_message") or {}
        async with bot.core.uow() as uow:
            if await uow.tickets.forget_message(Source.SLACK, event.get("channel", ""),
                                                previous.get("ts", "")):
                await uow.commit()

    @bot.app.event("reaction_added")
    async def reacted(event: dict[str, Any]) -> None:
        if event.get("reaction") != bot.intake_reaction or (event.get("item") or {}).get(
                "type") != "message":
            return
        item = event["item"]
        try:
            found = await bot.client.conversations_history(
                channel=item["channel"], latest=item["ts"], inclusive=True, limit=1)
        except SlackApiError:
            return
        messages = [x for x in found.get("messages", []) if x.get("ts") == item["ts"]]
        if not messages:
            return
        text = (messages[0].get("text") or "").strip()
        title = text.splitlines()[0][:150] if text else ""
        author = event.get("item_user") or messages[0].get("user") or event["user"]
        command = m.Create(title=title, description=text, origin_channel=item["channel"],
                           origin_ts=item["ts"])
        # One ticket per message, however many people add the reaction.
        answer = await bot.run(author, command, f"reaction:{item['channel']}:{item['ts']}")
        if answer.duplicate:
            return
        await bot.ephemeral(item["channel"], event["user"], answer)
        if answer.ok and answer.ticket is not None:
            await bot.client.chat_postMessage(
                channel=item["channel"], thread_ts=item["ts"],
                text=bot.catalog.text("slack.created_from_message", key=answer.ticket.key))

    @bot.app.event("app_home_opened")
    async def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            bot.home_viewers.saw(event["user"])
            await bot.refresh_home(event["user"])
