"""What a reader of one language must not see of the other: English words in zh-CN text (beyond
command words, identifiers and product names), Chinese in English text, and catalog keys that
were said instead of words (a missing key renders as its own name)."""

import functools
import re

import yaml

from commands.vocabulary import (
    EXPLAIN_WORDS,
    KB_SUBCOMMANDS,
    KB_VISIBILITY,
    LIST_SCOPES,
    USAGE,
    VERBS,
)
from notifications.text import LOCALES_DIR

# Words a Chinese reader types or reads as they are: commands and their keywords, identifiers
# (IT-42, P1, SLA), products, and the few codes the grammar accepts (type:incident, queue=IT).
COMMAND_WORDS = frozenset(
    w.lower() for w in (*USAGE, *VERBS, *LIST_SCOPES, *EXPLAIN_WORDS, *KB_SUBCOMMANDS, *KB_VISIBILITY)
    if w.isascii()) | {
    "by", "kb",  # `solved by KB-3`
    "reason", "until", "into", "type", "category", "queue", "group", "incident", "request",
    "related", "at", "risk",
    "change", "task", "dm", "channel", "off", "on", "en", "zh", "cn", "sla", "it", "csat",
    "slack", "dingtalk", "api", "vpn", "url", "id", "http", "https", "dtmd",
}
# The Chinese command words an English reader is shown on purpose (help lists them as aliases).
CHINESE_COMMAND_WORDS = frozenset(
    w for w in (*VERBS, *LIST_SCOPES, *EXPLAIN_WORDS) if not w.isascii())
_IGNORED = re.compile(
    r"`[^`]*`"                          # a command to type, quoted
    r"|https?://\S+|dtmd://\S+"         # links
    r"|\b[A-Z][a-z]+/[A-Za-z_]+\b"       # time zones: Asia/Shanghai
    r"|\bUTC(?:[+-]\d{1,2}(?::\d\d)?)?"   # and their offsets: UTC+8
    r"|\b[A-Z]+-\d+\b|\bP[1-5]\b")      # IT-42, P1
_WORD = re.compile(r"[A-Za-z]{2,}")
_HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


@functools.cache
def catalog_keys() -> frozenset[str]:
    return frozenset(yaml.safe_load((LOCALES_DIR / "en.yaml").read_text(encoding="utf-8")))


_KEY = re.compile(r"\b(?:[a-z_]+\.)+[a-z_0-9]+\b")


def english_words(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The English words of a zh-CN text that no allow-list explains."""
    ok = COMMAND_WORDS | {a.lower() for a in allowed}
    return [w for w in _WORD.findall(_IGNORED.sub(" ", text)) if w.lower() not in ok]


def chinese(text: str, allowed: frozenset[str] = frozenset()) -> list[str]:
    """The Chinese characters of an English text, minus names and data the test put there and
    the Chinese command words the help lists on purpose."""
    for value in sorted(allowed | CHINESE_COMMAND_WORDS, key=len, reverse=True):
        text = text.replace(value, " ")
    return _HAN.findall(text)


def missing_keys(text: str) -> list[str]:
    """Catalog keys that appear as such: what `Catalog.text` says for a key it does not know."""
    keys = catalog_keys()
    return [k for k in _KEY.findall(text) if k in keys or k.split(".")[0] in
            {"error", "ticket", "notify", "help", "usage", "why", "change", "source", "sla",
             "status", "action", "how", "hit", "route", "away", "prefs"}]
