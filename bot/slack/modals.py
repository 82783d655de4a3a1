"""Modals (create, transfer, note, pend, resolve, an approval's rejection) built with slack_sdk's
view models, and the reading of their submissions back into commands."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticMultiSelectElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from notifications.text import Catalog
from workflows.fields import MAX_FIELD_TEXT, MAX_LONG_TEXT, FieldDef, FieldKind, Form
from workflows.kinds import TicketType
from workflows.organisation import Organisation
from workflows.priority import DEFAULT_PRIORITY, Priority

CREATE = "ticket_create"
STEP_MODALS = {"transfer": "ticket_transfer", "note": "ticket_note", "pend": "ticket_pend",
               "resolve": "ticket_resolve"}
# A transition (a step's modal, or a one-click button) asking the type's own fields its
# `requires` names and the ticket lacks: submitted, they are set and the transition made at once.
WITH_FIELDS = "ticket_with_fields"
REJECT = "ticket_reject"  # an approver's Reject: the reason the rejection must give
MAX_REASON = 3000


def _text_input(block_id: str, label: str, *, multiline: bool = False, optional: bool = False,
                initial: str | None = None, max_length: int = 3000) -> InputBlock:
    return InputBlock(block_id=block_id, label=label, optional=optional, element=PlainTextInputElement(
        action_id="value", multiline=multiline, initial_value=initial or None, max_length=max_length))


def _select(block_id: str, label: str, options: list[tuple[str, str]], initial: str | None,
            optional: bool = False) -> InputBlock:
    choices = [Option(value=value, text=text) for value, text in options]
    chosen = next((o for o in choices if o.value == initial), None)
    return InputBlock(block_id=block_id, label=label, optional=optional, element=StaticSelectElement(
        action_id="value", options=choices, initial_option=chosen))


FIELD_BLOCK = "field:"  # block ids of a type's own fields: `field:risk`


def _yes_no(catalog: Catalog) -> list[Option]:
    return [Option(value="yes", text=catalog.text("field.yes")),
            Option(value="no", text=catalog.text("field.no"))]


def field_block(f: FieldDef, catalog: Catalog, required: bool | None = None) -> InputBlock:
    """The Block Kit input for one of the type's own fields, its default already filled in;
    `required` overrides the field's own (a transition requiring it)."""
    label, block_id = f.label(catalog.locale)[:2000], FIELD_BLOCK + f.name
    default = f.default
    element: Any
    if f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        element = PlainTextInputElement(
            action_id="value", multiline=f.kind is FieldKind.LONG_TEXT,
            initial_value=default or None,
            max_length=MAX_LONG_TEXT if f.kind is FieldKind.LONG_TEXT else MAX_FIELD_TEXT)
    elif f.kind is FieldKind.NUMBER:
        element = NumberInputElement(action_id="value", is_decimal_allowed=True,
                                     initial_value=None if default is None else str(default))
    elif f.kind is FieldKind.DATE:
        element = DatePickerElement(action_id="value", initial_date=default)
    elif f.kind in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE):
        options = [Option(value=c, text=c) for c in f.choices]
        if f.kind is FieldKind.CHOICE:
            element = StaticSelectElement(
                action_id="value", options=options,
                initial_option=next((o for o in options if o.value == default), None))
        else:
            chosen = [o for o in options if o.value in (default or ())]
            element = StaticMultiSelectElement(action_id="value", options=options,
                                               initial_options=chosen or None)
    elif f.kind is FieldKind.PERSON:
        element = UserSelectElement(action_id="value")
    else:
        options = _yes_no(catalog)
        element = RadioButtonsElement(
            action_id="value", options=options,
            initial_option=None if default is None else options[0 if default else 1])
    must = f.required if required is None else required
    return InputBlock(block_id=block_id, label=label, optional=not must, element=element)


