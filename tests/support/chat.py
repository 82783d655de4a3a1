"""Chat-transcript helpers: `await chat.user("alice").says("new P2 VPN down")`.

Messages from Slack and DingTalk carry a delivery id, as the adapters pass it (Slack: the
Events API `event_id`, keyed `event:<id>` by bot/slack/on_event.py; DingTalk: the message's
`msgId`, by bot/dingtalk/messages.py), so de-duplication is exercised by every transcript;
`redelivers` sends the same delivery again, as a platform retry does.
"""

import uuid
from dataclasses import dataclass

from bot.bootstrap import App
from bot.platforms import DINGTALK, SLACK
from bot.slack.mentions import slack_people
from commands.answer import Answer
from commands.messages import Identity
from workflows.kinds import Source


@dataclass(frozen=True)
class BotReply:
    answer: Answer
    text: str
    card: str | None
    said: str = ""  # what was said, and under which delivery id (None on the console)
    delivery: str | None = None

    @property
    def ok(self) -> bool:
        return self.answer.ok

    @property
    def buttons(self) -> list[str]:
        return [a.value for a in self.answer.actions]

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.text or (self.card is not None and fragment in self.card)


class Speaker:
    def __init__(self, chat: "Chat", handle: str, platform: Source,
                 channel: str | None = None) -> None:
        self.chat, self.handle, self.platform, self.channel = chat, handle, platform, channel

    def in_channel(self, channel: str) -> "Speaker":
        """The same person writing in a channel or group instead of to the bot directly."""
        return Speaker(self.chat, self.handle, self.platform, channel)

    async def says(self, text: str, delivery: str | None = None) -> BotReply:
        """`delivery`: the platform's id for this message (a fresh one if not given)."""
        if delivery is None:
            delivery = self.chat.new_delivery(self.platform)
        # Slack's `<@U…>` as its adapter passes them: the people they name.
        people = slack_people(text) if self.platform == SLACK else None
        answer = await self.chat.app.dispatcher.handle_text(
            Identity(self.platform, self.handle, channel=self.channel), text, people,
            dedup_key=dedup_key(self.platform, delivery))
        card = self.chat.catalog.card(answer.ticket, answer.zone) if answer.ticket else None
        return BotReply(answer, self.chat.catalog.answer(answer), card, text, delivery)

    async def redelivers(self, reply: BotReply) -> BotReply:
        """The platform delivering the same message again (Slack retries, DingTalk resends)."""
        return await self.says(reply.said, reply.delivery)


def dedup_key(platform: Source, delivery: str | None) -> str | None:
    """The inbound id the adapter derives from a delivery id."""
    if delivery is None or platform not in (SLACK, DINGTALK):
        return None
    return f"event:{delivery}" if platform == SLACK else delivery


class Chat:
    def __init__(self, app: App, locale: str = "en") -> None:
        self.app = app
        self.catalog = app.catalog(locale)

    def new_delivery(self, platform: Source) -> str | None:
        """A fresh id shaped like the platform's (Slack `Ev…`, DingTalk `msg…`), unique across
        every Chat on the same database; none on the console."""
        if platform == SLACK:
            return "Ev" + uuid.uuid4().hex[:12].upper()
        if platform == DINGTALK:
            return "msg" + uuid.uuid4().hex
        return None

    def user(self, handle: str, platform: Source = Source.CONSOLE) -> Speaker:
        return Speaker(self, handle, platform)
