"""The words of a chat command: ticket ids, @-mentions (Slack, DingTalk, handles), reasons,
quotes, and the refusals the grammar gives. Pure text handling, shared by the grammar and the
messenger adapters."""

import re
from collections.abc import Mapping

from commands import messages as m
from commands.vocabulary import USAGE
from workflows.errors import InvalidInput
from workflows.kinds import Source

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_KEY = re.compile(r"^#?(?:(?P<queue>[A-Za-z][A-Za-z0-9]{0,15})-)?(?P<number>\d{1,9})$")
_SLACK_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|(?P<name>[^>]+))?>")
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


def extract_mentions(text: str, at_users: Mapping[str, str] | None = None
                     ) -> tuple[list[m.Mention], str]:
    """Mentions in order of appearance, and the text with them removed."""
    found: list[tuple[int, m.Mention]] = []
    for match in _SLACK_MENTION.finditer(text):
        found.append((match.start(), m.Mention(Source.SLACK, match.group("id"),
                                               match.group("name"))))
    # Blank Slack mentions out (same length, so positions keep their order) before looking
    # for @handles, or `<@U1|bob>` would also be read as the handle `U1|bob`.
    stripped = _SLACK_MENTION.sub(lambda match: " " * len(match.group(0)), text)
    for match in _HANDLE_MENTION.finditer(stripped):
        name = match.group("name")
        if is_broadcast(name):
            continue
        staff_id = (at_users or {}).get(name)
        if staff_id is not None:
            found.append((match.start(), m.Mention(Source.DINGTALK, staff_id, name)))
        else:
            found.append((match.start(), m.Mention(None, name)))
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
