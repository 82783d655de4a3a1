"""The fakes, exercised through the real clients: slack_sdk's AsyncWebClient and httpx for DingTalk."""

import json
import re
from collections.abc import AsyncIterator

import aiohttp
import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import fixtures
from tests.fakes.dingtalk_openapi import (
    ACCESS_TOKEN_PATH,
    BATCH_SEND_PATH,
    CARD_CREATE_AND_DELIVER_PATH,
    CARD_UPDATE_PATH,
    GROUP_SEND_PATH,
    FakeDingTalk,
)
from tests.fakes.slack_web import FakeSlack

# the fixtures, made visible to this module (the root conftest registers them for everyone else)
fake_slack = fixtures.fake_slack
fake_dingtalk = fixtures.fake_dingtalk

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*IT-1* VPN down"}}


@pytest.fixture
def slack(fake_slack: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)


# -- Slack: success shapes --------------------------------------------------------------------------


async def test_post_message_answers_like_slack_and_is_recorded(fake_slack: FakeSlack,
                                                               slack: AsyncWebClient) -> None:
    first = await slack.chat_postMessage(channel="C0IT", text="IT-1 created", blocks=[SECTION])
    reply = await slack.chat_postMessage(channel="C0IT", text="claimed", thread_ts=first["ts"])

    assert first["ok"] is True and first["channel"] == "C0IT"
    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"])
    assert float(reply["ts"]) > float(first["ts"])
    message = first["message"]
    assert message["type"] == "message" and message["text"] == "IT-1 created"
    assert message["bot_id"] == fake_slack.bot_id and message["user"] == fake_slack.bot_user_id
    assert message["blocks"] == [SECTION] and message["ts"] == first["ts"]
    assert reply["message"]["thread_ts"] == first["ts"]

    posted = fake_slack.messages("C0IT")
    assert [(m["text"], m["blocks"], m["thread_ts"], m["ts"]) for m in posted] == [
        ("IT-1 created", [SECTION], None, first["ts"]), ("claimed", None, first["ts"], reply["ts"])]
    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.status == 200 and call.args["blocks"] == [SECTION]
    assert call.headers["Authorization"] == f"Bearer {fake_slack.token}"


async def test_form_and_query_arguments_are_merged_and_blocks_decoded(fake_slack: FakeSlack,
                                                                      slack: AsyncWebClient) -> None:
    form = {"channel": "C1", "text": "x", "blocks": json.dumps([SECTION])}
    await slack.api_call("chat.postMessage", data=form)
    await slack.api_call("chat.postMessage", params={"channel": "C2"}, json={"text": "y"})

    form_call, mixed_call = fake_slack.calls_to("chat.postMessage")
    assert form_call.args["blocks"] == [SECTION]
    assert mixed_call.args == {"channel": "C2", "text": "y"}
    assert fake_slack.messages("C1")[0]["blocks"] == [SECTION]
    assert fake_slack.messages("C2")[0]["text"] == "y"


