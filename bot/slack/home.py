"""App Home: my tickets, my requests and, for agents, the team queue, with action buttons."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack.cards import ACTION_PREFIX, button_value
from commands.answer import Answer
from commands.notify import card_actions
from notifications.escaping import slack as esc
from notifications.text import Catalog
from workflows.organisation import Organisation
from workflows.ticket import Ticket

PER_SECTION = 10  # three sections of at most 10 tickets (3 blocks each) stay under 100 blocks


def _ticket_blocks(ticket: Ticket, catalog: Catalog, scope: str) -> list[Block]:
    t = catalog.text
    who = ticket.assignee.label if ticket.assignee else t("card.unassigned")
    due = (f" · {t('card.due')} {catalog.format_time(ticket.resolution_due_at)}"
           if ticket.resolution_due_at and ticket.status.is_open else "")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(
        text=f"*{ticket.key}* · {esc(ticket.title)}\n"
             f"{esc(catalog.status_words(ticket.status_word))} · {ticket.priority.value} · {esc(who)}{due}"))]
    actions = card_actions(ticket)[:5]
    if actions:
        # A ticket can be in two sections (mine and the team's): block ids must not repeat in
        # a view, so the section is part of it.
        blocks.append(ActionsBlock(block_id=f"home:{scope}:{ticket.key}", elements=[
            ButtonElement(text=t(f"action.{a.value}"), action_id=f"{ACTION_PREFIX}{a.value}",
                          value=button_value(ticket.key, ticket.version)) for a in actions]))
    return blocks


def home_view(lists: dict[str, Answer], catalog: Catalog, org: Organisation) -> View:
    t = catalog.text
    blocks: list[Block] = [HeaderBlock(text=t("home.title"))]
    for scope in ("mine", "requests", "team"):
        answer = lists[scope]
        if not answer.ok:
            continue  # e.g. the team queue for someone on no team
        tickets: list[Ticket] = answer.params["tickets"][:PER_SECTION]
        blocks += [DividerBlock(), SectionBlock(text=MarkdownTextObject(
            text=f"*{t('home.' + scope)}* ({answer.params['total']})"))]
        if not tickets:
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t("home.empty"))]))
        for ticket in tickets:
            blocks += _ticket_blocks(ticket, catalog, scope)
    return View(type="home", blocks=blocks[:100])


def home_json(view: View) -> dict[str, Any]:
    return view.to_dict()
