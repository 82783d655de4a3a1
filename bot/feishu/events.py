"""Feishu's events in, the shared grammar and use cases, answers out.

The events are im.message.receive_v1 and card.action.trigger (schema 2.0). They come over the
long connection (bot/feishu/longconn.py: `on_event`, authenticated by the app secret) or, when
FEISHU_VERIFICATION_TOKEN is set, as POSTs to /feishu/events (`handle`: the url_verification
challenge, and the Verification Token checked on each). Messages are deduplicated on
message_id, clicks on the card, the card's version, the clicker and the button, as the DingTalk
adapter does, so a redelivered event changes nothing; the answer is scheduled, and Feishu gets
its ack once the command is recorded. A refused click is told to the clicker in a toast.
"""

import logging
from dataclasses import replace
from typing import Any

from bot.feishu import inbound
from bot.feishu.cards import ACTIONS, typed_command
from bot.feishu.inbound import CardClick, Message
from bot.feishu.replies import Conversation, Replier
from bot.feishu.text import command_text
from bot.platforms import FEISHU
from commands import buttons
from commands import messages as m
from commands.answer import Answer
from commands.dialogue import DIRECT
from commands.dispatcher import Dispatcher
from commands.people import handle_from
from commands.ports import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)
UNREADABLE = (KeyError, TypeError, AttributeError, ValueError, IndexError)


def command_for(action: str, key: str, arg: str | None) -> m.Command | None:
    """The command a button stands for (commands/buttons.py); None when it needs words a click
    cannot bring."""
    return buttons.click_command(action, key, None, arg)


class FeishuEvents:
    def __init__(self, dispatcher: Dispatcher, uow: UnitOfWorkFactory, replier: Replier,
                 clock: Clock, verification_token: str, workspace: str = "") -> None:
        self.dispatcher, self.uow, self.replier = dispatcher, uow, replier
        self.clock, self.token, self.workspace = clock, verification_token, workspace

    async def handle(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for one POST."""
        if inbound.token_of(body) != self.token:
            return 401, {"msg": "invalid verification token"}
        if inbound.event_type(body) == inbound.URL_VERIFICATION:
            return 200, {"challenge": body.get("challenge", "")}
        return 200, await self.on_event(body)

    async def on_event(self, body: dict[str, Any]) -> dict[str, Any]:
        """One event body; the dict answers a click (a toast, or nothing)."""
        kind = inbound.event_type(body)
        try:
            if kind == inbound.MESSAGE_RECEIVED:
                await self.on_message(inbound.message(body))
            elif kind == inbound.CARD_ACTION:
                return await self.on_click(inbound.card_click(body))
        except UNREADABLE as error:  # acknowledged: Feishu would resend it, failing alike
            log.warning("ignored an unreadable Feishu %s (%s: %s)", kind, type(error).__name__,
                        error)
        return {}

    async def on_message(self, message: Message) -> None:
        if message.is_group and not message.addresses_bot:
            return
        if not message.sender_open_id or not message.message_id:
            return
        name = await self._name_of(message.sender_open_id)
        who = m.Identity(FEISHU, message.sender_open_id, name, conversation=message.chat_id or None)
        conversation = Conversation(message.is_group, message.chat_id, message.sender_open_id,
                                    message.message_id)
        if message.text is None:
            self.replier.schedule(conversation, Answer("error.empty", {}, public=False, ok=False),
                                  message.message_id)
            return
        handles = await self._people(message)
        group = message.chat_id if message.is_group else None

        def in_group(command: m.Command) -> m.Command:
            if isinstance(command, m.Create) and group:
                return replace(command, origin_channel=group)
            return command

        # The dispatcher may take the text as the answer to a guided dialogue's question (one
        # asked privately about a confidential ticket is answered in the p2p chat, DIRECT).
        answer = await self.dispatcher.handle_text(
            who, command_text(message, handles), {}, dedup_key=message.message_id,
            conversation=(message.chat_id or "") if group else DIRECT, shape=in_group)
        self.replier.schedule(conversation, answer, message.message_id)

    async def on_click(self, click: CardClick) -> dict[str, Any]:
        action, key = click.get("action"), click.get("key")
        if not click.open_id or not action or not key:
            return {}
        who = m.Identity(FEISHU, click.open_id, await self._name_of(click.open_id))
        dedup = f"card:{click.message_id}:v{click.get('v') or '?'}:{click.open_id}:{action}"
        if click.get("arg"):
            dedup += f":{click.get('arg')}"
        command = command_for(action, key, click.get("arg"))
        if command is not None:
            answer = await self.dispatcher.execute(who, command, dedup_key=dedup)
        elif action in ACTIONS:
            answer = Answer("feishu.needs_input", {"action": action,
                                                   "command": typed_command(action, key)},
                            public=False, ok=False)
        else:
            answer = Answer("error.unknown_command", {"word": action, "suggestion": None},
                            public=False, ok=False)
        if answer.ok or answer.duplicate:
            return {}
        locale = await self.replier.locale(click.open_id)
        text, _ = self.replier.render(answer, locale)
        return {"toast": {"type": "error", "content": text}}

    async def _people(self, message: Message) -> dict[str, str]:
        """open_id -> handle of everyone @-mentioned, recording those seen for the first time."""
        found: dict[str, str] = {}
        humans = [x for x in message.mentions if x.open_id and not x.is_bot]
        if not humans:
            return found
        async with self.uow() as uow:
            for mention in humans:
                assert mention.open_id is not None
                person = await uow.people.person_by_identity(FEISHU, self.workspace,
                                                             mention.open_id)
                if person is None:
                    person, _ = await uow.people.add(
                        handle_from(mention.name, mention.open_id), mention.name or mention.open_id,
                        self.clock.now(), FEISHU, mention.open_id)
                found[mention.open_id] = person.handle
            await uow.commit()
        return found

    async def _name_of(self, open_id: str) -> str | None:
        """The directory's name for a sender; Feishu's message event carries none."""
        async with self.uow() as uow:
            person = await uow.people.person_by_identity(FEISHU, self.workspace, open_id)
        return person.label if person is not None else None
