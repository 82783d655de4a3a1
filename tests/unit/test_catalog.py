"""Reply catalogs: both languages say everything the code can ask for, and overrides work."""

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from notifications.text import LOCALES_DIR, Catalog, CatalogError

ROOT = Path(__file__).resolve().parents[2]
UTC = ZoneInfo("UTC")


def keys(locale: str) -> set[str]:
    return set(yaml.safe_load((LOCALES_DIR / f"{locale}.yaml").read_text(encoding="utf-8")))


def test_both_locales_have_the_same_keys() -> None:
    assert keys("en") == keys("zh-CN")


def test_every_key_the_code_uses_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r"\"((?:error|ticket|help|route|away)\.[a-z_]+)\"")
    for package in ("workflows", "commands", "storage", "bot"):
        for source in (ROOT / package).rglob("*.py"):
            used |= set(pattern.findall(source.read_text(encoding="utf-8")))
    assert used, "the scan found no keys"
    assert used - keys("en") == set()


def test_override_replaces_a_text(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text('ticket.closed: "Done: {{ key }} 🎉"', encoding="utf-8")
    catalog = Catalog("en", UTC, tmp_path)
    assert catalog.text("ticket.closed", key="IT-7") == "Done: IT-7 🎉"


@pytest.mark.parametrize(("content", "message"), [
    ('ticket.closd: "x"', "unknown keys ticket.closd"),
    ('ticket.closed: "{{ key "', "template 'ticket.closed'"),
    ("- just a list", "expected a mapping"),
])
def test_broken_override_is_reported_at_load(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "en.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=re.escape(message)):
        Catalog("en", UTC, tmp_path)


def test_missing_variables_fail_loudly() -> None:
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        Catalog("en", UTC).text("ticket.closed")


def test_every_code_shown_in_words_has_a_text_in_both_languages() -> None:
    from workflows.assignment import P1Bypass, Strategy
    from workflows.choice import How

    codes = ({f"how.{h.value}" for h in How} | {f"strategy.{s.value}" for s in Strategy}
             | {f"bypass.{b.value}" for b in P1Bypass if b is not P1Bypass.NONE}
             | {f"hit.{k}" for k in ("keyword", "regex", "channel", "department", "type",
                                     "category")}
             | {"field.title", "field.description"} | {f"weekday.{d}" for d in range(7)})
    for locale in ("en", "zh-CN"):
        assert codes - keys(locale) == set(), locale


@pytest.mark.parametrize(("action", "expected"), [
    ("reply", "Only the requester or an admin can reply to this ticket."),
    ("priority", "Only the requester or an admin can change the priority of this ticket."),
    ("transfer_team", "Only the requester or an admin can transfer this ticket."),
])
def test_refusals_read_as_sentences(action: str, expected: str) -> None:
    text = Catalog("en", UTC).text("error.wrong_role", action=action, roles=["requester", "admin"])
    assert text == expected


def test_every_action_has_a_verb_in_both_languages() -> None:
    from workflows.actions import Action

    for locale in ("en", "zh-CN"):
        assert {f"verb.{a.value}" for a in Action} <= keys(locale)
