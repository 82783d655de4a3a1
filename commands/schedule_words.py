"""How people say a recurrence, in English and Chinese, and the RFC 5545 rule it is.

`every monday`, `every workday`, `every 3 days`, `every month on the 31st`, `every last friday`,
`last workday of the month`, `every year on 03-15`; `每天`, `每个工作日`, `每周一三五`, `每3天`,
`每月31日`, `每月最后一个周五`, `每月最后一个工作日`, `每年3月15日`. A `Rule` goes both ways
(`rrule()` and `Rule.of(rrule, off_days)`), so a stored schedule is described in the reader's
words without keeping the text it was typed as.
"""

import re
from dataclasses import dataclass

from workflows.schedule import OffDays

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_EN_DAYS = {name: code for code, names in zip(DAYS, (
    ("monday", "mon", "mondays"), ("tuesday", "tue", "tues", "tuesdays"),
    ("wednesday", "wed", "wednesdays"), ("thursday", "thu", "thur", "thurs", "thursdays"),
    ("friday", "fri", "fridays"), ("saturday", "sat", "saturdays"),
    ("sunday", "sun", "sundays")), strict=True) for name in names}
_ZH_DAYS = {"一": "MO", "二": "TU", "三": "WE", "四": "TH", "五": "FR", "六": "SA", "日": "SU",
            "天": "SU", "1": "MO", "2": "TU", "3": "WE", "4": "TH", "5": "FR", "6": "SA",
            "7": "SU"}
_POSITIONS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "1st": 1, "2nd": 2,
              "3rd": 3, "4th": 4, "第一个": 1, "第二个": 2, "第三个": 3, "第四个": 4, "最后一个": -1,
              "第1个": 1, "第2个": 2, "第3个": 3, "第4个": 4}


@dataclass(frozen=True, slots=True)
class Rule:
    """One recurrence as people think of it. `kind`: daily, workday, weekly, monthly_day,
    monthly_weekday, last_workday, yearly."""

    kind: str
    interval: int = 1
    days: tuple[str, ...] = ()  # weekly: MO, TU, …; monthly_weekday: one day
    position: int = 0  # monthly_weekday: 1…4 or -1 (last)
    monthday: int = 0  # monthly_day: 1…31 or -1; yearly: the day
    month: int = 0  # yearly

    def rrule(self) -> str:
        every = f";INTERVAL={self.interval}" if self.interval > 1 else ""
        return {
            "daily": f"FREQ=DAILY{every}",
            "workday": "FREQ=DAILY",
            "weekly": f"FREQ=WEEKLY{every};BYDAY={','.join(self.days)}",
            "monthly_day": f"FREQ=MONTHLY{every};BYMONTHDAY={self.monthday}",
            "monthly_weekday": f"FREQ=MONTHLY{every};BYDAY={self.position}{''.join(self.days)}",
            "last_workday": f"FREQ=MONTHLY{every};BYMONTHDAY=-1",
            "yearly": f"FREQ=YEARLY;BYMONTH={self.month};BYMONTHDAY={self.monthday}",
        }[self.kind]

    @property
    def off_days(self) -> OffDays | None:
        """What the rule itself says about days off (None: the schedule's own choice)."""
        return {"workday": OffDays.SKIP, "last_workday": OffDays.PREVIOUS}.get(self.kind)

    @classmethod
    def of(cls, rrule: str, off_days: OffDays) -> "Rule":
        parts = dict(p.split("=", 1) for p in rrule.split(";") if "=" in p)
        freq, interval = parts.get("FREQ"), int(parts.get("INTERVAL", "1"))
        if freq == "DAILY":
            return cls("workday" if off_days is OffDays.SKIP else "daily", interval)
        if freq == "WEEKLY":
            return cls("weekly", interval, tuple(parts.get("BYDAY", "").split(",")))
        if freq == "MONTHLY" and "BYDAY" in parts:
            found = re.fullmatch(r"([+-]?\d)([A-Z]{2})", parts["BYDAY"])
            position, day = (int(found.group(1)), found.group(2)) if found else (1, "MO")
            return cls("monthly_weekday", interval, (day,), position)
        if freq == "MONTHLY":
            day = int(parts.get("BYMONTHDAY", "1"))
            if day == -1 and off_days is OffDays.PREVIOUS:
                return cls("last_workday", interval)
            return cls("monthly_day", interval, monthday=day)
        return cls("yearly", 1, monthday=int(parts.get("BYMONTHDAY", "1")),
                   month=int(parts.get("BYMONTH", "1")))

    def params(self) -> dict[str, object]:
        """For the catalogs' `schedule.rule` template."""
        return {"kind": self.kind, "interval": self.interval, "days": list(self.days),
                "position": self.position, "monthday": self.monthday, "month": self.month}


def _ordinal(word: str) -> int | None:
    found = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", word)
    return int(found.group(1)) if found else None


