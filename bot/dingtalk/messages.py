"""A robot message in, the shared grammar and use cases, an answer out.

In a group the robot hears only messages that @ it; in a 1:1 chat, every message. The
message's msgId is the dedup key: a redelivered message changes nothing and is not answered
again.
"""

import logging
from dataclasses import replace

from bot.dingtalk.identity import known_names, sender
from bot.dingtalk.inbound import RobotMessage
from bot.dingtalk.replies import Conversation, Replier
from bot.dingtalk.text import command_text, mentioned_people
from commands.answer import Answer
from commands.dialogue import DIRECT
from commands.dispatcher import Dispatcher
from commands.messages import Command, Create
from commands.ports import UnitOfWorkFactory

log = logging.getLogger(__name__)


class MessageHandler:
    def __init__(self, dispatcher: Dispatcher, uow: UnitOfWorkFactory, replier: Replier,
                 robot_name: str | None = None) -> None:
        self.dispatcher, self.uow, self.replier = dispatcher, uow, replier
        self.robot_name = robot_name

    async def handle(self, message: RobotMessage) -> None:
        if message.is_group and not message.is_in_at_list:
            return  # group chatter not addressed to the robot
        who = sender(message)
        if who is None or not message.msg_id:
            log.info("ignoring DingTalk message %s from outside the organisation", message.msg_id)
            return
        conversation = Conversation(message.is_group, message.conversation_id, who.user_id,
                                    message.sender_nick)
        if message.text is None:  # a picture, a file…: nothing to run
            self.replier.schedule(conversation, Answer("error.empty", {}, public=False, ok=False),
                                  message.msg_id)
            return
        humans = message.humans_at
        known = await known_names(self.uow, [u.staff_id or "" for u in humans])
        text, at_users = command_text(message.text, humans, known, self.robot_name)
        group = message.conversation_id if message.is_group else None

        def in_group(command: Command) -> Command:
            # The ticket's card and its changes live in the group it was raised in.
            if isinstance(command, Create) and group:
                return replace(command, origin_channel=group)
            return command

        # The dispatcher may take the text as the answer to a guided dialogue's question (one
        # asked privately about a confidential ticket is answered in the 1:1 chat, DIRECT).
        answer = await self.dispatcher.handle_text(
            who, text, mentioned_people(at_users), dedup_key=message.msg_id,
            conversation=(message.conversation_id or "") if group else DIRECT, shape=in_group)
        self.replier.schedule(conversation, answer, message.msg_id)
