"""Modals (create, transfer, note, pend, resolve) built with slack_sdk's view models, and the
reading of their submissions back into commands."""

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from notifications.text import Catalog
from workflows.kinds import TicketType
from workflows.organisation import Organisation
from workflows.priority import DEFAULT_PRIORITY, Priority

CREATE = "ticket_create"
STEP_MODALS = {"transfer": "ticket_transfer", "note": "ticket_note", "pend": "ticket_pend",
               "resolve": "ticket_resolve"}


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


def create_modal(catalog: Catalog, org: Organisation, metadata: dict[str, Any],
                 title: str = "", description: str = "") -> View:
    t = catalog.text
    blocks = [
        _text_input("title", t("modal.title_field"), initial=title[:200], max_length=200),
        _text_input("description", t("modal.description_field"), multiline=True, optional=True,
                    initial=description[:3000]),
        _select("type", t("modal.type_field"),
                [(k.value, t(f"type.{k.value}")) for k in org.ticket_types],
                TicketType.INCIDENT.value),
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
    return View(type="modal", callback_id=CREATE, title=t("modal.create_title")[:24],
                submit=t("modal.create_submit")[:24], close=t("modal.cancel")[:24],
                private_metadata=json.dumps(metadata), blocks=blocks)


def step_modal(step: str, catalog: Catalog, org: Organisation, key: str,
               metadata: dict[str, Any]) -> View:
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
    return View(type="modal", callback_id=STEP_MODALS[step],
                title=f"{t('action.' + step)} {key}"[:24], submit=t("modal.submit")[:24],
                close=t("modal.cancel")[:24], private_metadata=json.dumps({**metadata, "key": key}),
                blocks=blocks)


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

    def _element(self, block_id: str) -> dict[str, Any] | None:
        elements = self.values.get(block_id) or {}
        return next(iter(elements.values()), None)
