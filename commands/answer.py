"""What a use case returns: data for the templates, never finished text."""

from dataclasses import dataclass, field
from typing import Any

from workflows.actions import Action
from workflows.ticket import Ticket


@dataclass(frozen=True, slots=True)
class AnswerFile:
    """A table the reader gets as files (CSV and XLSX): the adapter renders and sends them."""

    name: str  # file name without extension, e.g. "tickets-2026-11"
    columns: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class Answer:
    key: str  # names the reply template, e.g. "ticket.claimed"
    params: dict[str, Any] = field(default_factory=dict)
    ticket: Ticket | None = None  # shown as a card when present
    actions: tuple[Action, ...] = ()  # what the viewer may do next: the card's buttons
    public: bool = True  # False: only the asking user should see it (errors, help, lists)
    ok: bool = True
    duplicate: bool = False  # a redelivered inbound action: adapters stay silent
    zone: str | None = None  # the viewer's time zone (IANA name): every time is shown in it
    # The asker's own `language` preference as read with the request ("": they chose none), so
    # an adapter need not read it again; None: not read (a duplicate, the database away).
    language: str | None = None
    files: tuple[AnswerFile, ...] = ()  # tables sent to the reader as files (`export`)
    # A refusal's kind (not_found, not_allowed, invalid_input, conflict, generic): the REST API
    # answers each with its own HTTP status; chat shows only the words.
    refusal: str | None = None
    # The card's buttons beyond the lifecycle's that this reader may press (commands/buttons.py);
    # None: the ticket's, for everyone.
    buttons: tuple[dict[str, str], ...] | None = None
