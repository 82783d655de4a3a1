"""The Slack payload builders, checked against slack_sdk's signature verifier and slack_bolt's parsing.

If bolt reads the same fields from these payloads as from Slack's (ids, channel, thread, response URL,
listener matching), handlers tested with them see what production sees.
"""

import json
import time
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request import payload_utils
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

from tests.support import slack_payloads as sp

# docs.slack.dev/authentication/verifying-requests-from-slack, "Validating a request": the worked example
DOC_TIMESTAMP = 1531420618
DOC_FIELDS = {
    "token": "xyzz0WbapA4vBCDEFasx0q6G", "team_id": "T1DC2JH3J", "team_domain": "testteamnow",
    "channel_id": "G8PSS9T3V", "channel_name": "foobar", "user_id": "U2CERLKJA", "user_name": "roadrunner",
    "command": "/webhook-collect", "text": "",
    "response_url": "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
    "trigger_id": "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"}
DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRs"
    b"kXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c")
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"

ALICE, BOB = "U0ALICE", "U0BOB"
CHANNEL = "C0GENERAL"
TS = "1712345678.000100"
BUTTONS = [{"type": "actions", "block_id": "ticket-actions", "elements": [
    {"type": "button", "action_id": "ticket.take", "value": "IT-1",
     "text": {"type": "plain_text", "text": "Take"}},
    {"type": "static_select", "action_id": "ticket.priority",
     "placeholder": {"type": "plain_text", "text": "Priority"},
     "options": [sp.option("P1", "P1 urgent"), sp.option("P2", "P2 high")]}]}]


class _FixedClock(Clock):
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now


def _request(body: bytes, **sign_args: Any) -> AsyncBoltRequest:
    """An HTTP-mode bolt request, exactly as an adapter builds it from the raw body and headers."""
    return AsyncBoltRequest(body=body.decode(), headers=sp.sign(body, **sign_args))


def _verifier() -> SignatureVerifier:
    return SignatureVerifier(sp.SIGNING_SECRET)


# -- signing ----------------------------------------------------------------------------------------


def test_form_encoding_and_signature_reproduce_slacks_worked_example() -> None:
    assert sp.form_body(DOC_FIELDS) == DOC_BODY
    headers = sp.sign(DOC_BODY, timestamp=DOC_TIMESTAMP)
    assert headers["X-Slack-Signature"] == DOC_SIGNATURE
    assert headers["X-Slack-Request-Timestamp"] == str(DOC_TIMESTAMP)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    verifier = SignatureVerifier(sp.SIGNING_SECRET, clock=_FixedClock(DOC_TIMESTAMP + 60))
    assert verifier.is_valid_request(DOC_BODY, headers)


@pytest.mark.parametrize("body", [
    sp.form_body(sp.slash_command("new P2 VPN down", user_id=ALICE, user_name="alice")),
    sp.interactive_body(sp.block_actions("ticket.take", "IT-1", user_id=ALICE, user_name="alice",
                                         channel_id=CHANNEL, message_ts=TS)),
    sp.json_body(sp.event_callback(sp.app_mention("<@U0BOT> hi", user=ALICE, channel=CHANNEL, ts=TS))),
], ids=["command", "interactive", "event"])
def test_fresh_signature_verifies(body: bytes) -> None:
    assert _verifier().is_valid_request(body, sp.sign(body))


def test_tampered_body_stale_timestamp_and_wrong_secret_fail() -> None:
    body = sp.form_body(sp.slash_command("new P2 VPN down", user_id=ALICE, user_name="alice"))
    headers = sp.sign(body)
    verifier = _verifier()
    assert not verifier.is_valid_request(body.replace(b"P2", b"P1"), headers)
    assert not verifier.is_valid_request(body, sp.sign(body, timestamp=int(time.time()) - 6 * 60))
    assert not verifier.is_valid_request(body, sp.sign(body, secret="another-secret"))
    truncated = {**headers, "X-Slack-Signature": headers["X-Slack-Signature"][:-1]}
    assert not verifier.is_valid_request(body, truncated)


def test_json_bodies_are_signed_as_json() -> None:
    body = sp.json_body(sp.url_verification("abc"))
    assert sp.sign(body)["Content-Type"] == "application/json"


# -- what bolt reads --------------------------------------------------------------------------------


