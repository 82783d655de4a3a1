"""Feishu's mentions into the shared grammar's words, before it parses.

The text carries placeholders (`@_user_1`) that the event's `mentions` explain. The app's own
is cut out; each person becomes `@handle`, found by their Feishu identity or recorded now, so the
grammar only ever sees people it can resolve.
"""

from collections.abc import Mapping

from bot.feishu.inbound import Message


def command_text(message: Message, handles: Mapping[str, str]) -> str:
    """`handles`: open_id -> the person's handle."""
    text = message.text or ""
    # Longest keys first: @_user_10 before @_user_1.
    for mention in sorted(message.mentions, key=lambda m: len(m.key), reverse=True):
        if not mention.key:
            continue
        if mention.is_bot:
            replacement = " "
        elif mention.open_id and mention.open_id in handles:
            replacement = f"@{handles[mention.open_id]}"
        else:
            replacement = f"@{mention.name}" if mention.name else " "
        text = text.replace(mention.key, replacement)
    return " ".join(text.split())
