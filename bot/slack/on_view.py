"""Modal submissions: validate, run the command, and show domain refusals on the field."""

import json
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.platforms import SLACK
from bot.slack.bot import SlackBot
from bot.slack.modals import CREATE, FIELD_BLOCK, REJECT, STEP_MODALS, WITH_FIELDS, Submitted
from bot.slack.on_button import payload_name
from commands import buttons
from commands import messages as m
from commands.answer import Answer
from workflows.errors import InvalidInput
from workflows.fields import FieldDef, FieldKind, parse_value
from workflows.organisation import Organisation
from workflows.priority import Priority

# Which field a refusal belongs on, so the modal shows it where the user can fix it.
FIELD_OF_ERROR = {"error.text_required": None, "error.text_too_long": None,
                  "error.not_in_team": "assignee", "error.not_an_agent": "person",
                  "error.already_assigned": "person", "error.unknown_team": "team",
                  "error.same_team": "team", "error.wrong_role": "assignee"}


def _slack(user_id: str | None) -> m.Mention | None:
    return m.Mention(SLACK, user_id) if user_id else None


def _fields(form: Submitted, org: Organisation) -> dict[str, Any]:
    """The type's own fields as the modal gave them: typed values, and the people picked."""
    chosen = org.parse_type(form.option("type") or "")
    kinds = {f.name: f.kind for f in org.form_for(chosen.id).fields} if chosen else {}
    typed, people = [], []
    for name in form.field_names():
        if kinds.get(name) is FieldKind.PERSON:
            if (picked := form.user(FIELD_BLOCK + name)) is not None:
                people.append((name, m.Mention(SLACK, picked)))
        elif (value := form.typed(FIELD_BLOCK + name)) is not None:
            typed.append((name, value))
    return {"fields": tuple(typed), "field_people": tuple(people)}


def _step_fields(form: Submitted, defs: list[FieldDef]
                 ) -> tuple[list[tuple[str, str]], list[tuple[str, m.Mention]],
                            dict[str, InvalidInput | None]]:
    """A transition modal's own fields: the typed values, the people picked, and each field's
    problem by block (None: left empty), so every wrong input is shown at once."""
    typed: list[tuple[str, str]] = []
    people: list[tuple[str, m.Mention]] = []
    problems: dict[str, InvalidInput | None] = {}
    for f in defs:
        block = FIELD_BLOCK + f.name
        if f.kind is FieldKind.PERSON:
            if (picked := form.user(block)) is None:
                problems[block] = None
            else:
                people.append((f.name, m.Mention(SLACK, picked)))
            continue
        value = form.typed(block)
        if value is None:
            problems[block] = None
            continue
        try:
            parse_value(f, value)
        except InvalidInput as error:
            problems[block] = error
            continue
        typed.append((f.name, value))
    return typed, people, problems


