"""Events: @-mentions and DMs run the grammar, thread replies become comments, a reaction
turns a message into a ticket, App Home opens.

bolt acknowledges an event when its listener returns; each listener only starts the work
(bot.after_ack), so no Web API call delays the ack.
"""

import re
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.platforms import SLACK
from bot.slack.bot import SlackBot
from bot.slack.mentions import slack_mentions
from commands import messages as m

_LEADING_MENTION = re.compile(r"^\s*<@[UW][A-Z0-9]+(?:\|[^>]*)?>[\s:,，]*")


def register(bot: SlackBot) -> None:
    @bot.app.event("app_mention")
    async def mentioned(body: dict[str, Any], event: dict[str, Any]) -> None:
        bot.after_ack(_mentioned(body["event_id"], event))

    async def _mentioned(event_id: str, event: dict[str, Any]) -> None:
        if event.get("thread_ts") and await _in_ticket_thread(event):
            return  # handled as a comment by the message listener
        text = _LEADING_MENTION.sub("", event.get("text") or "", count=1)
        answer = await bot.run_text(event["user"], text, dedup_key=f"event:{event_id}",
                                    channel=event.get("channel"))
        await bot.ephemeral(event.get("channel"), event["user"], answer)

    @bot.app.event("message")
    async def message(body: dict[str, Any], event: dict[str, Any]) -> None:
        subtype = event.get("subtype")
        if subtype == "message_deleted":
            await _forget_deleted_card(event)  # the database only
            return
        if event.get("bot_id") or subtype not in (None, "thread_broadcast", "file_share"):
            return  # our own posts, edits and joins are not requests
        if event.get("user"):
            bot.after_ack(_message(body["event_id"], event))

    async def _message(event_id: str, event: dict[str, Any]) -> None:
        user, text = event["user"], event.get("text") or ""
        if event.get("channel_type") == "im":
            answer = await bot.run_text(user, text, dedup_key=f"event:{event_id}")
            if not answer.duplicate:  # their DM with the bot: in their words
                words = await bot.reader_catalog(user, answer)
                await bot.client.chat_postMessage(channel=event["channel"],
                                                  **bot.renderer.message(answer, words))
            return
        key = await _in_ticket_thread(event)
        if key is None:
            return
        await _comment(key, user, text, event_id, event.get("channel"))

    async def _in_ticket_thread(event: dict[str, Any]) -> str | None:
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts"):
            return None
        async with bot.core.uow() as uow:
            return await uow.tickets.key_by_message(SLACK, event["channel"], thread)

    async def _comment(key: str, user: str, text: str, event_id: str, channel: str | None) -> None:
        """A reply in the card's thread is a public comment; people it mentions join the ticket
        and are told, as with `reply` (commands/actions/comment.py)."""
        refused = await bot.refuse_unknown(text)
        if refused is not None:
            await bot.ephemeral(channel, user, refused)
            return
        mentions = tuple(m.Mention(SLACK, x) for x in slack_mentions(text))
        # One request: the comment and the people it mentions join in the same change.
        answer = await bot.run(user, m.Reply(key, text, mentions), f"event:{event_id}",
                               conversation=channel)
        if not answer.ok:
            await bot.ephemeral(channel, user, answer)

    async def _forget_deleted_card(event: dict[str, Any]) -> None:
        previous = event.get("previous_message") or {}
        async with bot.core.uow() as uow:
            if await uow.tickets.forget_message(SLACK, event.get("channel", ""),
                                                previous.get("ts", "")):
                await uow.commit()

    @bot.app.event("reaction_added")
    async def reacted(event: dict[str, Any]) -> None:
        if event.get("reaction") != bot.intake_reaction or (event.get("item") or {}).get(
                "type") != "message":
            return
        bot.after_ack(_reacted(event))

    async def _read(channel: str, ts: str) -> dict[str, Any] | None:
        """The reacted message: conversations.history lists top-level messages only; a reply
        in a thread is read with conversations.replies."""
        found = await bot.client.conversations_history(channel=channel, latest=ts,
                                                       inclusive=True, limit=1)
        for candidate in found.get("messages", []):
            if candidate.get("ts") == ts:
                return candidate
        thread = await bot.client.conversations_replies(channel=channel, ts=ts, oldest=ts,
                                                        inclusive=True, limit=2)
        return next((x for x in thread.get("messages", []) if x.get("ts") == ts), None)

    async def _reacted(event: dict[str, Any]) -> None:
        item, reactor = event["item"], event["user"]
        try:
            found = await _read(item["channel"], item["ts"])
        except SlackApiError as error:
            bot.log_refusal("reaction", error)
            found = None
        if found is None:
            await bot.say(item["channel"], reactor, "slack.reaction_unreadable")
            return
        text = (found.get("text") or "").strip()
        refused = await bot.refuse_unknown(text)
        if refused is not None:
            await bot.ephemeral(item["channel"], reactor, refused)
            return
        title = text.splitlines()[0][:150] if text else ""
        author = event.get("item_user") or found.get("user") or reactor
        requester = (m.Mention(SLACK, author, await bot.directory.name(author))
                     if author != reactor else None)
        command = m.Create(title=title, description=text, origin_channel=item["channel"],
                           origin_ts=item["ts"], requester=requester)
        # One ticket per message, however many people add the reaction.
        answer = await bot.run(reactor, command, f"reaction:{item['channel']}:{item['ts']}")
        if answer.duplicate:
            return
        await bot.ephemeral(item["channel"], reactor, answer)
        if answer.ok and answer.ticket is not None:
            await bot.client.chat_postMessage(
                channel=item["channel"], thread_ts=item["ts"],
                text=bot.catalog.text("slack.created_from_message", key=answer.ticket.key))

    @bot.app.event("app_home_opened")
    async def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            bot.home_viewers.saw(event["user"])
            bot.after_ack(bot.refresh_home(event["user"]))
