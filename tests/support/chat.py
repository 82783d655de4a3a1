"""Chat-transcript helpers: `await chat.user("alice").says("new P2 VPN down")`."""

from dataclasses import dataclass

from bot.bootstrap import App
from commands.answer import Answer
from commands.messages import Identity
from workflows.kinds import Source


@dataclass(frozen=True)
class BotReply:
    answer: Answer
    text: str
    card: str | None

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

    async def says(self, text: str) -> BotReply:
        answer = await self.chat.app.dispatcher.handle_text(
            Identity(self.platform, self.handle, channel=self.channel), text)
        card = self.chat.catalog.card(answer.ticket, answer.zone) if answer.ticket else None
        return BotReply(answer, self.chat.catalog.answer(answer), card)


class Chat:
    def __init__(self, app: App, locale: str = "en") -> None:
        self.app = app
        self.catalog = app.catalog(locale)

    def user(self, handle: str, platform: Source = Source.CONSOLE) -> Speaker:
        return Speaker(self, handle, platform)
