"""Render answers with the locale's Jinja2 catalog. Unknown variables fail loudly (StrictUndefined).

A deployer may override any key by putting `<locale>.yaml` files with just those keys in a
directory of their own; a broken override is reported when the catalog loads, not mid-chat.
"""

import contextlib
import functools
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from jinja2 import Environment, StrictUndefined, Template, TemplateSyntaxError

from commands.answer import Answer
from notifications.escaping import Raw, finalizer, plain
from notifications.timefmt import (
    business_span,
    compact_parts,
    moment_text,
    number_text,
    plural_form,
    wall_span,
)
from workflows.people import Person
from workflows.ticket import Ticket

LOCALES_DIR = Path(__file__).parent / "locales"
LOCALES = ("en", "zh-CN")


class CatalogError(Exception):
    pass


# Reasons the system writes to the audit trail in English (workflows/sla.py); the catalog says
# them in the reader's words (`why.<name>`), with what the English text carries as parameters.
_SYSTEM_REASONS = (
    ("escalation_step", re.compile(r"SLA escalation step (?P<step>\d+) \((?P<clock>\w+) breached"
                                   r"(?:; done (?P<late>\d+) min late)?\)$")),
    ("exhausted", re.compile(r"SLA escalation exhausted$")),
    ("nobody_to_reassign", re.compile(r"nobody to reassign to$")),
    ("priority_at_top", re.compile(r"priority cannot be raised$")),
    ("duplicate", re.compile(r"duplicate of (?P<other>[A-Z][A-Z0-9]*-\d+)$")),  # a merge's resolution
)


