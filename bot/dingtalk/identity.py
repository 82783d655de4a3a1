"""Who is talking: DingTalk staffIds are the people's DingTalk ids in the directory.

A sender seen for the first time is recorded with senderNick as their name (commands.people).
"""

from collections.abc import Iterable

from bot.dingtalk.inbound import CardAction, RobotMessage
from bot.platforms import DINGTALK
from commands.messages import Identity
from commands.ports import UnitOfWorkFactory


def sender(message: RobotMessage) -> Identity | None:
    """None for people outside the organisation: they have no staffId to answer or assign."""
    if not message.sender_staff_id:
        return None
    return Identity(DINGTALK, message.sender_staff_id, message.sender_nick,
                    conversation=message.conversation_id or None)


def clicker(action: CardAction) -> Identity:
    return Identity(DINGTALK, action.user_id)


async def known_names(uow: UnitOfWorkFactory, staff_ids: Iterable[str]) -> dict[str, str]:
    """staffId -> the name the directory has for them, for the people it knows."""
    names: dict[str, str] = {}
    async with uow() as work:
        for staff_id in dict.fromkeys(staff_ids):
            person = await work.people.by_platform_id(DINGTALK, staff_id)
            if person is not None:
                names[staff_id] = person.label
    return names