def register(bot: SlackBot) -> None:
    async def refuse(ack: AsyncAck, answer: Answer, default_block: str,
                     meta: dict[str, Any]) -> None:
        """Said on the modal's input in the words the modal was opened in."""
        block = FIELD_OF_ERROR.get(answer.key) or default_block
        text = bot.catalog_in(meta.get("locale")).answer(answer)
        await ack(response_action="errors", errors={block: text[:150]})

    @bot.app.view(CREATE)
    async def create_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        form = Submitted(view["state"]["values"])
        meta = json.loads(view.get("private_metadata") or "{}")
        user = body["user"]["id"]
        chosen = bot.core.loaded.org.parse_type(form.option("type") or "")
        command = m.Create(
            title=form.text("title"), description=form.text("description"),
            priority=Priority.parse(form.option("priority") or "") or None,
            type=chosen.type if chosen else None, custom_type=chosen.own if chosen else None,
            category=form.text("category") or None, queue=form.option("queue"),
            collaborators=tuple(m.Mention(SLACK, u) for u in form.users("collaborators")),
            assignee=_slack(form.user("assignee")),
            # The message shortcut on someone's message: they are the requester, this person
            # files it (the history's creation line names them).
            requester=(m.Mention(SLACK, meta["author"],
                                 bot.directory.cached_name(meta["author"]))
                       if meta.get("author") and meta["author"] != user else None),
            origin_channel=meta.get("channel") if meta.get("channel", "").startswith("C") else None,
            origin_ts=meta.get("ts"), **_fields(form, bot.core.loaded.org))
        answer = await bot.run(user, command, f"view:{view['id']}:{view.get('hash', '')}",
                               name=payload_name(body))
        if not answer.ok:
            # A field's own refusal shows under that field's input.
            named = f"{FIELD_BLOCK}{answer.params.get('field')}"
            await refuse(ack, answer, named if named in form.values else "title", meta)
            return
        await ack()
        if answer.duplicate:
            return

        async def tell() -> None:
            await bot.ephemeral(meta.get("channel"), user, answer)
            if meta.get("ts") and meta.get("channel") and answer.ticket is not None:
                # Link the conversation back to its ticket.
                await bot.client.chat_postMessage(
                    channel=meta["channel"], thread_ts=meta["ts"],
                    text=bot.catalog.text("slack.created_from_message", key=answer.ticket.key))

        bot.after_ack(tell())

    async def step(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                   build: Any, field: str) -> None:
        form = Submitted(view["state"]["values"])
        meta = json.loads(view.get("private_metadata") or "{}")
        user = body["user"]["id"]
        command = build(meta["key"], form)
        if command is None:
            await ack(response_action="errors",
                      errors={"person": bot.catalog_in(meta.get("locale")).text(
                          "slack.transfer_pick_one")})
            return
        answer = await bot.run(user, command, f"view:{view['id']}:{view.get('hash', '')}",
                               name=payload_name(body))
        if not answer.ok:
            await refuse(ack, answer, field, meta)
            return
        await ack()

    def transfer(key: str, form: Submitted) -> m.Command | None:
        person, team = form.user("person"), form.option("team")
        if bool(person) == bool(team):
            return None
        return m.Transfer(key, to=_slack(person), team=team, reason=form.text("reason"))

    # Each step modal's command from its inputs, and the input its refusals show on.
    steps: dict[str, tuple[Any, str]] = {
        "transfer": (transfer, "reason"),
        "note": (lambda key, form: m.Note(key, form.text("text")), "text"),
        "pend": (lambda key, form: m.Pend(key, form.text("reason")), "reason"),
        "resolve": (lambda key, form: m.Resolve(key, form.text("resolution")), "resolution"),
    }
    assert set(steps) == set(STEP_MODALS)

    @bot.app.view(WITH_FIELDS)
    async def fields_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        """A transition with the type's own fields it requires: wrong or empty inputs are each
        shown on their field; else the fields are set and the transition made at once."""
        form = Submitted(view["state"]["values"])
        meta = json.loads(view.get("private_metadata") or "{}")
        action, key = str(meta.get("action") or ""), str(meta.get("key") or "")
        own = bot.core.loaded.org.form_for(str(meta.get("type") or ""))
        defs = [f for n in meta.get("fields") or () if (f := own.get(n)) is not None]
        typed, people, problems = _step_fields(form, defs)
        if problems:
            words = bot.catalog_in(meta.get("locale"))
            await ack(response_action="errors", errors={
                block: (words.answer(Answer(e.message_key, dict(e.params), public=False,
                                            ok=False)) if e is not None
                        else words.text("modal.field_required"))[:150]
                for block, e in problems.items()})
            return
        build, field = steps.get(action, (None, FIELD_BLOCK + defs[0].name if defs else ""))
        then = build(key, form) if build else buttons.click_command(action, key)
        if then is None:
            await ack(response_action="errors",
                      errors={"person": bot.catalog_in(meta.get("locale")).text(
                          "slack.transfer_pick_one")})
            return
        command = m.WithFields(key, tuple(typed), then, tuple(people))
        answer = await bot.run(body["user"]["id"], command,
                               f"view:{view['id']}:{view.get('hash', '')}", name=payload_name(body))
        if not answer.ok:
            named = f"{FIELD_BLOCK}{answer.params.get('field')}"
            await refuse(ack, answer, named if named in form.values else field, meta)
            return
        await ack()

    def step_submitted(build: Any, field: str) -> Any:
        async def submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
            await step(ack, body, view, build, field)
        return submitted

    for action, (build, field) in steps.items():
        bot.app.view(STEP_MODALS[action])(step_submitted(build, field))

    @bot.app.view(REJECT)
    async def reject_submitted(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        form = Submitted(view["state"]["values"])
        meta = json.loads(view.get("private_metadata") or "{}")
        user = body["user"]["id"]
        if not form.text("reason"):  # blanks only: Slack's required input lets them through
            await ack(response_action="errors",
                      errors={"reason": bot.catalog_in(meta.get("locale")).text(
                          "modal.reject_reason_required")})
            return
        answer = await bot.run(user, m.Reject(meta["key"], form.text("reason")),
                               f"view:{view['id']}:{view.get('hash', '')}",
                               name=payload_name(body))
        if not answer.ok:
            await refuse(ack, answer, "reason", meta)
            return
        await ack()
        if answer.key == "ticket.already_decided":  # decided before: nothing changed, say so
            bot.after_ack(bot.ephemeral(meta.get("channel"), user, answer))
