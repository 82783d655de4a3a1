"""Answers as Slack messages: the catalog's words with Slack escaping, cards as Block Kit."""

from typing import Any

from bot.slack.cards import card_blocks
from commands.answer import Answer
from commands.notify import card_snapshot
from notifications.catalogs import Catalogs
from notifications.text import Catalog
from workflows.organisation import Organisation


class SlackRenderer:
    def __init__(self, catalogs: Catalogs, org: Organisation, locale: str) -> None:
        self.catalogs = catalogs
        self.org = org
        self.locale = locale

    @property
    def catalog(self):  # type: ignore[no-untyped-def]
        return self.catalogs.get(self.locale, "slack")

    def text(self, answer: Answer, catalog: Catalog | None = None) -> str:
        return (catalog or self.catalog).answer(answer)

    def message(self, answer: Answer, catalog: Catalog | None = None) -> dict[str, Any]:
        """Keyword arguments for an ephemeral reply: text, and the card when there is one; in
        `catalog`'s words (the reader's), else the bot's."""
        catalog = catalog or self.catalog
        text = self.text(answer, catalog)
        if answer.ticket is None:
            return {"text": text}
        card = card_snapshot(answer.ticket, self.org)
        card["version"] = answer.ticket.version
        if answer.buttons is not None:  # this reader's, not everyone's
            card.pop("buttons", None)
            if answer.buttons:
                card["buttons"] = list(answer.buttons)
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}] if text else []
        blocks += card_blocks(card, catalog)
        return {"text": text or answer.ticket.key, "blocks": blocks}
