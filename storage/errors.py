"""Which database errors mean "nothing was saved, try again" rather than a bug."""

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from commands.ports import StorageUnavailable


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, ConnectionError | OSError | TimeoutError)


__all__ = ["StorageUnavailable", "is_unavailable"]
