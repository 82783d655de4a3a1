"""A card button in, the same use cases as typed commands, the card updated by the outbox.

Buttons carry {action, key, v} (see bot.dingtalk.cards). The dedup key is the card, the
card version the button was on, the person and the action: a double click changes nothing,
while the same button on a later version of the card is a new request. Actions that need
words (transfer, pend, resolve, note) run when the template sends them (params `text` /
`reason`); otherwise the clicker is told what to type.
"""

import logging

from bot.dingtalk.cards import TEMPLATES_BY_VALUE, typed_command
from bot.dingtalk.identity import clicker
from bot.dingtalk.inbound import CardAction
from bot.dingtalk.replies import Conversation, Replier
from bot.platforms import DINGTALK
from commands import buttons
from commands import messages as m
from commands.answer import Answer
from commands.dispatcher import Dispatcher
from commands.ports import UnitOfWorkFactory
from notifications.escaping import Raw
from workflows.errors import DomainError

log = logging.getLogger(__name__)


def command_for(action: str, key: str, text: str | None, arg: str | None = None,
                item: int | None = None) -> m.Command | None:
    """The command a button stands for (commands/buttons.py); None when it needs words the
    click did not bring."""
    if action == "check":  # a checklist item's button: the same use case as `check IT-42 2`
        return m.Check(key, item) if item is not None else None
    return buttons.click_command(action, key, text, arg)


class CardActionHandler:
    def __init__(self, dispatcher: Dispatcher, uow: UnitOfWorkFactory, replier: Replier) -> None:
        self.dispatcher, self.uow, self.replier = dispatcher, uow, replier

    async def handle(self, action: CardAction) -> None:
        if not action.user_id or not action.out_track_id or not action.action:
            log.info("ignoring a card callback without user, card or action: %s", action)
            return
        who = clicker(action)
        conversation = Conversation(action.space_type == "IM_GROUP", action.space_id or "",
                                    action.user_id, via_card=True)
        key = action.key or await self._key_of(action)
        version = action.version or await self._version_of(key)
        what = action.action + (f":{action.item}" if action.item is not None else "")
        dedup = f"card:{action.out_track_id}:v{version}:{action.user_id}:{what}"
        if action.arg:  # one button per article or similar ticket: each its own request
            dedup += f":{action.arg}"
        if key is None:
            answer = Answer("error.not_found", {}, public=False, ok=False)
        else:
            command = command_for(action.action, key, action.text, action.arg, action.item)
            if command is not None:
                answer = await self.dispatcher.execute(who, command, dedup_key=dedup)
            elif action.action in TEMPLATES_BY_VALUE:
                answer = Answer("dingtalk.needs_input", {
                    "action": action.action, "command": Raw(typed_command(action.action, key))},
                    public=False, ok=False)
            else:
                answer = Answer("error.unknown_command", {"word": action.action, "suggestion": None},
                                public=False, ok=False)
        self.replier.schedule(conversation, answer, dedup)

    async def _version_of(self, key: str | None) -> str:
        """A button without `v`: the ticket's version now (a double click may then run twice;
        the second is refused by the lifecycle rules, not silently deduplicated)."""
        if key is None:
            return "?"
        try:
            async with self.uow() as uow:
                return str((await uow.tickets.get(key)).version)
        except DomainError:
            return "?"

    async def _key_of(self, action: CardAction) -> str | None:
        """A button without a key: the card's ticket, from where the relay recorded the card."""
        async with self.uow() as uow:
            return await uow.tickets.key_by_message(DINGTALK, action.space_id or "",
                                                    action.out_track_id)