def _load(path: Path) -> dict[str, str]:
    # Parsed once per file version: every relay, renderer and test builds catalogs.
    return dict(_parse(path, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=32)
def _parse(path: Path, _version: int) -> dict[str, str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise CatalogError(f"{path}: expected a mapping of key: template text")
    return data


class LazyTemplates:
    """A catalog's templates by key, each compiled the first time it is asked for."""

    def __init__(self, env: Environment, locale: str, texts: dict[str, str]) -> None:
        self.env, self.locale, self.texts = env, locale, texts
        self.compiled: dict[str, Template] = {}

    def __contains__(self, key: object) -> bool:
        return key in self.texts

    def get(self, key: str) -> Template | None:
        template = self.compiled.get(key)
        if template is None and key in self.texts:
            try:
                template = self.compiled[key] = self.env.from_string(self.texts[key])
            except TemplateSyntaxError as error:
                raise CatalogError(f"{self.locale}: template {key!r}: {error}") from error
        return template


class Catalog:
    def __init__(self, locale: str, tz: ZoneInfo, override_dir: Path | None = None,
                 escape: Callable[[str], str] = plain, platform: str = "console",
                 now: Callable[[], datetime] | None = None) -> None:
        self.platform = platform
        self.now = now or (lambda: datetime.now(UTC))
        if locale not in LOCALES:
            raise CatalogError(f"unknown locale {locale!r}; available: {', '.join(LOCALES)}")
        self.locale = locale
        self.tz = tz
        self._reader_tz: ZoneInfo | None = None  # set by `zoned` while one reader's text renders
        # Catalogs built alike say the same words (what renders them may cache by this).
        self.identity = (locale, platform, str(tz), str(override_dir))
        texts = _load(LOCALES_DIR / f"{locale}.yaml")
        extra_keys: list[str] = []
        if override_dir is not None:
            override = override_dir / f"{locale}.yaml"
            if override.exists():
                extra = _load(override)
                unknown = sorted(set(extra) - set(texts))
                if unknown:
                    raise CatalogError(f"{override}: unknown keys {', '.join(unknown)}")
                texts.update(extra)
                extra_keys = list(extra)
        # Every interpolated value passes through the platform's escaping (finalize); only
        # Raw values built by code (mentions, links) go through untouched.
        self.env = Environment(undefined=StrictUndefined, autoescape=False,
                               keep_trailing_newline=False, finalize=finalizer(escape))
        self.env.filters.update(self._filters())
        # Words without a placeholder are said as they are, with no template to render (a card
        # has a dozen of them: its labels and its buttons).
        self.constants: dict[str, str] = {key: str(text).strip() for key, text in texts.items()
                                          if "{" not in str(text)}
        # Templates are compiled on first use: a catalog holds hundreds and a process uses a
        # few dozen, and compiling them all made every new catalog cost a third of a second.
        # A deployer's overrides are compiled now, so a broken one is reported at load.
        self.templates = LazyTemplates(self.env, locale, texts)
        for key in extra_keys:
            self.templates.get(key)

    def _filters(self) -> dict[str, Callable[..., str]]:
        return {
            "who": lambda p: p.label if isinstance(p, Person) else str(p),
            "dt": self.format_time,
            "status": self.status_words,
            # An organisation's own ticket type in the reader's words (workflows.ticket_types).
            "type_name": self.type_name,
            "action": lambda a: self.text(f"action.{a}") if f"action.{a}" in self.templates
            else str(a),
            "role": lambda r: self.text(f"role.{r}"),
            "mention": self.mention,
            "relative": self.relative,
            # `how | term('how')` -> the text of key how.<value>: words for codes in data.
            "term": lambda value, group: self.text(f"{group}.{value}"),
            # `key | say(params)`: another template's text, already escaped inside.
            "say": lambda key, params: Raw(self.text(key, **params)),
            "duration": self.format_duration,
            "target": self.format_target,
            "clock": lambda c: self.text(f"clock.{c}"),
            "history_line": self.history_line,
            "why": self.why,
            # `verb | usage`: a command's usage line, with placeholders in the reader's words.
            "usage": lambda verb: self.text(f"usage.{verb}"),
            # `field | called('change')`: the words for a code, or the code when there are none.
            "called": lambda value, group: self.text(f"{group}.{value}")
            if f"{group}.{value}" in self.templates else str(value),
            "sla_step": lambda s: Raw(self.text(s.template, clock=s.clock, number=s.number,
                                                action=s.action, percent=s.percent, to=s.to)),
        }

    def status_words(self, status: str) -> str:
        """A status in the reader's words: a workflow's own names (workflows.workflow_status.
        StatusWord), else the catalog's for a built-in one, else the id as written."""
        names = getattr(status, "names", None) or {}
        if self.locale in names:
            return names[self.locale]
        if f"status.{status}" in self.templates:
            return self.text(f"status.{status}")
        return next(iter(names.values()), str(status).replace("_", " "))

    def type_name(self, word: str, names: dict[str, str] | None = None) -> str:
        """An own type in the reader's words (a TypeWord's names, or those given), else the
        catalog's words for a built-in type, else the id as written."""
        names = names or getattr(word, "names", None) or {}
        if self.locale in names:
            return names[self.locale]
        if f"type.{word}" in self.templates:
            return self.text(f"type.{word}")
        return next(iter(names.values()), str(word).replace("_", " "))

    def card_status(self, card: dict[str, Any]) -> str:
        """A card snapshot's status in the reader's words (`status_names`: the workflow's)."""
        word = card["status"]
        names = card.get("status_names") or {}
        if self.locale in names:
            return names[self.locale]
        return self.status_words(word) if not names else next(iter(names.values()))

    def mention(self, person: dict[str, Any] | Person) -> str:
        """A mention the platform turns into a ping (built here, so it is Raw, not escaped)."""
        if isinstance(person, Person):
            person = {"label": person.label, "slack_id": person.id_on("slack")}
        if self.platform == "slack" and person.get("slack_id"):
            return Raw(f"<@{person['slack_id']}>")
        return "@" + str(person.get("label", ""))

    def relative(self, value: datetime | str) -> str:
        """`in 2 hours` / `3 days ago` (zh-CN: `2 小时后` / `3 天前`), from now."""
        moment = datetime.fromisoformat(value) if isinstance(value, str) else value
        seconds = (moment - self.now()).total_seconds()
        span = abs(seconds)
        units = [(name, int(span // size)) for name, size in
                 (("day", 86400), ("hour", 3600), ("minute", 60)) if span >= size]
        if not units:
            return self.text("time.now")
        name, count = units[0]
        key = "time.in" if seconds > 0 else "time.ago"
        return self.text(key, count=count, unit=self.text(f"time.{name}", count=count))

    @contextlib.contextmanager
    def zoned(self, zone: ZoneInfo | str | None) -> Iterator["Catalog"]:
        """Render for one reader: times in their zone. Rendering is synchronous, so nothing
        else renders with this catalog while the block runs."""
        before = self._reader_tz
        self._reader_tz = ZoneInfo(zone) if isinstance(zone, str) else zone or before
        try:
            yield self
        finally:
            self._reader_tz = before

    @property
    def reader_tz(self) -> ZoneInfo:
        return self._reader_tz or self.tz

    def format_time(self, value: datetime | str, zone: ZoneInfo | str | None = None) -> str:
        """`2026-03-02 17:30 (Asia/Shanghai)` in the reader's zone; on Slack a `<!date>` that
        Slack shows in each reader's own zone, its fallback naming the zone."""
        if isinstance(value, str):  # audit details keep instants as ISO text
            value = datetime.fromisoformat(value)
        tz = ZoneInfo(zone) if isinstance(zone, str) else zone or self.reader_tz
        text = moment_text(value, tz, self.locale)
        if self.platform == "slack":
            return Raw(f"<!date^{int(value.timestamp())}^{{date_short_pretty}} {{time}}|{text}>")
        return Raw(text)  # built here from the zone's name (`America/New_York`): no escaping

    def format_duration(self, value: timedelta | float | None, clock: Any = None) -> str:
        """`2h 10m`, `3d 4h`, `0m` in English; `2小时10分钟` in Chinese (seconds or a timedelta).
        Measured on an office calendar (`clock.business`), hours never fold into days."""
        seconds = value.total_seconds() if isinstance(value, timedelta) else value or 0
        days = not getattr(clock, "business", False)
        return Raw(self.text("unit.join", parts=compact_parts(seconds, self.locale, days)))

    def format_target(self, value: timedelta | float | None, clock: Any = None) -> str:
        """A target in the clock's terms: `8 business hours`, `3 business days` on an office
        calendar (`clock.business`, `clock.workday`), `4 hours`, `3 days` on a 24×7 one."""
        seconds = value.total_seconds() if isinstance(value, timedelta) else value or 0
        if not getattr(clock, "business", False):
            return Raw(wall_span(seconds, self.locale))
        unit, count = business_span(seconds, getattr(clock, "workday", None))
        return Raw(self.text(f"sla.business_{unit}", n=number_text(count, self.locale),
                             form=plural_form(count, self.locale)))

    def history_line(self, line: Any) -> str:
        """An SLA line of the history, in words: `history.<action>` with the line's details."""
        details = {name: change[1] for name, change in (line.changes or {}).items()}
        text = self.text(f"history.{line.action}", reason=line.reason, **details)
        if details.get("late") or details.get("skipped"):
            text += " " + self.text("history.late", late=details.get("late") or 0,
                                    skipped=details.get("skipped") or 0, due=details.get("due"))
        return Raw(text)  # its values were escaped by the line's own template

    def why(self, line: Any) -> str:
        """A reason in the reader's words. A person's reason is theirs, as typed; the system's
        lines carry codes (`how` an assignment was decided, the routing `rule` and its hits) or
        one of the few English reasons it writes, said through `why.*`."""
        if isinstance(line, str) or line is None:
            changes, reason = {}, line
        else:
            changes, reason = (line.changes or {}), line.reason
        if changes.get("how"):
            return Raw(self.text("why.assign", how=changes["how"][1], reason=reason))
        if changes.get("rule"):
            return Raw(self.text("why.route", rule=changes["rule"][1], reason=reason,
                                 hits=(changes.get("hits") or [None, []])[1]))
        for name, pattern in _SYSTEM_REASONS:
            found = pattern.match(reason or "")
            if found:
                return Raw(self.text(f"why.{name}", reason=reason, **found.groupdict()))
        return reason or ""

    def text(self, name: str, /, **params: Any) -> str:
        constant = self.constants.get(name)
        if constant is not None:
            return constant
        template = self.templates.get(name)
        if template is None:
            return name
        return template.render(**params).strip()

    def answer(self, answer: Answer) -> str:
        with self.zoned(answer.zone):
            return self.text(answer.key, ticket=answer.ticket, **answer.params)

    def card(self, ticket: Ticket, zone: ZoneInfo | str | None = None) -> str:
        with self.zoned(zone):
            return self.text("card", t=ticket)
