"""Instants and spans in a reader's words, with Babel: every time names its zone, and a span
measured on an office calendar says business hours or days, never 24-hour days."""

import functools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_datetime, get_timezone_location
from babel.numbers import format_decimal
from babel.units import format_unit

BABEL_LOCALES = {"en": "en", "zh-CN": "zh_Hans_CN"}
# Babel's unit widths that read naturally: English "2h 10m" / "8 hours", Chinese "2小时10分钟".
COMPACT = {"en": "narrow", "zh-CN": "short"}
WORDY = {"en": "long", "zh-CN": "short"}
# What Chinese readers call China's zone; Babel's location form would say 上海时间.
ZH_NAMES = {"Asia/Shanghai": "北京时间", "Asia/Chongqing": "北京时间", "PRC": "北京时间",
            "Asia/Harbin": "北京时间", "UTC": "UTC", "Etc/UTC": "UTC"}


@functools.cache
def babel_locale(locale: str) -> Locale:
    """Babel's locale, parsed once: given a name, each formatting call parses it again and
    looks for its data file on disk."""
    return Locale.parse(BABEL_LOCALES.get(locale, "en"))


def offset_text(moment: datetime) -> str:
    """`UTC+8`, `UTC-4`, `UTC+5:30`, `UTC`: the zone's offset at that instant."""
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def zone_label(tz: ZoneInfo, moment: datetime, locale: str) -> str:
    """English names the IANA zone (`Asia/Shanghai`); Chinese the city's time and offset
    (`北京时间 UTC+8`, `柏林时间 UTC+1`)."""
    local = moment.astimezone(tz)
    if locale != "zh-CN":
        return str(tz)
    name = ZH_NAMES.get(str(tz))
    if name is None:
        city = get_timezone_location(tz, locale=babel_locale(locale), return_city=True)
        name = f"{city}时间"
    return name if name == "UTC" else f"{name} {offset_text(local)}"


def moment_text(moment: datetime, tz: ZoneInfo, locale: str) -> str:
    """`2026-03-02 17:30 (Asia/Shanghai)` / `2026-03-02 17:30（北京时间 UTC+8）`."""
    when = format_datetime(moment, "yyyy-MM-dd HH:mm", tzinfo=tz, locale=babel_locale(locale))
    label = zone_label(tz, moment, locale)
    return f"{when}（{label}）" if locale == "zh-CN" else f"{when} ({label})"


def compact_parts(seconds: float, locale: str, days: bool = True) -> list[str]:
    """`['3d', '4h']`, `['2h', '10m']`; with days=False (office calendars) hours never fold
    into 24-hour days: `['27h']`."""
    return list(_compact(max(0, int(seconds)) // 60, locale, days))


@functools.lru_cache(maxsize=4096)
def _compact(minutes: int, locale: str, days: bool) -> tuple[str, ...]:
    # Babel takes some 35 µs a unit, and a card or a list says the same spans again and again.
    day_count, rest = divmod(minutes, 1440) if days else (0, minutes)
    hours, mins = divmod(rest, 60)
    width = COMPACT.get(locale, "narrow")
    parts = [format_unit(n, unit, length=width, locale=babel_locale(locale)) for unit, n in
             (("duration-day", day_count), ("duration-hour", hours), ("duration-minute", mins))
             if n]
    return tuple(parts or [format_unit(0, "duration-minute", length=width,
                                       locale=babel_locale(locale))])


def number_text(value: float, locale: str) -> str:
    return format_decimal(value, "#,##0.##", locale=babel_locale(locale))


def plural_form(value: float, locale: str) -> str:
    """CLDR's plural category (`one`, `other`, …) for the catalogs' plural words."""
    return babel_locale(locale).plural_form(value)


@functools.lru_cache(maxsize=1024)
def wall_span(seconds: float, locale: str) -> str:
    """A 24×7 span in words: `3 days`, `4 hours`, `1.5 hours` / `3天`, `4小时`."""
    width = WORDY.get(locale, "long")
    if seconds >= 86400 and seconds % 86400 == 0:
        return format_unit(int(seconds // 86400), "duration-day", length=width,
                           locale=babel_locale(locale))
    if seconds >= 3600:
        hours = round(seconds / 3600, 2)
        return format_unit(hours, "duration-hour", length=width, format="#,##0.##",
                           locale=babel_locale(locale))
    return format_unit(int(seconds // 60), "duration-minute", length=width,
                       locale=babel_locale(locale))


def business_span(seconds: float, workday: timedelta | None) -> tuple[str, float]:
    """Which business unit a target reads best in, and how many: whole working days when the
    calendar's working days all last the same, else hours."""
    day = workday.total_seconds() if workday else 0
    # One working day reads better as its hours ("8 business hours"); two and more as days.
    if day and seconds >= 2 * day and seconds % day == 0:
        return "days", seconds // day
    return "hours", round(seconds / 3600, 2)
