"""Slack's mention syntax, `<@U…>` or `<@U…|name>`, read here, at the edge: the shared grammar
gets each as the person it names (a Mention by Slack id), keyed by the text as written."""

import re

from bot.platforms import SLACK
from commands.messages import Mention

SLACK_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^>]+))?>")


def slack_people(text: str | None) -> dict[str, Mention]:
    """Each `<@U…>` in the text, as written, and the person it names."""
    return {match.group(0): Mention(SLACK, match.group("id"), match.group("name"))
            for match in SLACK_MENTION.finditer(text or "")}


def slack_mentions(text: str) -> list[str]:
    """The Slack user ids mentioned, in order."""
    return [match.group("id") for match in SLACK_MENTION.finditer(text)]
