"""Answering a command in DingTalk: where the answer goes, its words, and sending it once.

DingTalk has no ephemeral messages, so answers meant for the asker alone (errors, help, lists,
`show`, internal notes: Answer.public is False) go to them 1:1 (oToMessages/batchSend), never
to the group: a list or an error is nobody else's business, which is what Slack's ephemeral
replies give. Public answers go where the command came from: 1:1, or the group with the
sender's name; except that a group holding the ticket's interactive card hears nothing more,
since the card changes in place and the change is posted there (outbox) with actor and reason.
Without cards (markdown mode) the same holds for a change the outbox announces in the ticket's
queue or team group (a creation, a claim, an assignment…): that line is the group's one message.
Everything is sent through the OpenAPI, never the message's sessionWebhook (it expires). An answer
to the sender alone is in their language, one the group reads in the group's.

Replies are sent after the platform has been acknowledged, in the background, retried while
DingTalk throttles or fails transiently (5xx, unreachable), never after a timeout that may have
delivered it (at most once beats twice). Each inbound id is answered at most once: the reply claims
`reply:<dedup key>` in the inbound table first, so a redelivered read-only command (`list`)
is not answered twice, by this process or another replica.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from bot.answer_files import has_files, send_answer_files
from bot.dingtalk.cards import markdown_card
from bot.platforms import DINGTALK
from bot.senders.dingtalk import DingTalkSender
from commands.answer import Answer
from commands.card_places import ASKER, HERE, answer_place
from commands.notify import CARD_ACTIONS, NotifyConfig, card_snapshot
from commands.ports import Clock, Duplicate, UnitOfWorkFactory
from commands.reader_language import preferred_language, reply_locale
from notifications.catalogs import Catalogs
from notifications.escaping import dingtalk as esc
from notifications.senders import DeliveryError
from notifications.text import Catalog
from workflows.organisation import Organisation

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where a command came from and who sent it."""

    is_group: bool
    id: str  # the conversationId (a group's openConversationId)
    sender_id: str  # staffId
    sender_name: str | None = None
    via_card: bool = False  # a card button, not a typed message


@dataclass(frozen=True, slots=True)
class Target:
    address: str  # openConversationId or staffId
    mention: str | None = None  # name of the sender, in a group


def hard_breaks(text: str) -> str:
    # DingTalk markdown joins single newlines; two trailing spaces keep the line break.
    return text.replace("\n", "  \n")


class Replier:
    def __init__(self, sender: DingTalkSender, uow: UnitOfWorkFactory, org: Organisation,
                 notify: NotifyConfig, catalogs: Catalogs, clock: Clock, *, cards: bool,
                 attempts: int = 6,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.sender, self.uow, self.org, self.notify = sender, uow, org, notify
        self.catalogs, self.clock, self.cards = catalogs, clock, cards
        self.attempts, self.sleep = attempts, sleep
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, conversation: Conversation, answer: Answer, key: str) -> None:
        """Answer in the background: the platform is acknowledged without waiting for it."""
        task = asyncio.create_task(self.reply(conversation, answer, key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def pending(self) -> list["asyncio.Task[None]"]:
        return list(self._tasks)

    async def idle(self) -> None:
        """Wait until every scheduled reply is sent (or given up)."""
        while self._tasks:
            await asyncio.gather(*self.pending(), return_exceptions=True)

    def target(self, conversation: Conversation, answer: Answer) -> Target | None:
        place = answer_place(answer, self.org, DINGTALK, conversation.id,
                             in_group=conversation.is_group, clicked=conversation.via_card,
                             cards=self.cards)
        if place == ASKER:
            return Target(conversation.sender_id)
        return Target(conversation.id, conversation.sender_name) if place == HERE else None

    async def reply(self, conversation: Conversation, answer: Answer, key: str) -> None:
        try:
            target = self.target(conversation, answer)
            if target is None or not await self._claim(key):
                return
            locale = await self._locale(conversation.sender_id, target, answer)
            title, text = self.render(answer, locale, target)
            await self._deliver(target.address, title, text)
            if has_files(answer):  # an export, a report's charts: to the asker, privately
                await send_answer_files(self.sender, answer, DINGTALK.value,
                                        conversation.sender_id, answer.zone,
                                        labels=self.catalogs.get(locale, "plain"))
        except Exception:
            log.exception("DingTalk reply to %s failed", key)

    def render(self, answer: Answer, locale: str, target: Target) -> tuple[str, str]:
        catalog = self.catalogs.get(locale, DINGTALK.value)
        with catalog.zoned(answer.zone):  # the card's times too: in the reader's zone
            return self._render_in(answer, catalog, locale, target)

    def _render_in(self, answer: Answer, catalog: Catalog, locale: str, target: Target
                   ) -> tuple[str, str]:
        text = catalog.answer(answer)
        if target.mention:
            text = f"@{esc(target.mention)} {text}"
        title = text.splitlines()[0][:60] if text else "ticketbot"
        body = hard_breaks(text)
        if answer.ticket is not None:
            card = {**card_snapshot(answer.ticket, self.org),
                    "actions": [a.value for a in CARD_ACTIONS if a in answer.actions]}
            if answer.buttons is not None:  # this reader's, not everyone's
                card["buttons"] = list(answer.buttons)
            body += "\n\n" + markdown_card(card, catalog)
            # Shown as plain text in the chat list: not escaped as markdown.
            title = self.catalogs.get(locale, "plain").text(
                "notify.title", key=answer.ticket.key, title=answer.ticket.title)
        return title, body

    async def _claim(self, key: str) -> bool:
        try:
            async with self.uow() as uow:
                await uow.inbound.remember(DINGTALK, "reply:" + key, self.clock.now())
                await uow.commit()
        except Duplicate:
            return False
        except Exception:  # the database is away: better a rare double than a lost answer
            log.warning("could not record the reply to %s; sending anyway", key, exc_info=True)
        return True

    async def _locale(self, staff_id: str, target: Target, answer: Answer | None = None) -> str:
        """The sender's language when the answer is theirs alone, the group's when the group
        reads it (commands/reader_language.py)."""
        if target.address != staff_id:
            return reply_locale(self.notify, DINGTALK, to_person=False, preferred=None)
        return reply_locale(self.notify, DINGTALK, to_person=True,
                            preferred=await preferred_language(self.uow, DINGTALK, staff_id,
                                                               answer))

    async def _deliver(self, address: str, title: str, text: str) -> None:
        """The sender retries briefly itself; this waits longer (a flooded chat's minute, a
        DingTalk outage of a minute or two) before the answer is given up."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts), sleep=self.sleep, reraise=True,
            wait=_as_asked, retry=retry_if_exception(
                # maybe_sent: the platform may have it already; at most once beats twice.
                lambda e: isinstance(e, DeliveryError) and not (e.permanent or e.maybe_sent)))
        try:
            await retrying(self.sender.send_markdown, address, title, text)
        except DeliveryError as error:
            log.warning("DingTalk reply to %s not sent: %s", address, error)


def _as_asked(state: RetryCallState) -> float:
    """As long as DingTalk asked, else 2, 4, 8 … seconds; never more than a minute."""
    error = state.outcome.exception() if state.outcome else None
    asked = error.retry_after if isinstance(error, DeliveryError) else None
    return min(asked if asked is not None else 2.0 ** state.attempt_number, 60.0)