def test_slash_command_fields() -> None:
    fields = sp.slash_command("new P2 VPN down", user_id=ALICE, user_name="alice", trigger_id="1.2.abc",
                              response_url="http://127.0.0.1:9/hook")
    assert all(isinstance(value, str) for value in fields.values())
    assert {k: v[0] for k, v in parse_qs(sp.form_body(fields).decode()).items()} == fields
    req = _request(sp.form_body(fields))
    command = payload_utils.to_command(req.body)
    assert command is not None
    assert command["command"] == "/ticket"
    assert command["text"] == "new P2 VPN down"
    assert command["trigger_id"] == "1.2.abc"
    assert (req.context.user_id, req.context.channel_id, req.context.team_id) == (ALICE, CHANNEL, sp.TEAM_ID)
    assert req.context.response_url == "http://127.0.0.1:9/hook"
    assert req.context.is_enterprise_install is False
    assert req.context.enterprise_id is None


def test_slash_command_response_url_and_trigger_id_look_like_slacks() -> None:
    fields = sp.slash_command("", user_id=ALICE, user_name="alice")
    assert fields["response_url"].startswith(f"https://hooks.slack.com/commands/{sp.TEAM_ID}/")
    first, second, third = fields["trigger_id"].split(".")
    assert first.isdigit() and second.isdigit() and len(third) == 32
    assert sp.slash_command("", user_id=ALICE, user_name="alice")["trigger_id"] != fields["trigger_id"]


def test_block_actions_button() -> None:
    payload = sp.block_actions("ticket.take", "IT-1", user_id=BOB, user_name="bob", channel_id=CHANNEL,
                               message_ts=TS, message_blocks=BUTTONS, block_id="ticket-actions",
                               message_text="IT-1 VPN down")
    req = _request(sp.interactive_body(payload))
    assert req.body == payload
    assert payload_utils.is_block_actions(req.body)
    action = payload_utils.to_action(req.body)
    assert action == {"action_id": "ticket.take", "block_id": "ticket-actions",
                      "text": {"type": "plain_text", "text": "Take", "emoji": True}, "value": "IT-1",
                      "type": "button", "action_ts": action["action_ts"]}
    assert (req.context.user_id, req.context.channel_id, req.context.team_id) == (BOB, CHANNEL, sp.TEAM_ID)
    assert req.context.response_url == payload["response_url"]
    assert payload["container"] == {"type": "message", "message_ts": TS, "channel_id": CHANNEL,
                                    "is_ephemeral": False}
    assert payload["message"]["blocks"] == BUTTONS
    assert payload["message"]["bot_id"] == sp.BOT_ID
    assert payload["state"] == {"values": {}}
    assert payload["enterprise"] is None and payload["is_enterprise_install"] is False


def test_block_actions_static_select_and_ephemeral() -> None:
    payload = sp.block_actions("ticket.priority", "P1", user_id=BOB, user_name="bob", channel_id=CHANNEL,
                               message_ts=TS, message_blocks=BUTTONS, block_id="ticket-actions",
                               is_ephemeral=True)
    action = payload_utils.to_action(_request(sp.interactive_body(payload)).body)
    assert action is not None
    assert action["type"] == "static_select"
    assert action["selected_option"] == sp.option("P1", "P1 urgent")
    assert "message" not in payload
    assert payload["container"]["is_ephemeral"] is True


def test_view_submission() -> None:
    state = {"summary": {"summary.input": sp.text_input_state("VPN down")},
             "priority": {"priority.select": sp.static_select_state("P2", "P2 high")},
             "assignee": {"assignee.select": sp.users_select_state(BOB)},
             "watchers": {"watchers.select": sp.multi_users_select_state([ALICE, BOB])}}
    payload = sp.view_submission("ticket.new", state, user_id=ALICE, user_name="alice",
                                 private_metadata=json.dumps({"channel": CHANNEL}))
    req = _request(sp.interactive_body(payload))
    view = payload_utils.to_view(req.body)
    assert view is not None
    assert payload_utils.is_view_submission(req.body)
    assert view["callback_id"] == "ticket.new"
    assert view["state"]["values"]["priority"]["priority.select"]["selected_option"]["value"] == "P2"
    assert json.loads(view["private_metadata"]) == {"channel": CHANNEL}
    assert [block["block_id"] for block in view["blocks"]] == list(state)
    assert (req.context.user_id, req.context.team_id) == (ALICE, sp.TEAM_ID)
    assert req.context.channel_id is None  # modals have no channel, as on the platform
    assert payload["response_urls"] == []


