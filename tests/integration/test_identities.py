"""A person's accounts on the messengers: copied from today's columns by the migration, listed
in the organisation file, found by (platform, workspace, external id)."""

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.platforms import FEISHU, SLACK
from storage.directory import DirectoryEntry, sync_directory
from storage.engine import make_engine, session_factory
from storage.migrate import upgrade
from storage.unit_of_work import SqlUnitOfWorkFactory

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_the_migration_copies_slack_and_dingtalk_ids(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade(f"sqlite:///{path}", "0016_api")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO people (handle, name, slack_id, dingtalk_id, created_at) VALUES"
                   " ('ann', 'Ann', 'U1', 'staff-ann', '2026-01-01 00:00:00+00:00'),"
                   " ('bob', 'Bob', NULL, 'staff-bob', '2026-01-01 00:00:00+00:00'),"
                   " ('cy', 'Cy', NULL, NULL, '2026-01-01 00:00:00+00:00')")
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT p.handle, i.platform, i.workspace, i.external_id FROM"
                          " person_identities i JOIN people p ON p.id = i.person_id"
                          " ORDER BY p.handle, i.platform").fetchall()
    assert rows == [("ann", "dingtalk", "", "staff-ann"), ("ann", "slack", "", "U1"),
                    ("bob", "dingtalk", "", "staff-bob")]


@pytest.fixture
async def uow(database_url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    await sync_directory(sessions, [
        DirectoryEntry("ann", "Ann", "U1", None, (("feishu", "", "ou_ann"),)),
        DirectoryEntry("bob", "Bob", None, None, (("feishu", "cli_b", "ou_shared"),)),
        DirectoryEntry("cy", "Cy", None, None, (("feishu", "cli_c", "ou_shared"),)),
    ], ["IT"], NOW)
    yield SqlUnitOfWorkFactory(sessions)
    await engine.dispose()


async def test_accounts_from_the_file_find_their_person(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        ann = await work.people.person_by_identity(FEISHU, "cli_any", "ou_ann")
        assert ann is not None and ann.handle == "ann"
        assert ann.id_on("feishu") == "ou_ann" and ann.id_on("slack") == "U1"
        # Today's ids are accounts too.
        slack = await work.people.person_by_identity(SLACK, "", "U1")
        assert slack is not None and slack.handle == "ann"
        # One id in two workspaces: two people.
        bob = await work.people.person_by_identity(FEISHU, "cli_b", "ou_shared")
        cy = await work.people.person_by_identity(FEISHU, "cli_c", "ou_shared")
        assert (bob and bob.handle, cy and cy.handle) == ("bob", "cy")
        assert await work.people.person_by_identity(FEISHU, "cli_b", "ou_nobody") is None


async def test_a_first_contact_on_feishu_is_recorded_once(uow: SqlUnitOfWorkFactory) -> None:
    async with uow() as work:
        dan, new = await work.people.add("dan", "Dan", NOW, FEISHU, "ou_dan")
        await work.commit()
    assert new and dan.id_on("feishu") == "ou_dan"
    async with uow() as work:
        again, new = await work.people.add("dan", "Dan", NOW, FEISHU, "ou_dan")
        found = await work.people.by_platform_id(FEISHU, "ou_dan")
    assert not new and again.id == dan.id and found is not None and found.id == dan.id


def test_the_columns_go_and_every_id_is_an_account(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade(f"sqlite:///{path}", "0019_identities")
    with sqlite3.connect(path) as db:  # recorded after 0019 by an older release: a column only
        db.execute("INSERT INTO people (handle, name, slack_id, dingtalk_id, created_at) VALUES"
                   " ('dee', 'Dee', 'U9', NULL, '2026-01-01 00:00:00+00:00')")
        db.execute("INSERT INTO person_identities (person_id, platform, workspace, external_id,"
                   " created_at) VALUES (1, 'feishu', '', 'ou_dee', '2026-01-01 00:00:00+00:00')")
        db.execute("INSERT INTO away VALUES (1, '2026-01-02 00:00:00+00:00',"
                   " '2026-01-01 00:00:00+00:00')")
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(people)")]
        rows = db.execute("SELECT platform, external_id FROM person_identities"
                          " ORDER BY platform").fetchall()
        kept = db.execute("SELECT person_id FROM away").fetchall()
        broken = db.execute("PRAGMA foreign_key_check").fetchall()
    assert columns == ["id", "handle", "name", "created_at"]
    assert rows == [("feishu", "ou_dee"), ("slack", "U9")]  # the Feishu one survived the copy
    assert kept == [(1,)] and broken == []
