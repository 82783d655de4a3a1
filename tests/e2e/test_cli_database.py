"""Every CLI command meets a DATABASE_URL it cannot use with one sentence and exit 2, never a
traceback; `db upgrade` says what it applied; the console creates a brand-new SQLite database by
itself but never migrates an existing one."""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage.migrate import upgrade
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def ticketbot(cwd: Path, database_url: str, *args: str, stdin: str = ""
              ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TICKETBOT_", "SLACK_", "DINGTALK_"))}
    env.update(DATABASE_URL=database_url, PYTHONPATH=str(ROOT), TICKETBOT_LOG_LEVEL="WARNING")
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], input=stdin, cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def unreachable() -> str:
    return f"postgresql://postgres@127.0.0.1:{free_port()}/ticketbot"


BAD_URLS = [
    (unreachable, "Cannot reach the database at 127.0.0.1:"),
    (lambda: "postgresql://postgres@127.0.0.1:5432/no_such_database_here",
     "The database 'no_such_database_here' does not exist on 127.0.0.1:5432"),
    (lambda: "mysql://user@localhost/tickets", "DATABASE_URL names mysql, which ticketbot does not run on"),
    (lambda: "not a url", "DATABASE_URL is not a database URL"),
    (lambda: "sqlite:////no/such/folder/ticketbot.db", "Cannot open the SQLite database /no/such/folder"),
]


def one_sentence(done: subprocess.CompletedProcess[str], sentence: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(sentence), done.stderr


@pytest.mark.parametrize(("url", "sentence"), BAD_URLS)
def test_a_database_that_cannot_be_used_gets_one_sentence(
        tmp_path: Path, url: Callable[[], str], sentence: str) -> None:
    one_sentence(ticketbot(tmp_path, url(), "db", "current"), sentence)


@pytest.mark.parametrize("command", [["db", "upgrade"], ["autoclose"], ["sla", "sweep"],
                                     ["outbox", "stats"], ["console"], ["serve"]])
def test_every_command_says_the_same(tmp_path: Path, command: list[str]) -> None:
    one_sentence(ticketbot(tmp_path, unreachable(), *command), "Cannot reach the database at")


def test_db_upgrade_says_what_it_applied(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ticketbot.db'}"
    first = ticketbot(tmp_path, url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("applied ")
    assert "0001: Initial schema" in first.stdout and "0005: SLA clocks" in first.stdout
    again = ticketbot(tmp_path, url, "db", "upgrade")
    assert again.stdout == "the database schema is up to date\n"


def test_the_console_creates_a_new_database_by_itself(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    done = ticketbot(tmp_path, url, "console", stdin="new P3 Printer jammed\n")
    assert done.returncode == 0, done.stderr
    assert "(new database created)" in done.stdout
    assert "Created IT-1" in done.stdout
    again = ticketbot(tmp_path, url, "console", stdin="history IT-1\n")
    assert "(new database created)" not in again.stdout and "Printer jammed" in again.stdout


def test_the_console_never_migrates_an_existing_old_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0004")
    done = ticketbot(tmp_path, url, "console", stdin="new P3 Printer jammed\n")
    assert done.returncode == 2
    assert "Run: ticketbot db upgrade" in done.stderr and "Traceback" not in done.stderr
