"""Alembic, driven from code: `ticketbot db upgrade` and the start-up schema check.

The check (`schema_state`, also behind /readyz) does not import Alembic: it reads the chain's
head from the migration files and the current revision from `alembic_version`, which keeps
Alembic, Mako and Pygments (about 10 MB) out of every `serve` process. A chain that is not a
single line (several heads) is left to Alembic itself.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import async_url

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.M)
_DOWN = re.compile(r'^down_revision(?:: str \| None)? = (?:"([^"]+)"|None)', re.M)


def alembic_config(url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = async_url(url)
    return config


def upgrade(url: str, revision: str = "head") -> list[str]:
    """The migrations applied, oldest first (`0006: …`); none when the schema was current.
    Blocking: run from the CLI or a thread, never on a running event loop."""
    from alembic import command

    config = alembic_config(url)
    command.upgrade(config, revision)
    return list(config.attributes.get("applied", []))


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str | None

    @property
    def is_current(self) -> bool:
        return self.current == self.head


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration's revision, from the files (as Alembic finds it)."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found, down = _REVISION.search(source), _DOWN.search(source)
        if found is None or down is None:
            return _alembic_head()  # a file this reader does not understand
        revisions.add(found.group(1))
        if down.group(1):
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else _alembic_head()


def _alembic_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _current(sync: object) -> str | None:
    if not inspect(sync).has_table("alembic_version"):
        return None
    versions = [v for (v,) in sync.execute(text("SELECT version_num FROM alembic_version"))]  # type: ignore[attr-defined]
    if len(versions) > 1:
        raise RuntimeError(f"the database has several schema revisions: {versions}")
    return versions[0] if versions else None


async def schema_state(engine: AsyncEngine) -> SchemaState:
    async with engine.connect() as conn:
        current = await conn.run_sync(_current)
    return SchemaState(current, head_revision())
