"""`schedule add|list|next|pause|resume|remove …` (计划 添加|列表|下次|暂停|恢复|删除 …).

`schedule add "weekly UPS check" every monday 09:00 team:it P4`: a quoted name (also the work
order's title), the recurrence in words, a time of day, then options. The phrase is kept as
typed: the use case reads it (commands/schedule_words.py) so that its refusal can say what it
understood of the rest.
"""

import re
from datetime import time

from commands import messages as m
from commands.tokens import ParseError, first_word, unquote, usage_error
from workflows.kinds import TicketType
from workflows.priority import Priority

SUBCOMMANDS = {
    "add": "add", "new": "add", "create": "add", "添加": "add", "新建": "add", "新增": "add",
    "list": "list", "ls": "list", "列表": "list", "全部": "list", "查看": "list",
    "next": "next", "upcoming": "next", "下次": "next", "接下来": "next",
    "pause": "pause", "暂停": "pause",
    "resume": "resume", "恢复": "resume", "继续": "resume",
    "remove": "remove", "delete": "remove", "rm": "remove", "删除": "remove", "移除": "remove",
}
_CJK_SUBCOMMANDS = sorted((a for a in SUBCOMMANDS if not a.isascii()), key=len, reverse=True)
_NAME = re.compile(r'^["“「『\'](?P<name>[^"”」』\']+)["”」』\']\s*(?P<rest>.*)$', re.S)
_TIME = re.compile(r"(?<!\d)(?P<h>\d{1,2})[:：](?P<m>\d{2})(?!\d)")
_OPTION = re.compile(r"^(?P<name>[a-z\-]+|[\u4e00-\u9fff]+)[:：=](?P<value>\S+)$", re.I)
_OPTIONS = {
    "team": "team", "团队": "team", "组": "team",
    "calendar": "calendar", "cal": "calendar", "日历": "calendar",
    "tz": "timezone", "timezone": "timezone", "zone": "timezone", "时区": "timezone",
    "from": "start", "start": "start", "starting": "start", "开始": "start", "从": "start",
    "until": "until", "end": "until", "截止": "until", "结束": "until", "到": "until",
    "count": "count", "times": "count", "次数": "count",
    "pause": "pause_after", "pause-after": "pause_after", "暂停": "pause_after",
    "holiday": "off_days", "holidays": "off_days", "off": "off_days", "节假日": "off_days",
    "假日": "off_days",
    "catchup": "catch_up", "catch-up": "catch_up", "missed": "catch_up", "补做": "catch_up",
    "type": "type", "类型": "type",
    "asset": "asset", "资产": "asset", "设备": "asset",
    "assettype": "asset_type", "asset-type": "asset_type", "资产类型": "asset_type",
    "设备类型": "asset_type",
}
OFF_DAY_WORDS = {"skip": "skip", "next": "next", "previous": "previous", "back": "previous",
                 "before": "previous", "keep": "keep", "跳过": "skip", "顺延": "next",
                 "提前": "previous", "照常": "keep"}
CATCH_UP_WORDS = {"all": "all", "latest": "latest", "last": "latest", "none": "none",
                  "全部": "all", "最近": "latest", "最近一次": "latest", "不补": "none"}


def parse_schedule(verb: str, rest: str) -> m.Command:
    word, remainder = first_word(rest)
    for alias in _CJK_SUBCOMMANDS:  # 计划添加「晨检」…: no space after the sub-command
        if word.startswith(alias) and len(word) > len(alias):
            word, remainder = alias, f"{word[len(alias):]} {remainder}"
            break
    sub = SUBCOMMANDS.get(word.lower()) or SUBCOMMANDS.get(word) if word else "list"
    if sub is None:
        raise usage_error(verb)
    remainder = remainder.strip()
    if sub == "list":
        if remainder:
            raise usage_error(verb)
        return m.ScheduleList()
    if sub == "add":
        return _add(verb, remainder)
    if sub == "next":
        token, after = first_word(remainder)
        count = 5
        if token.isdigit():
            count, remainder = max(1, min(int(token), 50)), after
        name = unquote(remainder)
        if not name:
            raise usage_error(verb)
        return m.ScheduleNext(name, count)
    name = unquote(remainder)
    if not name:
        raise usage_error(verb)
    return m.ScheduleChange(name, sub)


def _number(value: str, verb: str) -> int:
    if not value.isdigit():
        raise ParseError("error.schedule_number", value=value[:20])
    return int(value)


def _add(verb: str, text: str) -> m.Command:
    found = _NAME.match(text)
    if found is None:
        raise usage_error(verb)
    name = found.group("name").strip()
    rest = _TIME.sub(lambda t: f" {t.group(0)} ", found.group("rest"))  # 每周一09:00
    options: dict[str, str] = {}
    priority: Priority | None = None
    at: time | None = None
    phrase: list[str] = []
    for token in rest.split():
        option = _OPTION.match(token)
        clock = _TIME.fullmatch(token)
        key = _OPTIONS.get(option.group("name").lower()) if option else None
        if key is not None and option is not None:
            options[key] = option.group("value")
        elif clock is not None:
            hour, minute = int(clock.group("h")), int(clock.group("m"))
            if hour > 23 or minute > 59:
                raise ParseError("error.schedule_time", value=token)
            at = time(hour, minute)
        elif priority is None and Priority.parse(token) is not None and token[:1] in "Pp":
            priority = Priority.parse(token)
        else:
            phrase.append(token)
    ticket_type = TicketType.parse(options["type"]) if "type" in options else None
    if "type" in options and ticket_type is None:
        raise ParseError("error.bad_type", token=options["type"][:40])
    off_days = options.get("off_days")
    if off_days is not None and off_days.lower() not in OFF_DAY_WORDS:
        raise ParseError("error.schedule_option", option="holiday", value=off_days[:20])
    catch_up = options.get("catch_up")
    if catch_up is not None and catch_up.lower() not in CATCH_UP_WORDS:
        raise ParseError("error.schedule_option", option="catchup", value=catch_up[:20])
    return m.ScheduleAdd(
        name=name, rule=" ".join(phrase), at=at, team=options.get("team", "").lower() or None,
        priority=priority, type=ticket_type, calendar=options.get("calendar"),
        timezone=options.get("timezone"), start=options.get("start"),
        until=options.get("until"),
        count=_number(options["count"], verb) if "count" in options else None,
        pause_after=_number(options["pause_after"], verb) if "pause_after" in options else None,
        off_days=OFF_DAY_WORDS[off_days.lower()] if off_days else None,
        catch_up=CATCH_UP_WORDS[catch_up.lower()] if catch_up else None,
        asset=options.get("asset"), asset_type=options.get("asset_type"),
    )
