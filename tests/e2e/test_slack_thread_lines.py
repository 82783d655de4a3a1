"""The Slack sender's exactly-once check, against a fake that answers as Slack documents:
conversations.history lists top-level messages only; a thread's lines are read with
conversations.replies; a public channel the bot posts to through chat:write.public is not one
it can read until it joins."""

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.senders.slack import METADATA_TYPE, SlackSender
from bot.slack.web import retry_handlers
from notifications.senders import DeliveryError, Outgoing
from tests.fakes.slack_web import FakeSlack


@pytest.fixture
def client(fake_slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url,
                          retry_handlers=retry_handlers(delivery=True))


def line(key: str, channel: str, thread: str | None = None) -> Outgoing:
    return Outgoing(platform="slack", address=channel, text=f"line {key}", title="t",
                    idempotency_key=key, thread=thread)


async def post_marked(client: AsyncWebClient, channel: str, key: str,
                      thread: str | None = None) -> str:
    """What a relay that died before recording its delivery had posted."""
    posted = await client.chat_postMessage(
        channel=channel, text=f"line {key}", thread_ts=thread,
        metadata={"event_type": METADATA_TYPE, "event_payload": {"key": key}})
    return str(posted["ts"])


async def test_history_lists_no_replies_and_replies_lists_the_thread(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    card = (await client.chat_postMessage(channel="C0DESK", text="card"))["ts"]
    reply = fake_slack.post_reply("C0DESK", card, "me too", user="U0ALICE")
    history = await client.conversations_history(channel="C0DESK")
    assert [m["ts"] for m in history["messages"]] == [card]
    parent = history["messages"][0]
    assert (parent["thread_ts"], parent["reply_count"], parent["latest_reply"],
            parent["reply_users"]) == (card, 1, reply, ["U0ALICE"])
    thread = await client.conversations_replies(channel="C0DESK", ts=card)
    assert [m["ts"] for m in thread["messages"]] == [card, reply]
    assert thread["messages"][1]["parent_user_id"] == fake_slack.bot_user_id
    assert thread["has_more"] is False and thread["response_metadata"] == {"next_cursor": ""}
    # A reply's own ts names its thread too; a ts that is no message is thread_not_found.
    assert [m["ts"] for m in (await client.conversations_replies(
        channel="C0DESK", ts=reply))["messages"]] == [card, reply]
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_replies(channel="C0DESK", ts="1.000001")
    assert refused.value.response["error"] == "thread_not_found"


async def test_replies_are_paged_with_a_cursor(fake_slack: FakeSlack,
                                               client: AsyncWebClient) -> None:
    card = (await client.chat_postMessage(channel="C0DESK", text="card"))["ts"]
    for n in range(5):
        fake_slack.post_reply("C0DESK", card, f"reply {n}", user="U0ALICE")
    first = await client.conversations_replies(channel="C0DESK", ts=card, limit=4)
    assert len(first["messages"]) == 4 and first["has_more"] is True
    rest = await client.conversations_replies(
        channel="C0DESK", ts=card, limit=4, cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["reply 3", "reply 4"]
    assert rest["has_more"] is False


async def test_a_thread_line_already_posted_is_not_posted_again(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    card = (await client.chat_postMessage(channel="C0DESK", text="card"))["ts"]
    earlier = await post_marked(client, "C0DESK", "k-1", thread=card)
    sender = SlackSender(client)
    assert await sender.send(line("k-1", "C0DESK", card), check_duplicate=True) == earlier
    assert [m["text"] for m in fake_slack.messages("C0DESK")] == ["card", "line k-1"]
    assert fake_slack.calls_to("conversations.replies")[0].args["ts"] == card


async def test_a_thread_line_deep_in_a_long_thread_is_found(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    card = (await client.chat_postMessage(channel="C0DESK", text="card"))["ts"]
    for n in range(230):  # more than one page of 200
        fake_slack.post_reply("C0DESK", card, f"chatter {n}", user="U0ALICE")
    earlier = await post_marked(client, "C0DESK", "k-deep", thread=card)
    sender = SlackSender(client)
    assert await sender.send(line("k-deep", "C0DESK", card), check_duplicate=True) == earlier
    assert len(fake_slack.calls_to("conversations.replies")) == 2
    assert len(fake_slack.messages("C0DESK")) == 232


async def test_a_thread_line_not_posted_yet_is_posted_once(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    card = (await client.chat_postMessage(channel="C0DESK", text="card"))["ts"]
    await post_marked(client, "C0DESK", "other", thread=card)
    sender = SlackSender(client)
    await sender.send(line("k-2", "C0DESK", card), check_duplicate=True)
    assert [m["text"] for m in fake_slack.messages("C0DESK")] == ["card", "line other", "line k-2"]


async def test_a_public_channel_it_is_not_in_is_joined_then_checked(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    earlier = await post_marked(client, "C0PUBLIC", "k-3")  # chat:write.public, not a member
    fake_slack.outside("C0PUBLIC")
    sender = SlackSender(client)
    assert await sender.send(line("k-3", "C0PUBLIC"), check_duplicate=True) == earlier
    assert [c.args["channel"] for c in fake_slack.calls_to("conversations.join")] == ["C0PUBLIC"]
    assert len(fake_slack.messages("C0PUBLIC")) == 1


async def test_not_in_channel_without_channels_join_is_retried_not_dead_lettered(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.outside("C0PUBLIC")
    fake_slack.scopes.discard("channels:join")
    sender = SlackSender(client)
    with pytest.raises(DeliveryError) as failed:
        await sender.send(line("k-4", "C0PUBLIC"), check_duplicate=True)
    assert not failed.value.permanent
    assert "invite it there or grant channels:join" in str(failed.value)
    fake_slack.scopes.add("channels:join")  # an admin fixes the app; the next attempt posts
    await sender.send(line("k-4", "C0PUBLIC"), check_duplicate=True)
    assert [m["text"] for m in fake_slack.messages("C0PUBLIC")] == ["line k-4"]


async def test_a_private_channel_it_was_removed_from_is_not_a_dead_letter_at_once(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    fake_slack.outside("G0PRIVATE")
    sender = SlackSender(client)
    with pytest.raises(DeliveryError) as failed:
        await sender.send(line("k-5", "G0PRIVATE"), check_duplicate=False)
    assert not failed.value.permanent
    assert fake_slack.calls_to("conversations.join") == []  # private: only an invite helps


async def test_a_thread_it_may_not_read_gets_its_line_once_not_never(
        fake_slack: FakeSlack, client: AsyncWebClient) -> None:
    card = (await client.chat_postMessage(channel="C0DESK", text="card"))["ts"]
    fake_slack.bot_replies_in_channels = False  # as conversations.replies' page says
    sender = SlackSender(client)
    await sender.send(line("k-6", "C0DESK", card), check_duplicate=True)
    assert [m["text"] for m in fake_slack.messages("C0DESK")] == ["card", "line k-6"]
