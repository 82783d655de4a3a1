"""Changing a workflow on a running system: tickets in a status the new file no longer has are
reported by `config check` (file:line, the status, the mapping they now act under) and keep
working from their phase's status."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.bootstrap import build_app
from bot.cli import config_check, open_counts, stale_lines
from bot.orgfile import SAMPLE, load_org
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def renamed_org(tmp_path: Path) -> Path:
    """The sample, with the change board's status renamed: `awaiting_cab` is gone."""
    text = SAMPLE.read_text(encoding="utf-8").replace("awaiting_cab", "awaiting_board")
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of_entry(path: Path, name: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip() == f"- name: {name}")


async def stale(org_file: Path, database_url: str) -> list[str]:
    counts = await open_counts(database_url)
    assert isinstance(counts, list), counts
    return stale_lines(load_org(org_file), counts)


async def test_a_ticket_in_a_lost_status_is_reported_and_keeps_working(
        chat: Chat, database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    key = (await chat.user("alice").says("new type:change Replace the core router")).answer.ticket.key
    assert (await chat.user("bob").says(f"claim {key}")).ok
    assert (await chat.user("bob").says(f"pend {key} for the board")).ok
    other = (await chat.user("alice").says("new Monitor flickers")).answer.ticket.key
    assert (await chat.user("bob").says(f"claim {other}")).ok
    assert (await chat.user("bob").says(f"pend {other} which floor?")).ok  # built-in: not stale

    assert await stale(SAMPLE, database_url) == []
    changed = renamed_org(tmp_path)
    warnings = await stale(changed, database_url)
    assert warnings == [
        f"warning: {changed}:{line_of_entry(changed, 'change_with_cab')}: workflows[0]: 1 open "
        f"change_request ticket is in status 'awaiting_cab' (e.g. {key}), which workflow "
        "'change_with_cab' no longer has; they act as 'awaiting_board', its status of the "
        "pending phase — add 'awaiting_cab' back to keep them where they were, or leave them "
        "mapped so"]

    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=changed,
                                   locale="en", timezone="UTC"), clock=clock)
    try:
        after = Chat(app)
        shown = await after.user("dave").says(f"show {key}")
        assert "Awaiting CAB" in shown.card  # the renamed status keeps the words
        assert not (await after.user("dave").says(f"resume {key}")).ok  # still the board's
        # The board's approval step carries over to the mapped status.
        assert (await after.user("erin").says(f"approve {key}")).ok
        resumed = await after.user("admin").says(f"resume {key}")
        assert resumed.ok, resumed.text
        assert "In progress" in resumed.card
    finally:
        await app.aclose()
    assert await stale(changed, database_url) == []


def test_checking_a_file_without_a_database_creates_none(
        tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    missing = tmp_path / "none.db"
    assert config_check(SAMPLE, NOW, f"sqlite:///{missing}") == 0
    assert not missing.exists()
    assert "OK" in capsys.readouterr().out


def test_an_old_schema_is_a_note_not_a_failure(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    assert config_check(SAMPLE, NOW, f"sqlite:///{empty}") == 0
    assert "note: the tickets were not compared with the workflows" in capsys.readouterr().out