def test_message_action() -> None:
    payload = sp.message_action("ticket.from_message", user_id=BOB, user_name="bob", channel_id=CHANNEL,
                                message_text="<@U0ALICE> printer on fire", message_ts=TS, message_user=ALICE)
    req = _request(sp.interactive_body(payload))
    assert payload_utils.is_message_shortcut(req.body)
    shortcut = payload_utils.to_shortcut(req.body)
    assert shortcut is not None
    assert shortcut["callback_id"] == "ticket.from_message"
    assert shortcut["message"]["text"] == "<@U0ALICE> printer on fire"
    assert shortcut["message"]["blocks"][0]["elements"][0]["elements"][0] == {"type": "user",
                                                                            "user_id": ALICE}
    assert (req.context.user_id, req.context.channel_id) == (BOB, CHANNEL)
    assert req.context.response_url == payload["response_url"]


def test_app_mention_in_a_thread() -> None:
    envelope = sp.event_callback(sp.app_mention("<@U0BOT> status?", user=ALICE, channel=CHANNEL,
                                                ts="1712345700.000200", thread_ts=TS))
    req = _request(sp.json_body(envelope))
    event = payload_utils.to_event(req.body)
    assert event is not None
    assert event["type"] == "app_mention"
    assert event["parent_user_id"] == ALICE
    assert "channel_type" not in event
    assert "context_team_id" not in envelope
    assert (req.context.user_id, req.context.channel_id, req.context.thread_ts) == (ALICE, CHANNEL, TS)
    assert req.context.team_id == sp.TEAM_ID
    assert envelope["event_time"] == 1712345700
    assert envelope["event_id"].startswith("Ev")


@pytest.mark.parametrize(("kwargs", "check"), [
    ({"channel": CHANNEL}, payload_utils.is_message_event),
    ({"channel": CHANNEL, "thread_ts": TS}, payload_utils.is_message_event),
    ({"channel": "D0ALICE", "channel_type": "im"}, payload_utils.is_im_message_event),
], ids=["channel", "thread-reply", "im"])
def test_message_events(kwargs: dict[str, Any], check: Any) -> None:
    event = sp.message("hello", user=ALICE, ts="1712345700.000200", **kwargs)
    envelope = sp.event_callback(event)
    req = _request(sp.json_body(envelope))
    assert check(req.body)
    assert payload_utils.to_message(req.body) == event
    assert (req.context.user_id, req.context.channel_id) == (ALICE, kwargs["channel"])
    assert req.context.thread_ts == kwargs.get("thread_ts")
    assert envelope["context_team_id"] == sp.TEAM_ID and envelope["context_enterprise_id"] is None
    assert envelope["authorizations"] == [{"enterprise_id": None, "team_id": sp.TEAM_ID,
                                           "user_id": sp.BOT_USER_ID, "is_bot": True,
                                           "is_enterprise_install": False}]
    assert "client_msg_id" in event and event["team"] == sp.TEAM_ID


def test_bot_and_subtype_messages() -> None:
    from_app = sp.message("IT-1 opened", user=sp.BOT_USER_ID, channel=CHANNEL, ts=TS, bot_id=sp.BOT_ID)
    assert "client_msg_id" not in from_app and from_app["bot_profile"]["id"] == sp.BOT_ID
    legacy = sp.message("deploy done", user=None, channel=CHANNEL, ts=TS, bot_id="B0CI",
                        subtype="bot_message")
    assert "user" not in legacy and legacy["subtype"] == "bot_message"
    req = _request(sp.json_body(sp.event_callback(legacy)))
    assert payload_utils.is_message_event(req.body)
    with pytest.raises(ValueError, match="message_changed"):
        sp.message("x", user=ALICE, channel=CHANNEL, ts=TS, subtype="message_changed")


def test_reaction_added() -> None:
    event = sp.reaction_added("white_check_mark", user=BOB, item_channel=CHANNEL, item_ts=TS, item_user=ALICE)
    req = _request(sp.json_body(sp.event_callback(event)))
    assert payload_utils.to_event(req.body) == event
    assert event["item"] == {"type": "message", "channel": CHANNEL, "ts": TS, "channel_type": "channel"}
    assert (req.context.user_id, req.context.channel_id) == (BOB, CHANNEL)


def test_app_home_opened() -> None:
    event = sp.app_home_opened(user=ALICE)
    req = _request(sp.json_body(sp.event_callback(event)))
    assert payload_utils.is_app_home_opened_event(req.body, tab="home")
    assert "view" not in event
    assert (req.context.user_id, req.context.channel_id) == (ALICE, "D0HOME")


