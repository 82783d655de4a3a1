"""Card and App Home buttons: quick actions run at once; the others open their modal.

The click is acknowledged first; the work follows (bot.after_ack). A step's modal is opened
before anything else that talks to Slack: its trigger_id expires 3 s after the click.
"""

import json
import logging
import re
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View

from bot.slack.bot import SlackBot
from bot.slack.cards import ACTION_PREFIX, CHECK_PREFIX
from bot.slack.modals import STEP_MODALS, reject_modal, step_modal
from commands import buttons
from commands import messages as m
from commands.answer import Answer
from notifications.text import Catalog
from workflows.actions import Action

log = logging.getLogger(__name__)


def payload_name(body: dict[str, Any]) -> str | None:
    """The clicker's name as the payload gives it, so no users.info is needed first."""
    person = body.get("user") or {}
    return person.get("name") or person.get("username")


def _numbers(options: list[dict[str, Any]] | None) -> dict[int, dict[str, Any]]:
    """Checklist options by item number (their value is {"key", "v", "n"})."""
    found = {}
    for option in options or []:
        value = json.loads(option.get("value") or "{}")
        if isinstance(value.get("n"), int):
            found[value["n"]] = value
    return found


def _shown(body: dict[str, Any], block_id: str, action_id: str) -> dict[int, dict[str, Any]]:
    """What the clicked checkboxes had checked as posted (the message, or the App Home view,
    Slack echoes back; an ephemeral message is not echoed, and then nothing counts as checked
    before)."""
    shown = (body.get("message") or body.get("view") or {}).get("blocks") or []
    for block in shown:
        if block.get("block_id") == block_id:
            for element in block.get("elements") or []:
                if element.get("action_id") == action_id:
                    return _numbers(element.get("initial_options"))
    return {}


def checklist_changes(body: dict[str, Any]) -> tuple[str, int | None, list[int], list[int]]:
    """A checkboxes click: the ticket, the card version, the items newly checked and those
    unchecked. `selected_options` holds every option now checked in the element."""
    action = body["actions"][0]
    now = _numbers(action.get("selected_options"))
    before = _shown(body, action.get("block_id", ""), action["action_id"])
    any_value = next(iter(now.values()), None) or next(iter(before.values()), None) or {}
    return (str(any_value.get("key", "")), any_value.get("v"),
            sorted(set(now) - set(before)), sorted(set(before) - set(now)))


def register(bot: SlackBot) -> None:
    async def clicked(body: dict[str, Any]) -> None:
        action = body["actions"][0]
        # `ticket:claim`, or a button with an argument: `ticket:kb_solved:KB-3`.
        step = action["action_id"].removeprefix(ACTION_PREFIX).partition(":")[0]
        value = json.loads(action.get("value") or "{}")
        key, version = value.get("key", ""), value.get("v")
        user, name = body["user"]["id"], payload_name(body)
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id")
        if step == buttons.REJECT and not value.get("arg"):
            await ask_reason(body, key, user, name, channel)
            return
        if step in buttons.BUTTONS:
            arg = value.get("arg") or ""
            command = buttons.command_for(step, key, arg)
            dedup = f"button:{user}:{key}:v{version}:{step}:{arg}"
            answer = (await bot.run(user, command, dedup, name=name) if command is not None
                      else Answer("error.not_found", {}, public=False, ok=False))
            # A change shows on the card (the outbox); a refusal, or what has no card (a saved
            # article), is said to the clicker alone.
            if not answer.ok or answer.ticket is None:
                await bot.ephemeral(channel, user, answer)
            return
        quick = buttons.click_command(step, key)  # one that runs as clicked
        if quick is not None:
            # One click on one card version is one action: a double click is a duplicate.
            dedup = f"button:{user}:{key}:v{version}:{step}"
            answer = await bot.run(user, quick, dedup, name=name)
            if answer.key == "error.transition_needs_fields":  # asked in a modal instead
                await open_step(body, step, key, user, name, channel)
            elif not answer.ok:
                await bot.ephemeral(channel, user, answer)
            return
        if step in STEP_MODALS:
            await open_step(body, step, key, user, name, channel)

    async def open_step(body: dict[str, Any], step: str, key: str, user: str, name: str | None,
                        channel: str | None) -> None:
        """The step's modal, with the inputs of the type's own fields the transition still
        needs, once the use case has said this person may take it now."""
        check = await bot.run(user, m.May(key, Action(step)), None, name=name)
        if not check.ok:
            await bot.ephemeral(channel, user, check)
            return
        org = bot.core.loaded.org
        form = org.form_for(str(check.params.get("type") or ""))
        needs = [f for n in check.params.get("needs") or () if (f := form.get(n)) is not None]
        if not needs and step not in STEP_MODALS:  # set meanwhile: the click runs as it is
            quick = buttons.click_command(step, key)
            if quick is not None:
                answer = await bot.run(user, quick, None, name=name)
                if not answer.ok:
                    await bot.ephemeral(channel, user, answer)
            return

        def build(catalog: Catalog) -> View:
            return step_modal(step, catalog, org, key,
                              {"channel": channel, "locale": catalog.locale}, needs,
                              str(check.params.get("type") or ""))

        try:
            await bot.open_modal(body["trigger_id"], user, build)  # in the reader's words
        except SlackApiError as error:
            log.warning("could not open the %s modal: %s", step, error.response.get("error"))
            await bot.say(channel, user, "slack.modal_failed")

    async def ask_reason(body: dict[str, Any], key: str, user: str, name: str | None,
                         channel: str | None) -> None:
        """Reject opens a modal asking the reason, once the use case has said this person may
        reject now: it refuses a reasonless rejection only after checking the approver, so
        any other refusal (not an approver, no step any more) is said instead, and nothing
        changes."""
        check = await bot.run(user, m.Reject(key, None), None, name=name)
        if check.key != "error.reject_needs_reason":
            await bot.ephemeral(channel, user, check)
            return

        def build(catalog: Catalog) -> View:
            return reject_modal(catalog, key, {"channel": channel, "locale": catalog.locale})

        try:
            await bot.open_modal(body["trigger_id"], user, build)
        except SlackApiError as error:
            log.warning("could not open the reject modal: %s", error.response.get("error"))
            await bot.say(channel, user, "slack.modal_failed")

    async def ticked(body: dict[str, Any]) -> None:
        key, version, checked, unchecked = checklist_changes(body)
        if not key:
            return
        user, name = body["user"]["id"], payload_name(body)
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id")
        for number in checked:  # the same use case and permission rules as `check`
            dedup = f"check:{user}:{key}:v{version}:{number}"
            answer = await bot.run(user, m.Check(key, number), dedup, name=name)
            if not answer.ok:
                await bot.ephemeral(channel, user, answer)
        for number in unchecked:
            # A tick stays: the refusal says who ticked it and when (the card is refreshed
            # on its next change).
            answer = await bot.run(user, m.Check(key, number), None, name=name)
            if not answer.ok:
                await bot.ephemeral(channel, user, answer)

    @bot.app.action(re.compile(f"^{CHECK_PREFIX}"))
    async def checklist_box(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        bot.after_ack(ticked(body))

    @bot.app.action(re.compile(f"^{ACTION_PREFIX}"))
    async def card_button(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        bot.after_ack(clicked(body))
