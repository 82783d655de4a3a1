"""Which database errors mean "nothing was saved, try again" rather than a bug."""

from asyncpg.exceptions import InternalClientError, PostgresConnectionError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from commands.ports import StorageUnavailable

# PostgreSQL refusing or ending sessions: shutting down, crashed, starting up, too many clients.
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def is_unavailable(error: BaseException) -> bool:
    """True for the errors of a database that is away: on a connection in use, when the pool
    opens a new one (asyncpg's own errors, not wrapped there), or a connection left broken."""
    for found in chain(error):
        if isinstance(found, OperationalError | InterfaceError):
            return True
        if isinstance(found, DBAPIError) and found.connection_invalidated:
            return True
        if isinstance(found, PostgresConnectionError | InternalClientError):
            return True  # a connection class error, or a protocol left mid-operation by one
        if getattr(found, "sqlstate", None) in _UNAVAILABLE_STATES:
            return True
        if isinstance(found, ConnectionError | OSError | TimeoutError):
            return True
    return False


def chain(error: BaseException) -> list[BaseException]:
    """The error, the driver error it wraps, and their causes."""
    seen: list[BaseException] = []
    pending: list[BaseException | None] = [error]
    while pending:
        found = pending.pop()
        if found is None or any(found is s for s in seen) or len(seen) > 8:
            continue
        seen.append(found)
        pending += [getattr(found, "orig", None), found.__cause__]
    return seen


__all__ = ["StorageUnavailable", "chain", "is_unavailable"]
