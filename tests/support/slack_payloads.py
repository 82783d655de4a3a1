"""Builders for what Slack sends an app: slash commands, interactivity payloads, Events API envelopes.

Everything is shaped like the real platform, field for field, so handlers and slack_bolt see the same
keys, value types and nesting they will see in production:

* Request signing, v0 (docs.slack.dev/authentication/verifying-requests-from-slack): the
  ``X-Slack-Signature`` header is ``"v0=" + hex(HMAC-SHA256(signing_secret, f"v0:{ts}:{raw_body}"))``
  and ``X-Slack-Request-Timestamp`` holds ``ts`` (Unix seconds). ``SIGNING_SECRET`` is the docs'
  worked-example secret, so the docs' example body and signature verify with it.
* Slash commands arrive as ``application/x-www-form-urlencoded`` fields ``token, team_id, team_domain,
  channel_id, channel_name, user_id, user_name, command, text, api_app_id, is_enterprise_install,
  response_url, trigger_id`` (the docs' Socket Mode example, slack_sdk's own socket-mode test fixtures
  and captured requests; ``enterprise_id``/``enterprise_name`` only appear on Enterprise Grid).
* Interactivity payloads arrive as one form field, ``payload=<JSON>``: ``block_actions`` (docs.slack.dev
  reference/interaction-payloads/block_actions-payload, the Socket Mode page's button example and
  bolt-python's test bodies), ``view_submission`` (reference/interaction-payloads/view-interactions-
  payload) and ``message_action`` (reference/interaction-payloads/shortcuts).
* Events API bodies are JSON ``event_callback`` envelopes (docs.slack.dev/apis/events-api and captured
  deliveries): ``token, team_id, context_team_id, context_enterprise_id, api_app_id, event, type,
  event_id, event_time, authorizations[{enterprise_id, team_id, user_id, is_bot,
  is_enterprise_install}], is_ext_shared_channel, event_context``. Captured ``app_mention`` deliveries
  carry no ``context_*`` fields, so ``event_callback`` leaves them out for that event type.
* Inner events follow the event reference pages and captured deliveries: user messages carry
  ``client_msg_id``, ``team`` and ``rich_text`` ``blocks`` built from the text; thread replies add
  ``thread_ts`` and ``parent_user_id``; messages from apps carry ``bot_id``, ``app_id`` and
  ``bot_profile``; ``app_mention`` has no ``channel_type``; ``reaction_added`` points at its message
  with ``item{type, channel, ts, channel_type}``.

Ids that Slack makes up per request (trigger ids, response URLs, event ids, ``client_msg_id``) are fresh
on every call unless given.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import re
import secrets
import time
import uuid
from typing import Any
from urllib.parse import urlencode

#: the signing secret of Slack's worked example (docs.slack.dev/authentication/verifying-requests-from-slack)
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
#: the deprecated verification token Slack still puts in every payload's ``token`` field
VERIFICATION_TOKEN = "fakeVerificationToken0001"

TEAM_ID = "T0TEAM"
TEAM_DOMAIN = "fake-workspace"
API_APP_ID = "A0APP"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
BOT_NAME = "ticketbot"

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"
#: the User-Agent Slack's request dispatcher sends
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"

_seq = itertools.count(1)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_BLOCK_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789=+"
_EVENT_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
# subtypes whose events are not "a message with text" (they nest message / previous_message)
_NESTED_SUBTYPES = frozenset({"message_changed", "message_deleted", "message_replied"})


# -- transport: signing and bodies -------------------------------------------------------------------


def sign(body: bytes, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with ``body``: v0 signature, its timestamp, Content-Type and User-Agent.

    Content-Type is ``application/json`` for JSON bodies (Events API) and
    ``application/x-www-form-urlencoded`` otherwise (slash commands, interactivity).
    """
    ts = int(time.time()) if timestamp is None else int(timestamp)
    base = b"v0:" + str(ts).encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    content_type = JSON_CONTENT_TYPE if body.lstrip().startswith(b"{") else FORM_CONTENT_TYPE
    return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}",
            "Content-Type": content_type, "User-Agent": USER_AGENT}


def form_body(fields: dict[str, str]) -> bytes:
    """``application/x-www-form-urlencoded``, encoded as Slack does (``/`` as ``%2F``, space as ``+``)."""
    return urlencode(fields).encode()


