"""`link me` on one messenger, `link <code>` on another: the second account becomes the same
person. Codes are random, kept hashed, work once for ten minutes, and guessing is rate-limited."""

from sqlalchemy import select

from bot.platforms import DINGTALK, SLACK
from storage.models import LinkCodeRow, PersonIdentityRow, PersonRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from workflows.kinds import Source


async def accounts(chat: Chat) -> list[tuple[str, str, str]]:
    async with chat.app.engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(  # type: ignore[misc]
            select(PersonRow.handle, PersonIdentityRow.platform, PersonIdentityRow.external_id)
            .join(PersonRow, PersonRow.id == PersonIdentityRow.person_id)
            .order_by(PersonRow.handle, PersonIdentityRow.platform))]


async def code_for(chat: Chat, handle: str, platform: Source = Source.CONSOLE) -> str:
    said = await chat.user(handle, platform).says("link me")
    assert said.ok and not said.answer.public  # only the asker sees it
    code: str = said.answer.params["code"]
    assert f"say `link {code}` to me within 10 minutes" in said.text
    return code


async def test_a_code_said_on_the_other_messenger_links_that_account(chat: Chat) -> None:
    code = await code_for(chat, "alice")
    said = await chat.user("U0ALICE", SLACK).says(f"link {code.lower()}")
    assert said.text == ("Linked: this slack account is now Alice (@alice). Tickets, notices "
                         "and history follow you on every messenger.")
    assert ("alice", "slack", "U0ALICE") in await accounts(chat)
    # From now on the Slack account is alice: her ticket, her list.
    await chat.user("U0ALICE", SLACK).says("new P3 Printer jams")
    mine = await chat.user("alice").says("list requests")
    assert "IT-1" in mine.text
    # Only the code's hash was kept.
    async with chat.app.engine.connect() as conn:
        stored = (await conn.execute(select(LinkCodeRow.code_hash, LinkCodeRow.used_at))).one()
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert stored.used_at is not None


async def test_a_used_code_is_refused_and_changes_nothing(chat: Chat) -> None:
    code = await code_for(chat, "alice")
    assert (await chat.user("U0ALICE", SLACK).says(f"link {code}")).ok
    again = await chat.user("U0MALLORY", SLACK).says(f"link {code}")
    assert not again.ok and again.text == (
        "That link code has already been used, so nothing was linked. Say `link me` on your "
        "other messenger for a new one.")
    assert [a for a in await accounts(chat) if a[2] == "U0MALLORY"] == [
        ("u0mallory", "slack", "U0MALLORY")]  # still a person of its own


async def test_an_expired_code_is_refused(chat: Chat, clock: FakeClock) -> None:
    code = await code_for(chat, "alice")
    clock.advance(minutes=10)
    said = await chat.user("staff-alice", DINGTALK).says(f"link {code}")
    assert not said.ok and said.text.startswith("That link code has expired (codes last 10 "
                                                "minutes), so nothing was linked.")
    assert not [a for a in await accounts(chat) if a[0] == "alice"]


async def test_a_new_code_replaces_the_last_one(chat: Chat) -> None:
    first = await code_for(chat, "alice")
    second = await code_for(chat, "alice")
    said = await chat.user("U0ALICE", SLACK).says(f"link {first}")
    assert said.text.startswith("That link code is not right, so nothing was linked.")
    assert (await chat.user("U0ALICE", SLACK).says(f"link {second}")).ok


async def test_wrong_codes_are_rate_limited_per_account(chat: Chat, clock: FakeClock) -> None:
    code = await code_for(chat, "alice")
    guesser = chat.user("U0MALLORY", SLACK)
    for left in (4, 3, 2, 1):
        said = await guesser.says("link ABCD-EFGH")
        assert said.text == ("That link code is not right, so nothing was linked. "
                             f"{left} {'try' if left == 1 else 'tries'} left; say `link me` on "
                             "your other messenger for a new code.")
    assert (await guesser.says("link ABCD-EFGH")).text == (
        "That link code is not right, so nothing was linked.")
    # Even the right code is refused now, and it stays valid for its owner.
    blocked = await guesser.says(f"link {code}")
    assert blocked.text == ("Too many wrong link codes from this account: try again in 10 "
                            "minutes.")
    assert (await chat.user("U0ALICE", SLACK).says(f"link {code}")).ok
    clock.advance(minutes=10, seconds=1)
    assert (await guesser.says("link ABCD-EFGH")).text.startswith("That link code is not right")


async def test_a_code_said_where_it_was_given_proves_nothing(chat: Chat) -> None:
    code = await code_for(chat, "U0ALICE", SLACK)
    said = await chat.user("U0ALICE", SLACK).says(f"link {code}")
    assert said.text == "Say this code on your other messenger, not on slack where you got it."
    # Still valid elsewhere.
    assert (await chat.user("staff-alice", DINGTALK).says(f"link {code}")).ok


async def test_an_account_cannot_replace_the_one_already_linked(chat: Chat) -> None:
    assert (await chat.user("U0ALICE", SLACK).says(
        f"link {await code_for(chat, 'alice')}")).ok
    said = await chat.user("U0OTHER", SLACK).says(f"link {await code_for(chat, 'alice')}")
    assert said.text == ("Alice already has a slack account linked. Say `unlink slack` from "
                         "another messenger first.")


async def test_unlink_forgets_the_account(chat: Chat) -> None:
    assert (await chat.user("U0ALICE", SLACK).says(
        f"link {await code_for(chat, 'alice')}")).ok
    here = await chat.user("U0ALICE", SLACK).says("unlink slack")
    assert here.text.startswith("Say `unlink slack` from another messenger")
    none = await chat.user("alice").says("unlink feishu")
    assert none.text == "You have no feishu account linked. Yours: slack (`unlink slack`)."
    done = await chat.user("alice").says("unlink slack")
    assert done.text == "Unlinked your slack account: messages from it no longer count as you."
    assert not [a for a in await accounts(chat) if a[0] == "alice"]
    stranger = await chat.user("U0ALICE", SLACK).says("list requests")
    assert stranger.ok and "IT-" not in stranger.text


async def test_chinese_readers_read_chinese(chat: Chat) -> None:
    zh = Chat(chat.app, "zh-CN")
    said = await zh.user("alice").says("绑定")
    code = said.answer.params["code"]
    assert said.text.startswith(f"你的绑定码：`{code}`\n请在 10 分钟内")
    done = await zh.user("staff-alice", DINGTALK).says(f"绑定 {code}")
    assert done.text.startswith("绑定成功：这个钉钉账号现在就是 Alice（@alice）")
    wrong = await zh.user("staff-bob", DINGTALK).says(f"绑定{code}")
    assert wrong.text == ("绑定码已经用过了，未做任何绑定。请在另一个通讯工具里说 `绑定` "
                          "获取新的绑定码。")
