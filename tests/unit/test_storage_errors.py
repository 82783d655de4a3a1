"""Which errors become "could not save, please retry": those of a database that is away."""

import pytest
from asyncpg.exceptions import (
    AdminShutdownError,
    CannotConnectNowError,
    InternalClientError,
    UniqueViolationError,
)
from sqlalchemy.exc import IntegrityError, InternalError, OperationalError

from storage.errors import is_unavailable


@pytest.mark.parametrize("error", [
    # asyncpg's own, raised as the pool opens a connection during a restart
    CannotConnectNowError("the database system is shutting down"),
    CannotConnectNowError("the database system is starting up"),
    AdminShutdownError("terminating connection due to administrator command"),
    # wrapped by SQLAlchemy on a connection in use
    OperationalError("SELECT 1", {}, ConnectionResetError()),
    InternalError("INSERT …", {}, InternalClientError("another operation is in progress")),
    ConnectionRefusedError(111, "Connection refused"),
])
def test_a_database_that_is_away(error: BaseException) -> None:
    assert is_unavailable(error)


@pytest.mark.parametrize("error", [
    IntegrityError("INSERT …", {}, UniqueViolationError("duplicate key")),
    ValueError("a bug"),
    KeyError("user_id"),
])
def test_bugs_and_refusals_are_not_outages(error: BaseException) -> None:
    assert not is_unavailable(error)


def test_a_cause_is_followed() -> None:
    try:
        try:
            raise CannotConnectNowError("the database system is starting up")
        except CannotConnectNowError as inner:
            raise RuntimeError("while claiming") from inner
    except RuntimeError as outer:
        assert is_unavailable(outer)