def interactive_body(payload: dict[str, Any]) -> bytes:
    """An interactivity request body: the single form field ``payload`` holding the JSON payload."""
    return form_body({"payload": json.dumps(payload, separators=(",", ":"))})


def json_body(payload: dict[str, Any]) -> bytes:
    """An Events API request body (compact JSON, UTF-8)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


# -- made-up ids ------------------------------------------------------------------------------------


def new_trigger_id() -> str:
    """A fresh trigger id shaped like Slack's (``<digits>.<digits>.<32 hex>``)."""
    return f"{398738663015 + next(_seq)}.47445629121.{secrets.token_hex(16)}"


def _response_url(kind: str, team_id: str) -> str:
    return f"https://hooks.slack.com/{kind}/{team_id}/{397700885554 + next(_seq)}/{secrets.token_urlsafe(18)}"


def _action_ts() -> str:
    return f"{time.time():.6f}"


def _event_id() -> str:
    return "Ev" + "".join(secrets.choice(_EVENT_ID_ALPHABET) for _ in range(10))


def _block_id() -> str:
    return "".join(secrets.choice(_BLOCK_ID_ALPHABET) for _ in range(5))


def _user(user_id: str, user_name: str, team_id: str) -> dict[str, str]:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def _channel_name(channel_id: str, name: str | None) -> str:
    if name is not None:
        return name
    return "directmessage" if channel_id.startswith("D") else "general"


def _channel_type(channel_id: str) -> str:
    return {"D": "im", "G": "group"}.get(channel_id[:1], "channel")


# -- Block Kit pieces -------------------------------------------------------------------------------


def option(value: str, text: str) -> dict[str, Any]:
    """An option object as Slack reports it in ``selected_option`` / ``selected_options``."""
    return {"text": {"type": "plain_text", "text": text, "emoji": True}, "value": value}


def text_input_state(value: str | None) -> dict[str, Any]:
    """A ``view.state.values`` entry of a ``plain_text_input`` (``None`` when left empty)."""
    return {"type": "plain_text_input", "value": value}


def static_select_state(value: str | None, text: str = "") -> dict[str, Any]:
    """A ``static_select`` entry; ``None`` (nothing chosen) reports ``selected_option: null``."""
    chosen = None if value is None else option(value, text or value)
    return {"type": "static_select", "selected_option": chosen}


def users_select_state(user: str | None) -> dict[str, Any]:
    """A ``users_select`` entry."""
    return {"type": "users_select", "selected_user": user}


def multi_users_select_state(users: list[str]) -> dict[str, Any]:
    """A ``multi_users_select`` entry."""
    return {"type": "multi_users_select", "selected_users": list(users)}


def rich_text(text: str) -> list[dict[str, Any]]:
    """The ``rich_text`` blocks Slack derives from a typed message: user mentions become ``user``
    elements, the rest ``text`` elements."""
    elements: list[dict[str, Any]] = []
    position = 0
    for match in _MENTION.finditer(text):
        if match.start() > position:
            elements.append({"type": "text", "text": text[position:match.start()]})
        elements.append({"type": "user", "user_id": match.group(1)})
        position = match.end()
    if position < len(text):
        elements.append({"type": "text", "text": text[position:]})
    return [{"type": "rich_text", "block_id": _block_id(),
             "elements": [{"type": "rich_text_section", "elements": elements}]}]


# -- slash commands ---------------------------------------------------------------------------------


