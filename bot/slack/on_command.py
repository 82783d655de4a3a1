"""`/ticket`: no text opens the create modal; any text runs the shared grammar."""

from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.slack.bot import SlackBot
from bot.slack.modals import create_modal


def register(bot: SlackBot) -> None:
    @bot.app.command("/ticket")
    async def ticket_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        text = (body.get("text") or "").strip()
        user = body["user_id"]
        if not text:
            await ack()
            metadata = {"channel": body.get("channel_id")}
            view = create_modal(bot.catalog, bot.core.loaded.org, metadata)
            await bot.client.views_open(trigger_id=body["trigger_id"], view=view)
            return
        answer = await bot.run_text(user, text, dedup_key=f"command:{body.get('trigger_id')}",
                                    name=body.get("user_name"), channel=body.get("channel_id"))
        if answer.duplicate:
            await ack()
            return
        if answer.ok and answer.ticket is not None:
            bot.refresh_homes(user, answer)
        # The reply rides on the acknowledgement itself (Slack shows it to the sender only):
        # written and committed first, then said, with no second request to response_url.
        await ack(response_type="ephemeral", **bot.renderer.message(answer))

    @bot.app.shortcut("create_ticket")
    async def create_from_message(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Message shortcut: a create modal prefilled from the message, linked back to it."""
        await ack()
        message = body.get("message") or {}
        text = (message.get("text") or "").strip()
        title = text.splitlines()[0] if text else ""
        metadata = {"channel": (body.get("channel") or {}).get("id"), "ts": message.get("ts")}
        view = create_modal(bot.catalog, bot.core.loaded.org, metadata, title=title[:150],
                            description=text)
        await bot.client.views_open(trigger_id=body["trigger_id"], view=view)
