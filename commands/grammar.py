"""The one text grammar every messenger shares: `verb [TICKET] arguments`, English or Chinese verbs.

Parsing is pure: text in, a command out, or an InvalidInput that says what was expected.
"""

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import time

from commands import messages as m
from commands.kb_grammar import parse_kb, parse_solved
from commands.schedule_grammar import parse_schedule
from commands.tokens import (
    QUOTES,
    ParseError,
    extract_mentions,
    first_word,
    normalize,
    parse_key,
    split_reason,
    unquote,
    usage_error,
)
from commands.vocabulary import EXPLAIN_WORDS, LIST_SCOPES, REPORT_BREAKDOWNS, USAGE, VERBS
from commands.when import parse_day
from workflows.knowledge import parse_article_key
from workflows.link_codes import link_code
from workflows.priority import Priority
from workflows.ticket_types import TypeChoice
from workflows.ticket_types import parse_type as parse_type_word

_OPTION = re.compile(
    r"^(?P<name>type|category|cat|queue|related|asset|类型|分类|队列|关联|资产)[:：=]"
    r"(?P<value>\S+)$", re.I)
_TRAILING_ASSET = re.compile(r"(?:^|\s)(?:asset|资产)[:：=](?P<value>\S+)$", re.I)
_SLA_OPTION = re.compile(
    r"^(?P<name>type|category|cat|queue|group|类型|分类|队列|用户组)[:：=](?P<value>\S+)$", re.I)
# `risk=high`, `window=2026-12-12`, `summary="two words"`: a value of the type's own fields.
_FIELD = re.compile(r"^(?P<name>[a-z][a-z0-9_]{0,39})[=＝](?P<value>.*)$", re.S)
_TEAM = re.compile(r"^(?:team|团队|组)[:：=](?P<team>\S+)$", re.I)
_DESCRIPTION_SPLIT = re.compile(r"\n|\s+--\s+|\s+\|\s+")
_QUIET = re.compile(r"^(?P<h1>\d{1,2})[:：](?P<m1>\d{2})[-~～到](?P<h2>\d{1,2})[:：](?P<m2>\d{2})$")
_SWITCH = {"on": True, "off": False, "yes": True, "no": False, "开": True, "关": False,
           "开启": True, "关闭": False}
_NOTIFY_MODES = {"on": "dm", "dm": "dm", "direct": "dm", "私信": "dm", "开": "dm", "开启": "dm",
                 "channel": "channel", "thread": "channel", "群": "channel", "频道": "channel",
                 "off": "off", "关": "off", "关闭": "off"}
_LOCALES = {"en": "en", "english": "en", "zh": "zh-CN", "zh-cn": "zh-CN", "中文": "zh-CN"}
_UNTIL = re.compile(r"^(?:until|till|til|to|到|至|直到)(?:\s+|(?=[^\x00-\x7f]))", re.I)
_LINK_ME = frozenset({"", "me", "myself", "我", "我的"})  # `link me`, `绑定` / `绑定我`
WHOLE_TIMELINE_WORDS = frozenset({"all", "全部"})  # `sla explain P3 all`: every step
_EXPLAIN = re.compile(r"^(?:explain|why|test|解释|说明|测试)(?:\s+|(?=[^\x00-\x7f])|$)", re.I)
# Chinese is written without spaces: `请假到周一` is the verb 请假 and `到周一`.
_CJK_VERBS = sorted((a for a in VERBS if not a.isascii() and len(a) >= 2), key=len, reverse=True)


def _field_token(rest: str) -> tuple[str, str, str] | None:
    """`name=value` at the start of `rest`, the value possibly quoted (spaces inside), and what
    follows it."""
    match = _FIELD.match(rest.split(None, 1)[0]) if rest.strip() else None
    if match is None:
        return None
    name = match.group("name")
    after = rest.strip()[len(name) + 1:]
    closer = QUOTES.get(after[:1])
    if closer is not None:
        end = after.find(closer, 1)
        if end < 0:
            raise ParseError("error.field_quote", field=name)
        return name, after[1:end].strip(), after[end + 1:].strip()
    value, _, remainder = after.partition(" ")
    if not value:
        raise ParseError("error.field_empty", field=name)
    return name, value, remainder.strip()


def _is_type_option(word: str) -> bool:
    option = _OPTION.match(word)
    return option is not None and option.group("name").lower() in ("type", "类型")