def slash_command(text: str, *, user_id: str, user_name: str, channel_id: str = "C0GENERAL",
                  channel_name: str = "general", command: str = "/ticket", team_id: str = TEAM_ID,
                  response_url: str | None = None, trigger_id: str | None = None,
                  team_domain: str = TEAM_DOMAIN, api_app_id: str = API_APP_ID) -> dict[str, str]:
    """The form fields of a slash command invocation (every value a string, as on the wire)."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or _response_url("commands", team_id),
        "trigger_id": trigger_id or new_trigger_id(),
    }


# -- interactivity ----------------------------------------------------------------------------------


def _find_element(blocks: list[dict[str, Any]] | None, block_id: str,
                  action_id: str) -> dict[str, Any] | None:
    for block in blocks or []:
        if block.get("block_id") != block_id:
            continue
        candidates = list(block.get("elements", []))
        if isinstance(block.get("accessory"), dict):
            candidates.append(block["accessory"])
        if isinstance(block.get("element"), dict):
            candidates.append(block["element"])
        for element in candidates:
            if element.get("action_id") == action_id:
                return element
    return None


def _echoed(posted: dict[str, Any]) -> dict[str, Any]:
    """An option as Slack echoes it in ``selected_options``: plain text gains ``emoji``."""
    found = {"text": {"emoji": True, **posted["text"]} if posted["text"]["type"] == "plain_text"
             else dict(posted["text"]), "value": posted["value"]}
    if posted.get("description"):
        found["description"] = {"emoji": True, **posted["description"]}
    return found


def _action(action_id: str, value: str, block_id: str, element: dict[str, Any] | None,
            selected: list[str] | None = None) -> dict[str, Any]:
    """One entry of ``actions``: a button (the default), a ``static_select`` choice, or a
    ``checkboxes`` click (``selected``: the values of every option now checked, in the
    element's order, as Slack reports them)."""
    element = element or {}
    element_type = element.get("type", "button")
    if element_type == "checkboxes":
        chosen_values = set(selected or [])
        return {"type": "checkboxes", "action_id": action_id, "block_id": block_id,
                "selected_options": [_echoed(o) for o in element.get("options", [])
                                     if o["value"] in chosen_values],
                "action_ts": _action_ts()}
    if element_type == "button":
        text = element.get("text") or {"type": "plain_text", "text": value}
        return {"action_id": action_id, "block_id": block_id,
                "text": {"emoji": True, **text}, "value": value, "type": "button",
                "action_ts": _action_ts()}
    if element_type == "static_select":
        choices = [o for o in element.get("options", []) if o.get("value") == value]
        chosen = option(value, choices[0]["text"]["text"] if choices else value)
        action: dict[str, Any] = {"type": "static_select", "action_id": action_id, "block_id": block_id,
                                  "selected_option": chosen, "action_ts": _action_ts()}
        if element.get("placeholder"):
            action["placeholder"] = {"emoji": True, **element["placeholder"]}
        return action
    raise ValueError(f"block_actions builds button and static_select actions, not {element_type!r}")


def block_actions(action_id: str, value: str, *, user_id: str, user_name: str, channel_id: str,
                  message_ts: str, message_blocks: list[dict[str, Any]] | None = None,
                  block_id: str = "actions", trigger_id: str | None = None, response_url: str | None = None,
                  channel_name: str | None = None, message_text: str = "", message_user: str = BOT_USER_ID,
                  is_ephemeral: bool = False, state_values: dict[str, Any] | None = None,
                  team_id: str = TEAM_ID, api_app_id: str = API_APP_ID,
                  selected: list[str] | None = None) -> dict[str, Any]:
    """A ``block_actions`` payload for a click in a message the app posted.

    When ``message_blocks`` holds the clicked element (``block_id`` / ``action_id``), the action mirrors
    it (button label; the chosen option of a ``static_select``). Ephemeral messages are not echoed back
    by Slack, so ``is_ephemeral=True`` leaves ``message`` out.
    """
    element = _find_element(message_blocks, block_id, action_id)
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                      "is_ephemeral": is_ephemeral},
        "trigger_id": trigger_id or new_trigger_id(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": _channel_name(channel_id, channel_name)},
    }
    if not is_ephemeral:
        message: dict[str, Any] = {"user": message_user, "type": "message", "ts": message_ts}
        if message_user == BOT_USER_ID:
            message.update(bot_id=BOT_ID, app_id=api_app_id)
        message.update(text=message_text, team=team_id)
        if message_blocks is not None:
            message["blocks"] = message_blocks
        payload["message"] = message
    action = _action(action_id, value, block_id, element, selected)
    if action["type"] == "checkboxes" and state_values is None:
        # Slack reports the element's state too: what is checked now.
        state_values = {block_id: {action_id: {"type": "checkboxes",
                                               "selected_options": action["selected_options"]}}}
    payload["state"] = {"values": state_values or {}}
    payload["response_url"] = response_url or _response_url("actions", team_id)
    payload["actions"] = [action]
    return payload