def create_modal(catalog: Catalog, org: Organisation, metadata: dict[str, Any],
                 title: str = "", description: str = "",
                 ticket_type: str | None = None) -> View:
    """The create modal; with `ticket_type` (a built-in type or an own type's id), preset to
    it and asking its own fields."""
    t = catalog.text
    # The built-in types offered, then the organisation's own, in the reader's words.
    types = [(k.value, t(f"type.{k.value}")) for k in org.ticket_types] + [
        (own.id, catalog.type_name(own.id, own.names)) for own in org.own_types]
    kind = ticket_type if ticket_type in {value for value, _ in types} else None
    form: Form = org.form_for(kind) if kind is not None else Form()
    if kind is not None:
        metadata = {**metadata, "type": kind}
        description = description or (form.description_template or "")
    blocks = [
        _text_input("title", t("modal.title_field"), initial=title[:200], max_length=200),
        _text_input("description", t("modal.description_field"), multiline=True, optional=True,
                    initial=description[:3000]),
        _select("type", t("modal.type_field"), types, kind or TicketType.INCIDENT.value),
        _select("priority", t("modal.priority_field"),
                [(p.value, t(f"priority.{p.value}")) for p in Priority], DEFAULT_PRIORITY.value),
    ]
    if len(org.queues) > 1:
        blocks.append(_select("queue", t("modal.queue_field"),
                              [(q.key, q.name) for q in org.queues.values()], org.default_queue))
    blocks += [
        _text_input("category", t("modal.category_field"), optional=True, max_length=64),
        InputBlock(block_id="assignee", label=t("modal.assignee_field"), optional=True,
                   element=UserSelectElement(action_id="value")),
        InputBlock(block_id="collaborators", label=t("modal.collaborators_field"), optional=True,
                   element=UserMultiSelectElement(action_id="value", max_selected_items=20)),
    ]
    blocks += [field_block(f, catalog) for f in form.fields][:90]  # Slack allows 100 blocks
    return View(type="modal", callback_id=CREATE, title=t("modal.create_title")[:24],
                submit=t("modal.create_submit")[:24], close=t("modal.cancel")[:24],
                private_metadata=json.dumps(metadata), blocks=blocks)


def step_modal(step: str, catalog: Catalog, org: Organisation, key: str,
               metadata: dict[str, Any], needs: Sequence[FieldDef] = (),
               ticket_type: str | None = None) -> View:
    """A step's modal (transfer, note, pend, resolve), or any transition's when it `needs` the
    type's own fields: their inputs follow the step's (a one-click action has only those)."""
    t = catalog.text
    blocks: list[InputBlock] = []
    if step == "transfer":
        blocks = [
            InputBlock(block_id="person", label=t("modal.person_field"), optional=True,
                       element=UserSelectElement(action_id="value")),
            _select("team", t("modal.team_field"),
                    [(team.key, team.name) for team in org.teams.values()], None, optional=True),
            _text_input("reason", t("modal.reason_field"), multiline=True),
        ]
    elif step == "note":
        blocks = [_text_input("text", t("modal.note_field"), multiline=True)]
    elif step == "pend":
        blocks = [_text_input("reason", t("modal.pend_field"), multiline=True)]
    elif step == "resolve":
        blocks = [_text_input("resolution", t("modal.resolution_field"), multiline=True)]
    callback = STEP_MODALS.get(step, WITH_FIELDS)
    if needs:
        blocks += [field_block(f, catalog, required=True) for f in needs][:90]
        callback = WITH_FIELDS
        metadata = {**metadata, "action": step, "type": ticket_type,
                    "fields": [f.name for f in needs]}
    return View(type="modal", callback_id=callback,
                title=f"{t('action.' + step)} {key}"[:24], submit=t("modal.submit")[:24],
                close=t("modal.cancel")[:24], private_metadata=json.dumps({**metadata, "key": key}),
                blocks=blocks)


def reject_modal(catalog: Catalog, key: str, metadata: dict[str, Any]) -> View:
    """Asked when an approver presses Reject: the reason is required (it goes to the thread)."""
    t = catalog.text
    return View(type="modal", callback_id=REJECT, title=f"{t('action.reject')} {key}"[:24],
                submit=t("button.reject")[:24], close=t("modal.cancel")[:24],
                private_metadata=json.dumps({**metadata, "key": key}),
                blocks=[_text_input("reason", t("modal.reject_reason_field"), multiline=True,
                                    max_length=MAX_REASON)])


@dataclass(frozen=True, slots=True)
class Submitted:
    """The values of a submitted view, by block id."""

    values: dict[str, dict[str, Any]]

    def text(self, block_id: str) -> str:
        return ((self._element(block_id) or {}).get("value") or "").strip()

    def option(self, block_id: str) -> str | None:
        selected = (self._element(block_id) or {}).get("selected_option")
        return selected.get("value") if selected else None

    def user(self, block_id: str) -> str | None:
        return (self._element(block_id) or {}).get("selected_user")

    def users(self, block_id: str) -> list[str]:
        return list((self._element(block_id) or {}).get("selected_users") or [])

    def typed(self, block_id: str) -> str | None:
        """What a field's input holds, as text the field's reading takes (`parse_value`):
        a date, the chosen options joined, yes/no; None when left empty. A person is
        read with `user`."""
        element = self._element(block_id) or {}
        if element.get("selected_date"):
            return str(element["selected_date"])
        if element.get("selected_options"):
            return ", ".join(o["value"] for o in element["selected_options"])
        if element.get("selected_option"):
            return str(element["selected_option"]["value"])
        value = (element.get("value") or "").strip()
        return value or None

    def field_names(self) -> list[str]:
        return [b[len(FIELD_BLOCK):] for b in self.values if b.startswith(FIELD_BLOCK)]

    def _element(self, block_id: str) -> dict[str, Any] | None:
        elements = self.values.get(block_id) or {}
        return next(iter(elements.values()), None)
