"""From DingTalk payloads to the grammar's input: the robot's @ and leading spaces stripped, at-users
mapped to staffIds; payloads parsed with the SDK's own classes."""

import json

import pytest
from dingtalk_stream import ChatbotMessage

from bot.dingtalk.inbound import AtUser, card_action, robot_message
from bot.dingtalk.text import command_text, mentioned_people
from bot.platforms import DINGTALK
from commands import messages as m
from commands.grammar import Grammar
from tests.fakes.dingtalk_gateway import ROBOT_USER_ID, card_callback
from tests.fakes.dingtalk_gateway import robot_message as payload

ZHANG = AtUser("$:LWCP_v1:$zhang", "staff-zhang")
LI = AtUser("$:LWCP_v1:$li", "staff-li")


@pytest.mark.parametrize(("raw", "expected"), [
    (" new P2 打印机无法联网", "new P2 打印机无法联网"),  # the platform leaves a space for the cut @
    ("\u3000\u3000list mine ", "list mine"),  # full-width spaces
    ("\xa0help", "help"),
    ("@工单机器人 new P2 打印机无法联网", "new P2 打印机无法联网"),  # a client that kept the @
    ("@工单机器人  @工单机器人 help", "help"),
])
def test_the_robots_at_and_leading_spaces_are_stripped(raw: str, expected: str) -> None:
    assert command_text(raw, [], {}) == (expected, {})


def test_a_configured_robot_name_is_removed_anywhere() -> None:
    text, _ = command_text("new 打印机 @工单机器人 无法联网", [], {}, robot_name="工单机器人")
    assert text == "new 打印机 无法联网"


def test_at_users_map_to_staff_ids_by_known_name_then_by_order() -> None:
    text = " transfer IT-42 @张三 原因: 需要网络组处理"
    assert command_text(text, [ZHANG], {"staff-zhang": "张三"}) == (
        "transfer IT-42 @张三 原因: 需要网络组处理", {"张三": "staff-zhang"})
    # Unknown to the directory: matched in order of appearance.
    assert command_text(text, [ZHANG], {})[1] == {"张三": "staff-zhang"}
    two = " cc IT-1 @李雷 @张三"
    assert command_text(two, [LI, ZHANG], {})[1] == {"李雷": "staff-li", "张三": "staff-zhang"}
    # atUsers lists people in its own order: known names settle it.
    assert command_text(two, [ZHANG, LI], {"staff-zhang": "张三"})[1] == {
        "张三": "staff-zhang", "李雷": "staff-li"}


def test_a_leading_at_of_the_robot_is_not_taken_for_a_person() -> None:
    text, at_users = command_text("@工单机器人 transfer IT-1 @张三 原因: 网络", [ZHANG], {})
    assert (text, at_users) == ("transfer IT-1 @张三 原因: 网络", {"张三": "staff-zhang"})


def test_typed_handles_that_are_not_at_users_are_left_to_the_grammar() -> None:
    text, at_users = command_text(" cc IT-1 @bob @张三", [ZHANG], {})
    assert at_users == {}  # two names, one at-user: no guessing
    assert text == "cc IT-1 @bob @张三"


def test_the_grammar_reads_the_at_users_as_dingtalk_people() -> None:
    text, at_users = command_text(" transfer IT-42 @张三 原因: 需要网络组处理", [ZHANG], {})
    command = Grammar("IT").parse(text, mentioned_people(at_users))
    assert command == m.Transfer("IT-42", m.Mention(DINGTALK, "staff-zhang", "张三"),
                                 reason="需要网络组处理")


def test_a_group_message_as_the_platform_sends_it() -> None:
    data = payload(text="transfer IT-42 @张三 原因: 需要网络组处理", sender_staff_id="staff-wang",
                   sender_nick="王芳", conversation_id="cidGROUP==", at=[("staff-zhang", "张三")])
    message = robot_message(ChatbotMessage.from_dict(json.loads(json.dumps(data))))
    assert message.is_group and message.is_in_at_list
    assert message.text == " transfer IT-42 @张三 原因: 需要网络组处理"
    assert (message.msg_id, message.sender_staff_id, message.sender_nick) == (
        data["msgId"], "staff-wang", "王芳")
    assert [u.staff_id for u in message.humans_at] == ["staff-zhang"]  # not the robot
    assert message.at_users[0] == AtUser(ROBOT_USER_ID, None)


def test_a_private_message_and_a_rich_text_one() -> None:
    data = payload(text="list mine", sender_staff_id="staff-li", sender_nick="李雷",
                   conversation_id="cidPRIVATE==", group=False)
    message = robot_message(ChatbotMessage.from_dict(data))
    assert not message.is_group and message.text == "list mine" and message.at_users == ()
    rich = {**data, "msgtype": "richText",
            "content": {"richText": [{"text": "new 打印机"}, {"downloadCode": "x"}, {"text": "卡纸"}]}}
    del rich["text"]
    assert robot_message(ChatbotMessage.from_dict(rich)).text == "new 打印机卡纸"
    picture = {**rich, "msgtype": "picture", "content": {"downloadCode": "x"}}
    assert robot_message(ChatbotMessage.from_dict(picture)).text is None


def test_a_card_click_as_the_platform_sends_it() -> None:
    data = card_callback(out_track_id="ticket-IT-1-abc", user_id="staff-wang",
                         params={"action": "claim", "key": "IT-1", "v": "3"}, space_id="cidGROUP==")
    action = card_action(data)
    assert (action.out_track_id, action.user_id, action.space_type, action.space_id) == (
        "ticket-IT-1-abc", "staff-wang", "IM_GROUP", "cidGROUP==")
    assert (action.action, action.key, action.version, action.text) == ("claim", "IT-1", "3", None)
    # A template whose button sends only its actionId and an input field.
    bare = {**data, "content": json.dumps({"cardPrivateData": {
        "actionIds": ["pend"], "params": {"reason": "等待备件"}}})}
    assert (card_action(bare).action, card_action(bare).key, card_action(bare).text) == (
        "pend", None, "等待备件")