def _input_blocks(state_values: dict[str, Any]) -> list[dict[str, Any]]:
    """View blocks matching ``state_values``: one input block per block id (an actions block when a
    block holds several elements)."""
    blocks: list[dict[str, Any]] = []
    for block_id, actions in state_values.items():
        elements = [{"type": state.get("type", "plain_text_input"), "action_id": action_id}
                    for action_id, state in actions.items()]
        if len(elements) == 1:
            blocks.append({"type": "input", "block_id": block_id,
                           "label": {"type": "plain_text", "text": block_id, "emoji": True},
                           "optional": False, "dispatch_action": False, "element": elements[0]})
        else:
            blocks.append({"type": "actions", "block_id": block_id, "elements": elements})
    return blocks


def view_submission(callback_id: str, state_values: dict[str, Any], *, user_id: str, user_name: str,
                    private_metadata: str = "", view_id: str = "V0VIEW", trigger_id: str | None = None,
                    blocks: list[dict[str, Any]] | None = None, title: str = "Ticket",
                    response_urls: list[dict[str, Any]] | None = None, team_id: str = TEAM_ID,
                    api_app_id: str = API_APP_ID) -> dict[str, Any]:
    """A ``view_submission`` payload of a modal; ``state_values`` is ``view.state.values``:
    ``{block_id: {action_id: {"type": ..., "value" | "selected_option" | "selected_user" | ...}}}``
    (see ``text_input_state`` and friends). ``blocks`` default to input blocks matching the state."""
    view = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "blocks": _input_blocks(state_values) if blocks is None else blocks,
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": state_values},
        "hash": f"{int(time.time())}.{secrets.token_urlsafe(6)[:8]}",
        "title": {"type": "plain_text", "text": title, "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": api_app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": BOT_ID,
    }
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": view,
        "response_urls": list(response_urls or []),
        "is_enterprise_install": False,
        "enterprise": None,
    }


def message_action(callback_id: str, *, user_id: str, user_name: str, channel_id: str, message_text: str,
                   message_ts: str, message_user: str, trigger_id: str | None = None,
                   channel_name: str | None = None, response_url: str | None = None,
                   team_id: str = TEAM_ID) -> dict[str, Any]:
    """A message shortcut (``message_action``) invoked on someone's message."""
    message: dict[str, Any] = {"type": "message", "text": message_text, "user": message_user,
                               "ts": message_ts, "team": team_id}
    if message_user == BOT_USER_ID:
        message.update(bot_id=BOT_ID, app_id=API_APP_ID)
    else:
        message["client_msg_id"] = str(uuid.uuid4())
    message["blocks"] = rich_text(message_text)
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _action_ts(),
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name, team_id),
        "channel": {"id": channel_id, "name": _channel_name(channel_id, channel_name)},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url or _response_url("app", team_id),
        "message_ts": message_ts,
        "message": message,
    }


# -- Events API -------------------------------------------------------------------------------------


def url_verification(challenge: str) -> dict[str, Any]:
    """The one-off check Slack sends when a Request URL is saved; the app echoes ``challenge``."""
    return {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}


def _event_context(event: dict[str, Any], team_id: str, api_app_id: str) -> str:
    channel = event.get("channel") or (event.get("item") or {}).get("channel")
    context = {"et": event.get("type"), "tid": team_id, "aid": api_app_id}
    if isinstance(channel, str):
        context["cid"] = channel
    raw = json.dumps(context, separators=(",", ":")).encode()
    return "4-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def event_callback(event: dict[str, Any], *, event_id: str | None = None, event_time: int | None = None,
                   team_id: str = TEAM_ID, api_app_id: str = API_APP_ID,
                   authorizations_user_id: str = BOT_USER_ID) -> dict[str, Any]:
    """The Events API envelope around ``event`` (``event_time`` defaults to the event's own second)."""
    if event_time is None:
        event_ts = event.get("event_ts") or event.get("ts")
        event_time = int(float(event_ts)) if event_ts else int(time.time())
    envelope: dict[str, Any] = {"token": VERIFICATION_TOKEN, "team_id": team_id}
    if event.get("type") != "app_mention":
        envelope.update(context_team_id=team_id, context_enterprise_id=None)
    envelope.update({
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or _event_id(),
        "event_time": event_time,
        "authorizations": [{"enterprise_id": None, "team_id": team_id, "user_id": authorizations_user_id,
                            "is_bot": True, "is_enterprise_install": False}],
        "is_ext_shared_channel": False,
        "event_context": _event_context(event, team_id, api_app_id),
    })
    return envelope


