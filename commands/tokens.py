"""The words of a chat command: ticket ids, @-mentions, reasons, quotes, and the refusals the
grammar gives. Pure text handling, shared by the grammar and the messenger adapters.

A messenger's own mention syntax is read by its adapter, which passes the people it names as a
map from the text as written (`<@U…>`, or `@name` for an @ the platform resolved) to a
Mention; here only that map and typed @handles are read."""

import re
from collections.abc import Mapping

from commands import messages as m
from commands.vocabulary import USAGE
from workflows.errors import InvalidInput

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KEY = re.compile(r"^#?(?:(?P<queue>[A-Za-z][A-Za-z0-9]{0,15})-)?(?P<number>\d{1,9})$")
_HANDLE_MENTION = re.compile(r"(?<![\w@])@(?P<name>[^\s@<>,，;；:：]+)")
# Everyone-at-once words are text, never a person: `Printer broken @here` is a title.
_BROADCAST = frozenset({"here", "channel", "everyone", "所有人"})
_TRAILING_PUNCTUATION = ".!?…。！？、"
_REASON = re.compile(r"(?:^|\s)(?:reason|because|原因|理由|备注)\s*[:：]\s*|(?:^|\s)because\s+", re.I)
QUOTES = _QUOTES = {'"': '"', "'": "'", "“": "”", "「": "」", "『": "』", "‘": "’"}


class ParseError(InvalidInput):
    pass


def normalize(text: str) -> str:
    # DingTalk prefixes @-bot messages with spaces (some full-width); chat clients add nbsp.
    text = _CONTROL.sub("", text)  # NUL and other control characters: never stored, never shown
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def parse_key(token: str, default_queue: str) -> str | None:
    match = _KEY.match(token.strip())
    if not match:
        return None
    queue = (match.group("queue") or default_queue).upper()
    return f"{queue}-{int(match.group('number'))}"


def extract_mentions(text: str, people: Mapping[str, m.Mention] | None = None
                     ) -> tuple[list[m.Mention], str]:
    """Mentions in order of appearance, and the text with them removed. `people`: what the
    adapter read of its platform's mentions, by the text as written."""
    people = people or {}
    found: list[tuple[int, m.Mention]] = []
    stripped = text
    # Written mentions first, longest first, blanked out (same length, so positions keep their
    # order) before looking for @handles, or `<@U1|bob>` would also be read as `U1|bob`.
    for written in sorted((w for w in people if not w.startswith("@")), key=len, reverse=True):
        start = stripped.find(written)
        while start >= 0:
            found.append((start, people[written]))
            stripped = stripped[:start] + " " * len(written) + stripped[start + len(written):]
            start = stripped.find(written, start + len(written))
    for match in _HANDLE_MENTION.finditer(stripped):
        name = match.group("name")
        if is_broadcast(name):
            continue
        found.append((match.start(), people.get("@" + name) or m.Mention(None, name)))
    stripped = _HANDLE_MENTION.sub(
        lambda match: match.group(0) if is_broadcast(match.group("name")) else " ", stripped)
    found.sort(key=lambda pair: pair[0])
    return [mention for _, mention in found], " ".join(stripped.split())


def is_broadcast(name: str) -> bool:
    """`@here`, `@channel`, `@everyone`, DingTalk's `@所有人` (trailing punctuation aside)."""
    return name.rstrip(_TRAILING_PUNCTUATION).casefold() in _BROADCAST


def split_reason(text: str) -> tuple[str, str | None]:
    """`@carol reason: needs network` -> ('@carol', 'needs network')."""
    match = _REASON.search(text)
    if not match:
        return text.strip(), None
    return text[: match.start()].strip(), text[match.end():].strip() or None


def usage_error(verb: str) -> ParseError:
    """The verb's usage line, as the refusal."""
    return ParseError("error.usage", verb=verb, usage=USAGE[verb])


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip()
    return text


def first_word(rest: str) -> tuple[str, str]:
    parts = rest.split(None, 1)
    if not parts:
        return "", ""
    return parts[0], parts[1] if len(parts) > 1 else ""
