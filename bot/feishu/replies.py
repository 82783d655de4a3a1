"""Answering a command in Feishu: where the answer goes, its words, and sending it once.

Answers for the asker alone (errors, help, lists: Answer.public is False) go to them 1:1 by
open_id; public answers are a reply in the thread of the message that asked. A group holding
the ticket's card hears nothing more: the card changes in place and the change is posted in
its thread by the outbox. An answer about a ticket is a card, so its buttons are at hand.
Each inbound id is answered at most once (`reply:<dedup key>` in the inbound table).
"""

import asyncio
import json
import logging
from dataclasses import dataclass

from bot.feishu.cards import interactive_card
from bot.platforms import FEISHU
from bot.senders.feishu import FeishuSender, message_uuid
from commands.answer import Answer
from commands.card_places import ASKER, answer_place
from commands.notify import CARD_ACTIONS, NotifyConfig, card_snapshot
from commands.ports import Clock, Duplicate, UnitOfWorkFactory
from commands.reader_language import preferred_language, reply_locale
from notifications.catalogs import Catalogs
from notifications.senders import DeliveryError
from workflows.organisation import Organisation

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Conversation:
    is_group: bool
    chat_id: str
    sender_open_id: str
    message_id: str | None = None  # the message to reply to; None for a card click


class Replier:
    def __init__(self, sender: FeishuSender, uow: UnitOfWorkFactory, org: Organisation,
                 notify: NotifyConfig, catalogs: Catalogs, clock: Clock) -> None:
        self.sender, self.uow, self.org, self.notify = sender, uow, org, notify
        self.catalogs, self.clock = catalogs, clock
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, conversation: Conversation, answer: Answer, key: str) -> None:
        """In the background: Feishu wants its HTTP answer within three seconds."""
        task = asyncio.create_task(self.reply(conversation, answer, key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def pending(self) -> list["asyncio.Task[None]"]:
        return list(self._tasks)

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*self.pending(), return_exceptions=True)

    def place(self, conversation: Conversation, answer: Answer) -> str | None:
        return answer_place(answer, self.org, FEISHU, conversation.chat_id,
                            in_group=conversation.is_group,
                            clicked=conversation.message_id is None, cards=True)

    async def reply(self, conversation: Conversation, answer: Answer, key: str) -> None:
        try:
            place = self.place(conversation, answer)
            if place is None or not await self._claim(key):
                return
            private = not (answer.public and answer.ok) and conversation.is_group
            # The sender's language when the answer is theirs alone, the group's otherwise.
            to_person = private or not conversation.is_group or conversation.message_id is None
            locale = (await self.locale(conversation.sender_open_id, answer) if to_person
                      else reply_locale(self.notify, FEISHU, to_person=False,
                                        preferred=None))
            text, card = self.render(answer, locale)
            uuid = message_uuid("reply:" + key)  # the sender's retries post it once
            # To the asker in a group, or after a click: by open_id, their chat with the bot;
            # otherwise in the thread of the message that asked.
            if (place == ASKER and conversation.is_group) or conversation.message_id is None:
                if card:
                    await self.sender.create(conversation.sender_open_id, "interactive", card,
                                             uuid)
                else:
                    await self.sender.send_text(conversation.sender_open_id, text, uuid)
            else:
                await self.sender.reply(conversation.message_id, text, uuid, card=card)
        except DeliveryError as error:
            log.warning("Feishu reply to %s not sent: %s", key, error)
        except Exception:
            log.exception("Feishu reply to %s failed", key)

    def render(self, answer: Answer, locale: str) -> tuple[str, str | None]:
        """The words, and the card (JSON) when the answer is about a ticket."""
        catalog = self.catalogs.get(locale, "plain")
        with catalog.zoned(answer.zone):
            text = catalog.answer(answer)
            if answer.ticket is None:
                return text, None
            snapshot = {**card_snapshot(answer.ticket, self.org),
                        "actions": [a.value for a in CARD_ACTIONS if a in answer.actions]}
            if answer.buttons is not None:
                snapshot["buttons"] = list(answer.buttons)
            card = interactive_card(snapshot, catalog)
        card["elements"].insert(0, {"tag": "div", "text": {"tag": "plain_text", "content": text}})
        return text, json.dumps(card, ensure_ascii=False)

    async def locale(self, open_id: str, answer: Answer | None = None) -> str:
        return reply_locale(self.notify, FEISHU, to_person=True,
                            preferred=await preferred_language(self.uow, FEISHU, open_id, answer))

    async def _claim(self, key: str) -> bool:
        try:
            async with self.uow() as uow:
                await uow.inbound.remember(FEISHU, "reply:" + key, self.clock.now())
                await uow.commit()
        except Duplicate:
            return False
        except Exception:
            log.warning("could not record the reply to %s; sending anyway", key, exc_info=True)
        return True