def _thread_fields(ts: str, thread_ts: str | None, parent_user_id: str | None) -> dict[str, str]:
    if thread_ts is None or thread_ts == ts:
        return {} if thread_ts is None else {"thread_ts": thread_ts}
    return {"thread_ts": thread_ts, "parent_user_id": parent_user_id or ""}


def app_mention(text: str, *, user: str, channel: str, ts: str, thread_ts: str | None = None,
                parent_user_id: str | None = None, team: str = TEAM_ID) -> dict[str, Any]:
    """An ``app_mention`` event (``text`` should contain ``<@U0BOT>``). In a thread it carries
    ``thread_ts`` and ``parent_user_id`` (the thread starter; defaults to ``user``)."""
    return {
        "user": user,
        "type": "app_mention",
        "ts": ts,
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "team": team,
        **_thread_fields(ts, thread_ts, parent_user_id or user),
        "blocks": rich_text(text),
        "channel": channel,
        "event_ts": ts,
    }


def message(text: str, *, user: str | None, channel: str, ts: str, thread_ts: str | None = None,
            channel_type: str = "channel", bot_id: str | None = None, subtype: str | None = None,
            parent_user_id: str | None = None, team: str = TEAM_ID, app_id: str = API_APP_ID,
            username: str | None = None) -> dict[str, Any]:
    """A ``message`` event: in a channel, a thread reply (``thread_ts``), a DM (``channel_type="im"``),
    from an app (``bot_id``) or with a ``subtype`` (``bot_message`` has no ``user``; ``channel_join``…).

    ``message_changed`` / ``message_deleted`` nest other messages and are not built here.
    """
    if subtype in _NESTED_SUBTYPES:
        raise ValueError(f"{subtype} events nest message/previous_message; build them explicitly")
    event: dict[str, Any] = {}
    if subtype is not None:
        event["subtype"] = subtype
    if user is not None:
        event["user"] = user
    event.update(type="message", ts=ts)
    if bot_id is not None:
        event.update(bot_id=bot_id, app_id=app_id)
    elif subtype is None:
        event["client_msg_id"] = str(uuid.uuid4())
    event["text"] = text
    if subtype == "bot_message":
        event["username"] = username or BOT_NAME
    if subtype is None:
        event["team"] = team
        if bot_id is not None:
            event["bot_profile"] = {
                "id": bot_id, "deleted": False, "name": username or BOT_NAME, "updated": 1716360210,
                "app_id": app_id,
                "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png",
                          "image_48": "https://a.slack-edge.com/80588/img/plugins/app/bot_48.png",
                          "image_72": "https://a.slack-edge.com/80588/img/plugins/app/service_72.png"},
                "team_id": team}
        event.update(_thread_fields(ts, thread_ts, parent_user_id or user))
        event["blocks"] = rich_text(text)
    elif thread_ts is not None:
        event.update(_thread_fields(ts, thread_ts, parent_user_id or user))
    event.update(channel=channel, event_ts=ts, channel_type=channel_type)
    return event


def reaction_added(reaction: str, *, user: str, item_channel: str, item_ts: str, item_user: str,
                   event_ts: str | None = None) -> dict[str, Any]:
    """A ``reaction_added`` event on a message (``reaction`` without colons, e.g. ``white_check_mark``)."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": item_channel, "ts": item_ts,
                 "channel_type": _channel_type(item_channel)},
        "event_ts": event_ts or f"{time.time():.6f}",
    }


def app_home_opened(*, user: str, channel: str = "D0HOME", tab: str = "home",
                    view: dict[str, Any] | None = None, event_ts: str | None = None) -> dict[str, Any]:
    """An ``app_home_opened`` event. ``view`` (the Home tab's current view) is only present once a view
    has been published, as on the platform."""
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel,
                             "event_ts": event_ts or f"{time.time():.6f}", "tab": tab}
    if view is not None:
        event["view"] = view
    return event