def _en(words: list[str]) -> Rule | None:
    words = [w for w in words if w not in ("on", "the", "at", "of", "and", "day", "a")] \
        if words[:2] != ["every", "day"] else words
    text = " ".join(words).replace(",", " ")
    words = text.split()
    if words in (["every", "day"], ["daily"]):
        return Rule("daily")
    if words in (["every", "workday"], ["every", "working"], ["workdays"], ["every", "weekday"],
                 ["every", "business"], ["every", "workdays"]):
        return Rule("workday")
    if words and words[0] in ("every", "monthly", "yearly", "weekly", "last"):
        head, rest = words[0], words[1:]
        interval = 1
        if head == "every" and rest and rest[0].isdigit():
            interval, rest = int(rest[0]), rest[1:]
            if rest in (["days"],):
                return Rule("daily", interval)
            if rest[:1] in (["weeks"], ["months"]):
                head, rest = ("weekly" if rest[0] == "weeks" else "monthly"), rest[1:]
        if head == "every" and rest[:1] in (["week"], ["month"], ["year"]):
            head, rest = {"week": "weekly", "month": "monthly", "year": "yearly"}[rest[0]], rest[1:]
        if head == "last":
            head, rest = "monthly", ["last", *rest]
        if rest and all(w in _EN_DAYS for w in rest) and head in ("every", "weekly"):
            return Rule("weekly", interval, tuple(sorted({_EN_DAYS[w] for w in rest},
                                                        key=DAYS.index)))
        if head in ("every", "monthly") and len(rest) >= 2 and rest[0] in _POSITIONS:
            if rest[1] in ("workday", "working", "business") and head in ("every", "monthly"):
                if _POSITIONS[rest[0]] == -1:
                    return Rule("last_workday", interval)
                return None
            if rest[1] in _EN_DAYS and len(rest) <= 3:
                return Rule("monthly_weekday", interval, (_EN_DAYS[rest[1]],),
                            _POSITIONS[rest[0]])
        if head == "monthly" and len(rest) == 1:
            day = -1 if rest[0] == "last" else _ordinal(rest[0])
            if day is not None and (day == -1 or 1 <= day <= 31):
                return Rule("monthly_day", interval, monthday=day)
        if head == "yearly" and len(rest) == 1:
            found = re.fullmatch(r"(\d{1,2})-(\d{1,2})", rest[0])
            if found and 1 <= int(found.group(1)) <= 12 and 1 <= int(found.group(2)) <= 31:
                return Rule("yearly", month=int(found.group(1)), monthday=int(found.group(2)))
    return None


_ZH = [
    (re.compile(r"^每天$|^每日$"), lambda g: Rule("daily")),
    (re.compile(r"^每(\d+)天$"), lambda g: Rule("daily", int(g[0]))),
    (re.compile(r"^每个?工作日$"), lambda g: Rule("workday")),
    (re.compile(r"^每月最后一个工作日$"), lambda g: Rule("last_workday")),
    (re.compile(r"^每月最后一天$"), lambda g: Rule("monthly_day", monthday=-1)),
    (re.compile(r"^每月(\d{1,2})[日号]$"), lambda g: Rule("monthly_day", monthday=int(g[0]))),
    (re.compile(r"^每月(最后一个|第[一二三四1-4]个)(?:周|星期|礼拜)([一二三四五六日天])$"),
     lambda g: Rule("monthly_weekday", 1, (_ZH_DAYS[g[1]],), _POSITIONS[g[0]])),
    (re.compile(r"^每年(\d{1,2})月(\d{1,2})[日号]$"),
     lambda g: Rule("yearly", month=int(g[0]), monthday=int(g[1]))),
    (re.compile(r"^每(?:周|星期|礼拜)([一二三四五六日天、，,和]+)$"),
     lambda g: Rule("weekly", 1, tuple(sorted({_ZH_DAYS[c] for c in g[0] if c in _ZH_DAYS},
                                             key=DAYS.index)))),
]


def parse_rule(text: str) -> Rule | None:
    """The rule a phrase says, or None if it says none we know."""
    compact = re.sub(r"\s+", "", text)
    if compact and not compact.isascii():
        if compact.startswith("每周"):  # 每周一、周三 is 每周一三
            compact = "每周" + re.sub(r"(?:周|星期|礼拜)", "", compact[2:])
        for pattern, build in _ZH:
            found = pattern.match(compact)
            if found:
                rule = build(found.groups())
                if rule.kind == "monthly_day" and not (rule.monthday == -1
                                                       or 1 <= rule.monthday <= 31):
                    return None
                if rule.kind == "yearly" and not (1 <= rule.month <= 12
                                                  and 1 <= rule.monthday <= 31):
                    return None
                return rule if rule.kind != "weekly" or rule.days else None
        return None
    words = text.lower().split()
    return _en(words) if words else None
