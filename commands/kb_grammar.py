"""`kb …` and `solved … by KB-3`: the knowledge base's part of the grammar."""

import re

from commands import messages as m
from commands.tokens import ParseError, first_word, parse_key, usage_error
from commands.vocabulary import KB_SUBCOMMANDS, KB_VISIBILITY
from workflows.knowledge import parse_article_key

_BODY_SPLIT = re.compile(r"\n|\s+--\s+|\s+\|\s+|^--\s+")
_BY = frozenset({"by", "with", "via", "用", "通过", "靠"})


def _article(verb: str, token: str) -> int:
    number = parse_article_key(token)
    if number is None:
        if token:
            raise ParseError("kb.error.bad_article", token=token[:40], verb=verb)
        raise usage_error(verb)
    return number


def _split(text: str) -> tuple[str, str | None]:
    parts = _BODY_SPLIT.split(text, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else None)


def _visibility(text: str) -> tuple[str | None, str]:
    token, rest = first_word(text)
    found = KB_VISIBILITY.get(token.lower())
    return (found, rest.strip()) if found else (None, text)


def parse_kb(verb: str, rest: str, default_queue: str) -> m.Command:
    word, after = first_word(rest)
    if not word:
        raise usage_error(verb)
    sub = KB_SUBCOMMANDS.get(word.lower())
    if sub is None:
        if parse_article_key(word) is not None and not after.strip():
            return m.KbShow(_article(verb, word))
        return m.KbSearch(rest.strip())
    after = after.strip()
    if sub == "search":
        if not after:
            raise usage_error(verb)
        return m.KbSearch(after)
    if sub == "new":
        visibility, text = _visibility(after)
        title, body = _split(text)
        if not title:
            raise usage_error(verb)
        return m.KbNew(title, body or "", internal=visibility == "internal")
    if sub == "save":
        token, text = first_word(after)
        key = parse_key(token, default_queue) if token else None
        if key is None:
            raise usage_error(verb)
        visibility, title = _visibility(text.strip())
        return m.KbSave(key, title.strip() or None, internal=visibility == "internal")
    token, text = first_word(after)
    number = _article(verb, token)
    text = text.strip()
    if sub == "edit":
        visibility, text = _visibility(text)
        title, body = _split(text) if text else ("", None)
        if text.startswith("--"):
            title, body = "", text[2:].strip()
        if not (title or body or visibility):
            raise usage_error(verb)
        return m.KbEdit(number, title or None, body, visibility)
    if sub == "retire":
        return m.KbRetire(number, text or None)
    if text:
        raise usage_error(verb)
    return m.KbHistory(number) if sub == "history" else m.KbShow(number)


def parse_solved(verb: str, rest: str, default_queue: str) -> m.Command:
    """`solved by KB-3`, `solved IT-42 by KB-3`, `已解决 KB-3`."""
    key: str | None = None
    words = rest.split()
    if words and parse_article_key(words[0]) is None:
        key = parse_key(words[0], default_queue)
        if key is not None:
            words = words[1:]
    if words and words[0].lower() in _BY:
        words = words[1:]
    if len(words) != 1:
        raise usage_error(verb)
    return m.SolvedBy(_article(verb, words[0]), key)