async def test_update_and_ephemeral(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    posted = await slack.chat_postMessage(channel="C1", text="New")
    updated = await slack.chat_update(channel="C1", ts=posted["ts"], text="Claimed", blocks=[SECTION])
    assert updated["ok"] and updated["channel"] == "C1" and updated["ts"] == posted["ts"]
    assert updated["text"] == "Claimed" and updated["message"]["blocks"] == [SECTION]
    assert [(m["text"], m["ts"]) for m in fake_slack.messages("C1")] == [("Claimed", posted["ts"])]

    with pytest.raises(SlackApiError) as missing:
        await slack.chat_update(channel="C1", ts="1.000000", text="nope")
    assert missing.value.response["error"] == "message_not_found"

    ephemeral = await slack.chat_postEphemeral(channel="C1", user="U0BOB", text="only you")
    assert ephemeral["ok"] and re.fullmatch(r"\d{10}\.\d{6}", ephemeral["message_ts"])
    assert fake_slack.ephemeral_messages("C1")[0]["user"] == "U0BOB"
    assert len(fake_slack.messages("C1")) == 1


async def test_conversations_open_gives_a_stable_dm_channel(fake_slack: FakeSlack,
                                                            slack: AsyncWebClient) -> None:
    first = await slack.conversations_open(users="U0ALICE")
    again = await slack.conversations_open(users=["U0ALICE"])
    other = await slack.conversations_open(users="U0BOB")
    group = await slack.conversations_open(users=["U0ALICE", "U0BOB"])

    dm = first["channel"]["id"]
    assert dm.startswith("D") and dm == fake_slack.im_channel("U0ALICE")
    assert "already_open" not in first.data
    assert again["channel"]["id"] == dm and again["already_open"] is True and again["no_op"] is True
    assert other["channel"]["id"] != dm and group["channel"]["id"].startswith("G")
    full = await slack.conversations_open(users="U0CAROL", return_im=True)
    assert full["channel"]["is_im"] is True and full["channel"]["user"] == "U0CAROL"

    await slack.chat_postMessage(channel=dm, text="You were assigned IT-1")
    assert fake_slack.messages(dm)[0]["text"] == "You were assigned IT-1"


async def test_views_open_update_and_publish(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    modal = {"type": "modal", "callback_id": "new_ticket", "title": {"type": "plain_text", "text": "New"},
             "blocks": [SECTION], "private_metadata": "IT"}
    opened = await slack.views_open(trigger_id="12345.98765.abcd", view=modal)
    view = opened["view"]
    assert view["id"].startswith("V") and view["type"] == "modal" and view["root_view_id"] == view["id"]
    assert view["callback_id"] == "new_ticket" and view["state"] == {"values": {}} and view["hash"]

    updated = await slack.views_update(view_id=view["id"], view={**modal, "blocks": []}, hash=view["hash"])
    assert updated["view"]["id"] == view["id"] and updated["view"]["blocks"] == []
    with pytest.raises(SlackApiError) as conflict:
        await slack.views_update(view_id=view["id"], view=modal, hash=view["hash"])
    assert conflict.value.response["error"] == "hash_conflict"
    with pytest.raises(SlackApiError) as no_trigger:
        await slack.views_open(view=modal)
    assert no_trigger.value.response["error"] == "invalid_arguments"

    home = await slack.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": [SECTION]})
    again = await slack.views_publish(user_id="U0ALICE", view={"type": "home", "blocks": []})
    assert home["view"]["type"] == "home" and again["view"]["id"] == home["view"]["id"]
    assert fake_slack.calls_to("views.open")[0].args["view"]["callback_id"] == "new_ticket"


async def test_users_info_directory_and_auth_test(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    default = (await slack.users_info(user="U0DAVE"))["user"]
    assert default["id"] == "U0DAVE" and default["real_name"] == "User U0DAVE"
    assert default["profile"]["display_name"] == "u0dave" and default["is_bot"] is False

    fake_slack.add_user("U0ALICE", real_name="Alice Liddell", display_name="alice", email="alice@example.com")
    alice = (await slack.users_info(user="U0ALICE"))["user"]
    assert alice["real_name"] == "Alice Liddell" and alice["profile"]["display_name"] == "alice"
    assert alice["profile"]["email"] == "alice@example.com" and alice["name"] == "alice"
    # The locale is opt-in: only with include_locale (en-US for someone who never chose one).
    fake_slack.add_user("U0LI", real_name="Li Lei", locale="zh-CN")
    assert "locale" not in (await slack.users_info(user="U0LI"))["user"]
    assert (await slack.users_info(user="U0LI", include_locale=True))["user"]["locale"] == "zh-CN"
    assert (await slack.users_info(user="U0ALICE", include_locale=True))["user"]["locale"] == (
        "en-US")

    fake_slack.strict_users = True
    with pytest.raises(SlackApiError) as unknown:
        await slack.users_info(user="U0NOBODY")
    assert unknown.value.response["error"] == "user_not_found"

    me = await slack.auth_test()
    assert me["user_id"] == fake_slack.bot_user_id and me["bot_id"] == fake_slack.bot_id
    assert me["team_id"] == fake_slack.team_id and me["url"].startswith("https://")


async def test_wrong_or_missing_token_and_unknown_method(fake_slack: FakeSlack,
                                                          slack: AsyncWebClient) -> None:
    intruder = AsyncWebClient(token="xoxb-wrong", base_url=fake_slack.url)
    with pytest.raises(SlackApiError) as wrong:
        await intruder.chat_postMessage(channel="C1", text="x")
    assert wrong.value.response.status_code == 200 and wrong.value.response["error"] == "invalid_auth"
    with pytest.raises(SlackApiError) as missing:
        await AsyncWebClient(base_url=fake_slack.url).auth_test()
    assert missing.value.response["error"] == "not_authed"
    with pytest.raises(SlackApiError) as unknown:
        await slack.api_call("tickets.explode")
    assert unknown.value.response["error"] == "unknown_method"
    assert unknown.value.response["req_method"] == "tickets.explode"
    assert fake_slack.messages("C1") == []


# -- Slack: scripted failures -----------------------------------------------------------------------


async def test_429_carries_retry_after(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        await slack.chat_postMessage(channel="C1", text="first try")
    response = limited.value.response
    assert response.status_code == 429 and response["error"] == "ratelimited"
    assert response.headers["Retry-After"] == "7"
    assert fake_slack.ratelimited == 1

    await slack.chat_postMessage(channel="C1", text="second try")
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in fake_slack.messages("C1")] == ["second try"]


async def test_error_codes_and_server_errors(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    fake_slack.fail_next("chat.postMessage", error="channel_not_found", status=200)
    fake_slack.fail_next("auth.test", status=500, count=2)
    fake_slack.fail_next("users.info", status=503, error="service_unavailable")

    with pytest.raises(SlackApiError) as not_found:
        await slack.chat_postMessage(channel="C404", text="x")
    assert not_found.value.response.status_code == 200
    assert not_found.value.response["error"] == "channel_not_found"
    for _ in range(2):
        with pytest.raises(SlackApiError) as server_error:
            await slack.auth_test()
        assert server_error.value.response.status_code == 500
    assert (await slack.auth_test())["ok"] is True
    with pytest.raises(SlackApiError) as unavailable:
        await slack.users_info(user="U1")
    assert unavailable.value.response.status_code == 503
    assert unavailable.value.response["error"] == "service_unavailable"
    assert [c.status for c in fake_slack.calls_to("auth.test")] == [500, 500, 200]
    assert fake_slack.messages("C404") == []


async def test_down_answers_503(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    fake_slack.down = True
    with pytest.raises(SlackApiError) as down:
        await slack.chat_postMessage(channel="C1", text="x")
    assert down.value.response.status_code == 503

    fake_slack.down = False
    await slack.chat_postMessage(channel="C1", text="y")
    assert [c.status for c in fake_slack.calls] == [503, 200]
    assert [m["text"] for m in fake_slack.messages("C1")] == ["y"]


async def test_delay_lets_the_client_time_out(fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, delay=2.0)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.1)) as session:
        client = AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url, session=session)
        with pytest.raises(TimeoutError):
            await client.chat_postMessage(channel="C1", text="slow")
    # the server processed it; only the answer was lost
    assert [m["text"] for m in fake_slack.messages("C1")] == ["slow"]


async def test_per_channel_rate_limit(fake_slack: FakeSlack, slack: AsyncWebClient) -> None:
    fake_slack.per_channel_rate = 2.0  # one message per 500 ms per channel

    await slack.chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as limited:
        await slack.chat_postMessage(channel="C1", text="two")
    await slack.chat_postMessage(channel="C2", text="elsewhere")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "1"
    assert limited.value.response["error"] == "ratelimited"
    assert fake_slack.ratelimited == 1
    assert [m["text"] for m in fake_slack.messages("C1")] == ["one"]
    fake_slack.per_channel_rate = 1000.0  # the window is time-based: a generous rate lets it through
    await slack.chat_postMessage(channel="C1", text="three")
    assert [m["text"] for m in fake_slack.messages("C1")] == ["one", "three"]


# -- DingTalk ---------------------------------------------------------------------------------------


@pytest.fixture
async def dingtalk(fake_dingtalk: FakeDingTalk) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake_dingtalk.url) as client:
        yield client


def _credentials(fake: FakeDingTalk) -> dict[str, str]:
    return {"appKey": fake.app_key, "appSecret": fake.app_secret}


async def _token(client: httpx.AsyncClient, fake: FakeDingTalk) -> str:
    response = await client.post(ACCESS_TOKEN_PATH, json=_credentials(fake))
    assert response.status_code == 200
    token: str = response.json()["accessToken"]
    return token


def _markdown(title: str, text: str) -> dict[str, str]:
    return {"msgKey": "sampleMarkdown", "msgParam": json.dumps({"title": title, "text": text})}


async def test_access_token_issue_and_refusal(fake_dingtalk: FakeDingTalk,
                                               dingtalk: httpx.AsyncClient) -> None:
    issued = await dingtalk.post(ACCESS_TOKEN_PATH, json=_credentials(fake_dingtalk))
    assert issued.status_code == 200 and set(issued.json()) == {"accessToken", "expireIn"}
    assert issued.json()["expireIn"] == 7200 and re.fullmatch(r"[0-9a-f]{32}", issued.json()["accessToken"])
    assert issued.headers["x-acs-request-id"]
    assert await _token(dingtalk, fake_dingtalk) == issued.json()["accessToken"]  # same token while valid

    refused = await dingtalk.post(ACCESS_TOKEN_PATH, json={**_credentials(fake_dingtalk), "appSecret": "no"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalidClientIdOrSecret" and refused.json()["requestid"]
    no_body = await dingtalk.post(ACCESS_TOKEN_PATH)
    assert no_body.status_code == 400 and no_body.json()["code"] == "Missingbody"
    assert fake_dingtalk.calls_to(ACCESS_TOKEN_PATH)[2].args["appSecret"] == "no"


async def test_group_send_delivers_and_records(fake_dingtalk: FakeDingTalk,
                                                dingtalk: httpx.AsyncClient) -> None:
    token = await _token(dingtalk, fake_dingtalk)
    headers = {"x-acs-dingtalk-access-token": token}
    body = {"robotCode": fake_dingtalk.robot_code, "openConversationId": "cidIT==",
            **_markdown("IT-1", "## IT-1 VPN down")}

    sent = await dingtalk.post(GROUP_SEND_PATH, json=body, headers=headers)
    assert sent.status_code == 200 and set(sent.json()) == {"processQueryKey"}
    delivered = fake_dingtalk.group_messages("cidIT==")
    assert delivered == [{"msgKey": "sampleMarkdown",
                          "msgParam": {"title": "IT-1", "text": "## IT-1 VPN down"},
                          "robotCode": fake_dingtalk.robot_code,
                          "processQueryKey": sent.json()["processQueryKey"]}]
    call = fake_dingtalk.calls_to(GROUP_SEND_PATH)[0]
    assert call.args["msgParam"] == {"title": "IT-1", "text": "## IT-1 VPN down"}
    assert call.headers["x-acs-dingtalk-access-token"] == token and call.status == 200

    bad = {
        "invalidParameter.msgKey.invalid": {**body, "msgKey": "sampleNope"},
        "invalidParameter.msgParam.invalid": {**body, "msgParam": "{not json"},
        "invalidParameter.robotCode.auth": {**body, "robotCode": "someone-else"},
        "openConversationId.notExisted": {k: v for k, v in body.items() if k != "openConversationId"},
    }
    for code, payload in bad.items():
        refused = await dingtalk.post(GROUP_SEND_PATH, json=payload, headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (400, code)
    assert len(fake_dingtalk.group_messages("cidIT==")) == 1


async def test_batch_send_reports_invalid_and_flow_controlled_users(fake_dingtalk: FakeDingTalk,
                                                                     dingtalk: httpx.AsyncClient) -> None:
    headers = {"x-acs-dingtalk-access-token": await _token(dingtalk, fake_dingtalk)}
    fake_dingtalk.invalid_user_ids = {"ghost"}
    fake_dingtalk.flow_controlled_user_ids = {"busy"}
    body = {"robotCode": fake_dingtalk.robot_code, "userIds": ["alice", "ghost", "busy"],
            **_markdown("IT-1", "assigned to you")}

    sent = await dingtalk.post(BATCH_SEND_PATH, json=body, headers=headers)
    assert sent.status_code == 200
    assert sent.json()["invalidStaffIdList"] == ["ghost"]
    assert sent.json()["flowControlledStaffIdList"] == ["busy"]
    assert sent.json()["processQueryKey"]
    assert [m["msgParam"]["text"] for m in fake_dingtalk.user_messages("alice")] == ["assigned to you"]
    assert fake_dingtalk.user_messages("ghost") == [] and fake_dingtalk.user_messages("busy") == []

    too_many = await dingtalk.post(BATCH_SEND_PATH, json={**body, "userIds": [f"u{i}" for i in range(21)]},
                                   headers=headers)
    assert (too_many.status_code, too_many.json()["code"]) == (400, "invalidParameter.userIds.overMax")


async def test_bad_and_expired_tokens_are_refused(fake_dingtalk: FakeDingTalk,
                                                  dingtalk: httpx.AsyncClient) -> None:
    body = {"robotCode": fake_dingtalk.robot_code, "openConversationId": "cid1", **_markdown("t", "x")}
    for headers in ({}, {"x-acs-dingtalk-access-token": "0" * 32}):
        refused = await dingtalk.post(GROUP_SEND_PATH, json=body, headers=headers)
        assert refused.status_code == 400
        assert refused.json()["code"] == "InvalidAuthentication"
        assert refused.json()["message"] == "不合法的access_token"

    fake_dingtalk.token_ttl = 60
    issued = await dingtalk.post(ACCESS_TOKEN_PATH, json=_credentials(fake_dingtalk))
    assert issued.json()["expireIn"] == 60
    old = issued.json()["accessToken"]
    with_old = {"x-acs-dingtalk-access-token": old}
    fake_dingtalk.advance(59)
    assert (await dingtalk.post(GROUP_SEND_PATH, json=body, headers=with_old)).status_code == 200
    fake_dingtalk.advance(61)  # renewals do not happen by use, only by asking for a token again
    expired = await dingtalk.post(GROUP_SEND_PATH, json=body, headers=with_old)
    assert (expired.status_code, expired.json()["code"]) == (400, "InvalidAuthentication")

    new = await _token(dingtalk, fake_dingtalk)
    assert new != old
    fake_dingtalk.auth_error_status = 401
    fake_dingtalk.expire_tokens()
    reset = await dingtalk.post(GROUP_SEND_PATH, json=body, headers={"x-acs-dingtalk-access-token": new})
    assert reset.status_code == 401
    assert len(fake_dingtalk.group_messages("cid1")) == 1


async def test_throttling_answers(fake_dingtalk: FakeDingTalk, dingtalk: httpx.AsyncClient) -> None:
    headers = {"x-acs-dingtalk-access-token": await _token(dingtalk, fake_dingtalk)}
    body = {"robotCode": fake_dingtalk.robot_code, "openConversationId": "cid1", **_markdown("t", "x")}
    fake_dingtalk.fail_next(GROUP_SEND_PATH, code="Forbidden.AccessDenied.QpsLimitForAppkeyAndApi")
    fake_dingtalk.fail_next(GROUP_SEND_PATH, code="Forbidden.AccessDenied.QpsLimitForApi")
    fake_dingtalk.fail_next(GROUP_SEND_PATH, code="send.too.fast")
    fake_dingtalk.fail_next(GROUP_SEND_PATH, code="130101")
    fake_dingtalk.fail_next(GROUP_SEND_PATH, status=500, count=2)

    answers = [await dingtalk.post(GROUP_SEND_PATH, json=body, headers=headers) for _ in range(7)]

    assert [a.status_code for a in answers] == [403, 403, 400, 200, 500, 500, 200]
    assert [a.json().get("code") for a in answers[:3]] == [
        "Forbidden.AccessDenied.QpsLimitForAppkeyAndApi", "Forbidden.AccessDenied.QpsLimitForApi",
        "send.too.fast"]
    assert answers[3].json() == {"errcode": 130101, "errmsg": "send too fast, exceed 20 times per minute"}
    assert answers[4].json()["code"] == "InternalError" and "processQueryKey" in answers[6].json()
    assert len(fake_dingtalk.group_messages("cid1")) == 1
    assert [c.status for c in fake_dingtalk.calls_to(GROUP_SEND_PATH)] == [403, 403, 400, 200, 500, 500, 200]


async def test_down_and_delay(fake_dingtalk: FakeDingTalk, dingtalk: httpx.AsyncClient) -> None:
    fake_dingtalk.down = True
    down = await dingtalk.post(ACCESS_TOKEN_PATH, json={"appKey": "k", "appSecret": "s"})
    assert (down.status_code, down.json()["code"]) == (503, "ServiceUnavailable")
    fake_dingtalk.down = False

    headers = {"x-acs-dingtalk-access-token": await _token(dingtalk, fake_dingtalk)}
    body = {"robotCode": fake_dingtalk.robot_code, "openConversationId": "cid1", **_markdown("t", "slow")}
    fake_dingtalk.fail_next(GROUP_SEND_PATH, status=200, delay=2.0)
    with pytest.raises(httpx.ReadTimeout):
        await dingtalk.post(GROUP_SEND_PATH, json=body, headers=headers, timeout=0.1)
    assert [m["msgParam"]["text"] for m in fake_dingtalk.group_messages("cid1")] == ["slow"]


async def test_interactive_cards(fake_dingtalk: FakeDingTalk, dingtalk: httpx.AsyncClient) -> None:
    headers = {"x-acs-dingtalk-access-token": await _token(dingtalk, fake_dingtalk)}
    created = await dingtalk.post(CARD_CREATE_AND_DELIVER_PATH, headers=headers, json={
        "cardTemplateId": "tpl.schema", "outTrackId": "IT-1", "callbackType": "STREAM", "userIdType": 1,
        "cardData": {"cardParamMap": {"status": "New", "title": "VPN down"}},
        "openSpaceId": "dtv1.card//IM_GROUP.cidIT==;IM_ROBOT.alice",
        "imGroupOpenDeliverModel": {"robotCode": fake_dingtalk.robot_code},
        "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": fake_dingtalk.robot_code}})
    assert created.status_code == 200 and created.json()["success"] is True
    result = created.json()["result"]
    assert result["outTrackId"] == "IT-1"
    assert [(r["spaceType"], r["spaceId"], r["success"]) for r in result["deliverResults"]] == [
        ("IM_GROUP", "cidIT==", True), ("IM_ROBOT", "alice", True)]
    assert all(r["carrierId"] for r in result["deliverResults"])

    updated = await dingtalk.put(CARD_UPDATE_PATH, headers=headers, json={
        "outTrackId": "IT-1", "cardData": {"cardParamMap": {"status": "Claimed"}},
        "cardUpdateOptions": {"updateCardDataByKey": True}})
    assert updated.status_code == 200 and updated.json() == {"success": True, "result": True}
    card_params = fake_dingtalk.cards["IT-1"]["cardData"]["cardParamMap"]
    assert card_params == {"status": "Claimed", "title": "VPN down"}
    assert fake_dingtalk.calls_to(CARD_UPDATE_PATH)[0].args["outTrackId"] == "IT-1"

    unknown = await dingtalk.put(CARD_UPDATE_PATH, headers=headers,
                                 json={"outTrackId": "IT-9", "cardData": {}})
    assert unknown.status_code == 400
    nowhere = await dingtalk.post("/v1.0/robot/nowhere", headers=headers, json={})
    assert nowhere.status_code == 404