def test_url_verification() -> None:
    req = _request(sp.json_body(sp.url_verification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")))
    assert req.body["type"] == "url_verification"
    assert req.body["challenge"] == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"


# -- a real bolt app, HTTP mode, signature verification on ------------------------------------------


async def _authorize(enterprise_id: str | None, team_id: str | None,
                     user_id: str | None) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                           bot_token="xoxb-not-used", bot_id=sp.BOT_ID, bot_user_id=sp.BOT_USER_ID)


async def test_a_bolt_app_verifies_and_routes_every_payload() -> None:
    app = AsyncApp(signing_secret=sp.SIGNING_SECRET, authorize=_authorize, process_before_response=True)
    seen: list[str] = []

    @app.command("/ticket")
    async def command(ack: Any, command: dict[str, Any]) -> None:
        seen.append(f"command:{command['text']}")
        await ack(text="opened")

    @app.action("ticket.take")
    async def take(ack: Any, action: dict[str, Any]) -> None:
        seen.append(f"action:{action['value']}")
        await ack()

    @app.view("ticket.new")
    async def submitted(ack: Any, view: dict[str, Any]) -> None:
        seen.append(f"view:{view['state']['values']['summary']['summary.input']['value']}")
        await ack(response_action="clear")

    @app.shortcut("ticket.from_message")
    async def shortcut(ack: Any, shortcut: dict[str, Any]) -> None:
        seen.append(f"shortcut:{shortcut['message_ts']}")
        await ack()

    @app.event("app_mention")
    async def mention(event: dict[str, Any]) -> None:
        seen.append(f"mention:{event['text']}")

    @app.message("hello")
    async def hello(message: dict[str, Any]) -> None:
        seen.append(f"message:{message['user']}")

    @app.event("reaction_added")
    async def reacted(event: dict[str, Any]) -> None:
        seen.append(f"reaction:{event['reaction']}")

    @app.event("app_home_opened")
    async def home(event: dict[str, Any]) -> None:
        seen.append(f"home:{event['tab']}")

    bodies = [
        sp.form_body(sp.slash_command("VPN down", user_id=ALICE, user_name="alice")),
        sp.interactive_body(sp.block_actions("ticket.take", "IT-1", user_id=BOB, user_name="bob",
                                             channel_id=CHANNEL, message_ts=TS, message_blocks=BUTTONS,
                                             block_id="ticket-actions")),
        sp.interactive_body(sp.view_submission("ticket.new", {"summary": {"summary.input":
                                                                          sp.text_input_state("VPN")}},
                                               user_id=ALICE, user_name="alice")),
        sp.interactive_body(sp.message_action("ticket.from_message", user_id=BOB, user_name="bob",
                                              channel_id=CHANNEL, message_text="printer", message_ts=TS,
                                              message_user=ALICE)),
        sp.json_body(sp.event_callback(sp.app_mention("<@U0BOT> hi", user=ALICE, channel=CHANNEL, ts=TS))),
        sp.json_body(sp.event_callback(sp.message("hello there", user=BOB, channel=CHANNEL, ts=TS))),
        # the app's own message: bolt's ignoring-self-events middleware must recognise and drop it
        sp.json_body(sp.event_callback(sp.message("hello from me", user=sp.BOT_USER_ID, channel=CHANNEL,
                                                  ts=TS, bot_id=sp.BOT_ID))),
        sp.json_body(sp.event_callback(sp.reaction_added("eyes", user=BOB, item_channel=CHANNEL, item_ts=TS,
                                                         item_user=ALICE))),
        sp.json_body(sp.event_callback(sp.app_home_opened(user=ALICE))),
    ]
    responses = [await app.async_dispatch(_request(body)) for body in bodies]

    assert [r.status for r in responses] == [200] * len(bodies)
    assert responses[0].body == "opened"  # HTTP mode answers a text-only ack as text/plain
    assert json.loads(responses[2].body) == {"response_action": "clear"}
    assert seen == ["command:VPN down", "action:IT-1", "view:VPN", f"shortcut:{TS}", "mention:<@U0BOT> hi",
                    f"message:{BOB}", "reaction:eyes", "home:home"]

    challenge = await app.async_dispatch(_request(sp.json_body(sp.url_verification("xyz"))))
    assert (challenge.status, json.loads(challenge.body)) == (200, {"challenge": "xyz"})
    stale = _request(bodies[0], timestamp=int(time.time()) - 600)
    assert (await app.async_dispatch(stale)).status == 401
