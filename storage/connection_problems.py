"""One sentence for a DATABASE_URL that cannot be used, instead of a driver's traceback.

Every CLI command opens the database first, so these are the errors a person setting up the
bot meets: a URL that does not parse, a database ticketbot does not run on, a server that is
not there, a database that was never created, a login the server refuses, a SQLite file in a
folder that does not exist.
"""

from asyncpg.exceptions import (
    InvalidAuthorizationSpecificationError,
    InvalidCatalogNameError,
    InvalidPasswordError,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from storage.errors import chain

SUPPORTED = ("PostgreSQL (postgresql://user@host:5432/database) or SQLite (sqlite:///ticketbot.db)")
_DRIVERS = frozenset({"postgresql", "postgres", "postgresql+asyncpg", "sqlite", "sqlite+aiosqlite"})


class UnsupportedDatabase(ValueError):
    pass


def check_url(url: str) -> None:
    """Refuse, before any driver loads, a URL ticketbot cannot run on."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise UnsupportedDatabase(
            f"DATABASE_URL is not a database URL ({_redacted(url)!r}): use {SUPPORTED}.") from error
    if parsed.drivername not in _DRIVERS:
        raise UnsupportedDatabase(
            f"DATABASE_URL names {parsed.drivername}, which ticketbot does not run on: use {SUPPORTED}.")


def describe(error: BaseException, url: str) -> str | None:
    """The sentence for a database that cannot be used, or None for any other error."""
    where = _where(url)
    for found in chain(error):
        if isinstance(found, UnsupportedDatabase):
            return str(found)
        if isinstance(found, ArgumentError | NoSuchModuleError | ModuleNotFoundError):
            return f"DATABASE_URL cannot be used ({found}): use {SUPPORTED}."
        if isinstance(found, InvalidCatalogNameError):
            name = make_url(url).database
            return (f"The database {name!r} does not exist on {where}: create it "
                    f"(createdb {name}) or correct DATABASE_URL.")
        if isinstance(found, InvalidPasswordError | InvalidAuthorizationSpecificationError):
            return f"The database server at {where} refused the login: {found}. Correct DATABASE_URL."
        if isinstance(found, ConnectionRefusedError):
            return (f"Cannot reach the database at {where}: the connection was refused. "
                    "Is the server running, and is DATABASE_URL right?")
        if isinstance(found, TimeoutError):
            return f"Cannot reach the database at {where}: it did not answer in time."
        if isinstance(found, OSError) and not isinstance(found, ConnectionError):
            return f"Cannot reach the database at {where}: {found.strerror or found}."
        if isinstance(found, OperationalError) and "unable to open database file" in str(found):
            return (f"Cannot open the SQLite database {where}: its folder does not exist or is "
                    "not writable.")
    return None


def _where(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "DATABASE_URL"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or "(in memory)"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def _redacted(url: str) -> str:
    return url if "@" not in url else "…@" + url.rsplit("@", 1)[1]