def _split_cjk_verb(word: str) -> tuple[str, str] | None:
    for alias in _CJK_VERBS:
        if word.startswith(alias) and len(word) > len(alias):
            return alias, word[len(alias):]
    return None


class Grammar:
    def __init__(self, default_queue: str,
                 parse_type: Callable[[str], TypeChoice | None] | None = None) -> None:
        self.default_queue = default_queue
        # The organisation's type words (its own types' ids, names, aliases, and the built-in).
        self.parse_type = parse_type or (lambda word: parse_type_word(word, ()))
        self._parsers: dict[str, Callable[[str, str, Mapping[str, m.Mention]], m.Command]] = {
            "new": self._new, "claim": self._claim, "assign": self._assign,
            "transfer": self._transfer, "cc": self._cc, "reply": self._reply, "note": self._note,
            "pend": self._pend, "resume": self._resume, "priority": self._priority,
            "resolve": self._resolve, "reopen": self._reopen, "close": self._close,
            "cancel": self._cancel, "suspend": self._suspend, "urge": self._urge,
            "link": self._link, "unlink": self._unlink, "merge": self._merge, "show": self._show,
            "rate": self._rate,
            "history": self._history, "list": self._list, "help": self._help,
            "mute": self._mute, "unmute": self._mute, "notify": self._notify,
            "quiet": self._quiet, "language": self._language, "prefs": self._prefs,
            "route": self._route, "away": self._away, "back": self._back,
            "sla": self._sla, "report": self._report, "export": self._export,
            "schedule": lambda verb, rest, _: parse_schedule(verb, rest),
            "check": self._check_item,
            "asset": self._asset,
            "set": self._set_fields,
            "kb": lambda verb, rest, _: parse_kb(verb, rest, self.default_queue),
            "solved": lambda verb, rest, _: parse_solved(verb, rest, self.default_queue),
            "approve": self._approve, "reject": self._reject,
        }

    def parse(self, text: str, at_users: Mapping[str, m.Mention] | None = None) -> m.Command:
        text = normalize(text)
        if not text:
            raise ParseError("error.empty")
        word, rest = first_word(text)
        if parse_article_key(word) is not None and not rest:  # a bare KB-3: the article
            return m.KbShow(parse_article_key(word) or 0)
        # A bare ticket id means "show it".
        if parse_key(word, self.default_queue) and not rest and not word.isdigit():
            return m.Show(parse_key(word, self.default_queue) or "")
        verb = VERBS.get(word.lower()) or VERBS.get(word)
        split = _split_cjk_verb(word) if verb is None and not word.isascii() else None
        if split is not None:
            verb, rest = VERBS[split[0]], f"{split[1]} {rest}"
        if verb is None:
            guess = difflib.get_close_matches(word.lower(), list(VERBS), n=1, cutoff=0.6)
            suggestion = VERBS[guess[0]] if guess else None
            raise ParseError("error.unknown_command", word=word[:40], suggestion=suggestion)
        return self._parsers[verb](verb, rest.strip(), at_users or {})

    def _asset(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        """`asset show UPS-1`, or just `asset UPS-1` / `资产 UPS-1`."""
        word, remainder = first_word(rest)
        if word.lower() in ("show", "view", "查看", "详情"):
            word, remainder = first_word(remainder)
        if not word or remainder.strip():
            raise usage_error(verb)
        return m.AssetShow(word)

    # -- helpers ---------------------------------------------------------------------------
    def _key(self, verb: str, rest: str) -> tuple[str, str]:
        token, remainder = first_word(rest)
        key = parse_key(token, self.default_queue) if token else None
        if key is None:
            if token:
                raise ParseError("error.bad_key", verb=verb, token=token[:40], usage=USAGE[verb])
            raise usage_error(verb)
        return key, remainder.strip()

    def _key_only(self, verb: str, rest: str) -> str:
        key, remainder = self._key(verb, rest)
        if remainder:
            raise usage_error(verb)
        return key

    # -- verbs -----------------------------------------------------------------------------
    def _new(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        priority: Priority | None = None
        options: dict[str, str] = {}
        fields: list[tuple[str, str]] = []
        while rest:
            token, remainder = first_word(rest)
            p = Priority.parse(token) if token.upper().startswith("P") else None
            option = _OPTION.match(token)
            if p is not None and priority is None:
                priority = p
            elif option:
                options[option.group("name").lower()] = option.group("value")
            elif (given := _field_token(rest)) is not None:
                fields.append(given[:2])
                remainder = given[2]
            else:
                break
            rest = remainder.strip()
        chosen = None
        raw_type = options.get("type") or options.get("类型")
        if raw_type:
            chosen = self.parse_type(raw_type)
            if chosen is None:
                raise ParseError("error.bad_type", token=raw_type[:40])
        parts = _DESCRIPTION_SPLIT.split(rest, maxsplit=1)
        title = parts[0].strip()
        trailing = _TRAILING_ASSET.search(title)  # `new paper jam asset:PRN-3`
        if trailing and "asset" not in options and "资产" not in options:
            options["asset"] = trailing.group("value")
            title = title[:trailing.start()].strip()
        description = parts[1].strip() if len(parts) > 1 else ""
        mentions, _ = extract_mentions(title, at_users)
        if not title:
            raise usage_error(verb)
        related = options.get("related") or options.get("关联")
        related_key = parse_key(related, self.default_queue) if related else None
        if related and related_key is None:
            raise ParseError("error.bad_key", verb=verb, token=related[:40], usage=USAGE[verb])
        return m.Create(
            title=title, description=description, priority=priority,
            type=chosen.type if chosen else None, custom_type=chosen.own if chosen else None,
            category=options.get("category") or options.get("cat") or options.get("分类"),
            queue=(options.get("queue") or options.get("队列") or "").upper() or None,
            collaborators=tuple(mentions), related=related_key, fields=tuple(fields),
            asset=options.get("asset") or options.get("资产"),
        )

    def _set_fields(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, rest = self._key(verb, rest)
        fields: list[tuple[str, str]] = []
        while rest:
            given = _field_token(rest)
            if given is None:
                raise usage_error(verb)
            fields.append(given[:2])
            rest = given[2]
        if not fields:
            raise usage_error(verb)
        return m.SetFields(key, tuple(fields))

    def _claim(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        return m.Claim(self._key_only(verb, rest))

    def _assign(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        key, remainder = self._key(verb, rest)
        keys = [key]
        while True:  # `assign IT-4 IT-7 9 @carol`: every ticket id before the person
            token, after = first_word(remainder)
            more = parse_key(token, self.default_queue) if token else None
            if more is None:
                break
            if more not in keys:
                keys.append(more)
            remainder = after.strip()
        head, reason = split_reason(remainder)
        mentions, leftover = extract_mentions(head, at_users)
        if len(mentions) != 1 or leftover.lower() not in ("", "to", "给"):
            raise usage_error(verb)
        if len(keys) > 1:
            return m.BulkAssign(tuple(keys), mentions[0], reason)
        return m.Assign(key, mentions[0], reason)

    def _transfer(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        key, remainder = self._key(verb, rest)
        target, after = first_word(remainder)
        if target.lower() in ("to", "给"):
            target, after = first_word(after)
        if not target:
            raise usage_error(verb)
        head, reason = split_reason(after)
        reason = reason or head or None
        team = _TEAM.match(target)
        if team:
            return m.Transfer(key, team=team.group("team").lower(), reason=reason)
        mentions, leftover = extract_mentions(target, at_users)
        if len(mentions) == 1 and not leftover:
            return m.Transfer(key, to=mentions[0], reason=reason)
        if target.startswith("<@") or target.startswith("@"):
            raise usage_error(verb)
        return m.Transfer(key, team=target.lower(), reason=reason)

    def _cc(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        key, remainder = self._key(verb, rest)
        mentions, _ = extract_mentions(remainder, at_users)
        if not mentions:
            raise usage_error(verb)
        return m.AddCollaborators(key, tuple(mentions))

    def _text(self, verb: str, rest: str, required: bool = True) -> tuple[str, str]:
        key, text = self._key(verb, rest)
        if required and not text:
            raise usage_error(verb)
        return key, text

    def _reply(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        return m.Reply(key, text, tuple(extract_mentions(text, at_users)[0]))

    def _note(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        return m.Note(key, text, tuple(extract_mentions(text, at_users)[0]))

    @staticmethod
    def _reason_text(text: str) -> str | None:
        head, reason = split_reason(text)
        return " ".join(p for p in (head, reason) if p) or None

    def _pend(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        return m.Pend(key, self._reason_text(text))

    def _resume(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest, required=False)
        return m.Resume(key, self._reason_text(text))

    def _approve(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest, required=False)
        return m.Approve(key, self._reason_text(text))

    def _reject(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)  # a rejection says why
        return m.Reject(key, self._reason_text(text))

    def _priority(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        token, after = first_word(text)
        priority = Priority.parse(token)
        if priority is None:
            raise ParseError("error.bad_priority", token=token[:40])
        return m.SetPriority(key, priority, self._reason_text(after))

    def _resolve(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        return m.Resolve(key, self._reason_text(text))

    def _reopen(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest, required=False)
        return m.Reopen(key, self._reason_text(text))

    def _close(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest, required=False)
        return m.Close(key, self._reason_text(text))

    def _cancel(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest, required=False)
        return m.Cancel(key, self._reason_text(text))

    def _suspend(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        return m.Suspend(key, self._reason_text(text))

    def _urge(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest, required=False)
        return m.Urge(key, text or None)

    def _two_keys(self, verb: str, rest: str) -> tuple[str, str]:
        key, remainder = self._key(verb, rest)
        token, after = first_word(remainder)
        if token.lower() in ("into", "to", "with", "到", "至"):
            token, after = first_word(after)
        other = parse_key(token, self.default_queue) if token else None
        if other is None or after.strip():
            raise usage_error(verb)
        return key, other

    def _link(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        """`link IT-4 IT-9` relates tickets; `link me` asks for a code, `link ABCD-EFGH` says it."""
        word, remainder = first_word(rest)
        if not remainder:
            if word.lower() in _LINK_ME:
                return m.LinkMe()
            code = link_code(word)
            if code is not None:
                return m.LinkCode(code)
        return m.Link(*self._two_keys(verb, rest))

    def _unlink(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        word, remainder = first_word(rest)
        if not word or remainder:
            raise usage_error(verb)
        return m.Unlink(word.lower())

    def _merge(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        return m.Merge(*self._two_keys(verb, rest))

    def _rate(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        token, comment = first_word(text)
        if not token.isdigit():
            raise ParseError("error.bad_rating", score=token[:20])
        return m.Rate(key, int(token), comment.strip() or None)

    def _show(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        return m.Show(self._key_only(verb, rest))

    def _history(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        return m.History(self._key_only(verb, rest))

    def _list(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        listed = self._list_scope(verb, rest)
        types = []  # `list type:laptop`, `list all 类型:笔记本`: of that ticket type only
        for word in rest.split():
            option = _OPTION.match(word)
            if option and option.group("name").lower() in ("type", "类型"):
                chosen = self.parse_type(option.group("value"))
                if chosen is None:
                    raise ParseError("error.bad_type", token=option.group("value")[:40])
                types.append(chosen.id)
        return replace(listed, types=tuple(types)) if types else listed

    def _list_scope(self, verb: str, rest: str) -> m.ListTickets:
        words = [w for w in rest.lower().split() if not _is_type_option(w)]
        if words[:1] == ["my"]:
            words = words[1:] or ["mine"]
        if not words:
            return m.ListTickets("auto")
        scope = LIST_SCOPES.get(words[0])
        if scope is None:
            return m.ListTickets("status", statuses=(words[0],)) if len(words) == 1 else (
                self._bad_list(verb))
        if scope in ("team", "triage"):
            if len(words) > 2:
                raise usage_error(verb)
            return m.ListTickets(scope, team=words[1] if len(words) > 1 else None)
        if scope == "status":
            if len(words) < 2:
                raise usage_error(verb)
            return m.ListTickets("status", statuses=tuple(words[1:]))
        if len(words) > 1:
            raise usage_error(verb)
        return m.ListTickets(scope)

    def _bad_list(self, verb: str) -> m.ListTickets:
        raise usage_error(verb)

    def _mute(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        return m.Mute(self._key_only(verb, rest), muted=verb == "mute")

    def _notify(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        mode = _NOTIFY_MODES.get(rest.strip().lower())
        if mode is None:
            raise usage_error(verb)
        return m.SetPreferences(notify=mode)

    def _quiet(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        words = rest.split()
        if len(words) == 1 and _SWITCH.get(words[0].lower()) is False:
            return m.SetPreferences(quiet_off=True)
        match = _QUIET.match(words[0]) if words and len(words) <= 2 else None
        if match is None:
            raise usage_error(verb)
        try:
            start, end = (time(int(match.group(h)), int(match.group(mi)))
                          for h, mi in (("h1", "m1"), ("h2", "m2")))
        except ValueError:
            raise usage_error(verb) from None
        return m.SetPreferences(quiet=(start, end), timezone=words[1] if len(words) > 1 else None)

    def _language(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        locale = _LOCALES.get(rest.strip().lower())
        if locale is None:
            raise usage_error(verb)
        return m.SetPreferences(locale=locale)

    def _prefs(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        if rest.strip():
            raise usage_error(verb)
        return m.SetPreferences()

    def _route(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        text = _EXPLAIN.sub("", rest, count=1).strip()
        if not unquote(text):
            raise usage_error(verb)
        ticket = self._new(verb, unquote(text), at_users)
        assert isinstance(ticket, m.Create)
        title = unquote(ticket.title)
        if not title:
            raise usage_error(verb)
        return m.ExplainRoute(replace(ticket, title=title))

    def _who(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> tuple[m.Mention | None, str]:
        mentions, leftover = extract_mentions(rest, at_users)
        if len(mentions) > 1:
            raise usage_error(verb)
        return (mentions[0] if mentions else None), leftover

    def _away(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        who, text = self._who(verb, rest, at_users)
        text = _UNTIL.sub("", text.strip(), count=1).strip()
        if not text:
            raise usage_error(verb)
        day = parse_day(text)
        if day is None:
            raise ParseError("error.bad_day", verb=verb, when=text[:40], usage=USAGE[verb])
        return m.SetAway(day, who)

    def _back(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        who, leftover = self._who(verb, rest, at_users)
        if leftover:
            raise usage_error(verb)
        return m.Back(who)
    def _report(self, verb: str, rest: str, at_users: Mapping[str, m.Mention]) -> m.Command:
        who, text = self._who(verb, rest, at_users)
        words = text.split()
        team: str | None = None
        by: str | None = None
        period: list[str] = []
        while words:
            word = words.pop(0)
            lowered = word.lower()
            named = _TEAM.match(word)
            if named:
                team = named.group("team").lower()
            elif lowered in ("team", "团队", "组") and words:
                team = words.pop(0).lower()
            elif lowered == "by" and words:
                by = REPORT_BREAKDOWNS.get(words.pop(0).lower()) or self._bad_report(verb)
            elif word.startswith("按") and len(word) > 1:  # 按分类, 按处理人, 按优先级
                by = REPORT_BREAKDOWNS.get(word[1:]) or self._bad_report(verb)
            else:
                period.append(word)
        return m.Report(" ".join(period), team, who, by)

    def _export(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        words = rest.split()
        team: str | None = None
        period: list[str] = []
        while words:
            word = words.pop(0)
            named = _TEAM.match(word)
            if named:
                team = named.group("team").lower()
            elif word.lower() in ("team", "团队", "组") and words:
                team = words.pop(0).lower()
            else:
                period.append(word)
        if not period:
            raise usage_error(verb)
        return m.Export(" ".join(period), team)

    def _bad_report(self, verb: str) -> str:
        raise usage_error(verb)

    def _sla(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        word, remainder = first_word(rest)
        if word.lower() not in EXPLAIN_WORDS:
            return m.SlaStatus(self._key_only(verb, rest))
        priority: Priority | None = None
        options: dict[str, str] = {}
        everything = False
        for token in remainder.split():
            option = _SLA_OPTION.match(token)
            if token.lower() in WHOLE_TIMELINE_WORDS:
                everything = True
            elif option:
                options[option.group("name").lower()] = option.group("value")
            elif priority is None and Priority.parse(token) is not None:
                priority = Priority.parse(token)
            else:
                raise usage_error(verb)
        if priority is None:
            raise usage_error(verb)
        raw_type = options.get("type") or options.get("类型")
        chosen = self.parse_type(raw_type) if raw_type else None
        ticket_type = chosen.type if chosen else None  # an own type's SLA is its built-in's
        if raw_type and ticket_type is None:
            raise ParseError("error.bad_type", token=raw_type[:40])
        queue = options.get("queue") or options.get("队列")
        return m.SlaExplain(priority, queue.upper() if queue else None, ticket_type,
                            options.get("category") or options.get("cat") or options.get("分类"),
                            options.get("group") or options.get("用户组"), everything)

    def _check_item(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        key, text = self._text(verb, rest)
        if not text.isdigit():
            raise usage_error(verb)
        return m.Check(key, int(text))

    def _help(self, verb: str, rest: str, _: Mapping[str, m.Mention]) -> m.Command:
        topic = rest.strip().lower() or None
        if topic is not None:
            topic = VERBS.get(topic) or VERBS.get(rest.strip())
            if topic is None:
                raise ParseError("error.unknown_help", word=rest.strip()[:40])
        return m.Help(topic)
