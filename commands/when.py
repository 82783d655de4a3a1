"""Days as people write them, in English or Chinese: `Monday`, `tomorrow`, `3d`, `2026-12-01`,
`周一`, `下周一`, `明天`, `3天`, `12月1日`. Text in, a `Day` out; the use case resolves it in the
person's time zone (workflows.away.back_at)."""

import re
from datetime import date

from workflows.away import Day, DayKind

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5,
    "sat": 5, "sunday": 6, "sun": 6,
}
_CN_DIGITS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_CN_WEEKDAY = re.compile(r"^(?P<next>下个?)?(?:周|星期|礼拜)(?P<d>[一二三四五六日天七])$")
_RELATIVE = {"tomorrow": 1, "tmr": 1, "明天": 1, "明日": 1, "day after tomorrow": 2, "后天": 2,
             "大后天": 3}
_SPAN = re.compile(
    r"^(?P<n>\d{1,3})\s*(?P<unit>d|days?|天|日|w|weeks?|周|个?星期|个?礼拜)$")
_ISO = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})$")
_CN_DATE = re.compile(r"^(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]?$")
_MONTH_DAY = re.compile(r"^(?P<m>\d{1,2})[-/](?P<d>\d{1,2})$")


def parse_day(text: str) -> Day | None:
    raw = " ".join(text.split())
    word = raw.lower().removeprefix("next ").removeprefix("this ")
    if word in _WEEKDAYS:
        return Day(DayKind.WEEKDAY, raw, weekday=_WEEKDAYS[word])
    if word in _RELATIVE:
        return Day(DayKind.IN_DAYS, raw, days=_RELATIVE[word])
    match = _CN_WEEKDAY.match(word)
    if match:
        kind = DayKind.NEXT_WEEK if match.group("next") else DayKind.WEEKDAY
        return Day(kind, raw, weekday=_CN_DIGITS[match.group("d")])
    match = _SPAN.match(word)
    if match:
        weeks = match.group("unit")[:1] in ("w", "周", "个", "星", "礼")
        return Day(DayKind.IN_DAYS, raw, days=int(match.group("n")) * (7 if weeks else 1))
    for pattern in (_ISO, _CN_DATE, _MONTH_DAY):
        match = pattern.match(word)
        if match:
            return _date(raw, match.groupdict().get("y"), match.group("m"), match.group("d"))
    return None


def _date(raw: str, year: str | None, month: str, day: str) -> Day | None:
    try:
        if year is None:  # the next such day: resolved against today by the use case
            date(2024, int(month), int(day))  # a leap year: 2-29 is a real day
            return Day(DayKind.MONTH_DAY, raw, month=int(month), days=int(day))
        return Day(DayKind.DATE, raw, on=date(int(year), int(month), int(day)))
    except ValueError:
        return None
