"""Ticket numbers on PostgreSQL, taken outside the creating transaction.

Every creation in a queue increments one counter row. Inside the creating transaction that row
stays locked until the commit, several round trips later, so concurrent creations in one queue
would queue behind each other. Here the increment is its own autocommitted statement on a small
pool of its own (never waiting on the main pool, so it cannot starve it): the row is locked for
the statement alone. Numbers are never reused; a creation that fails after taking its number (a
database error, a crash) leaves a gap. It is taken after every check a person's input can fail.
"""

from sqlalchemy import bindparam, update
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError

from storage.engine import make_engine
from storage.models import QueueRow

_Q = QueueRow.__table__
# The queue's next number, or no row when the queue has no counter yet (parameter `_queue`).
NEXT_NUMBER = (update(_Q).where(_Q.c.key == bindparam("_queue"))
               .values(next_number=_Q.c.next_number + 1).returning(_Q.c.next_number))
# `_n` numbers at once: the last of them, or no row (parameters `_queue`, `_n`).
NEXT_NUMBERS = (update(_Q).where(_Q.c.key == bindparam("_queue"))
                .values(next_number=_Q.c.next_number + bindparam("_n"))
                .returning(_Q.c.next_number))


class QueueNumbers:
    def __init__(self, url: URL | str) -> None:
        rendered = url.render_as_string(hide_password=False) if isinstance(url, URL) else url
        # Connections stay open (no overflow to open and close under load); a creation holds
        # one for a single statement, so a few serve many concurrent creations.
        self.engine = make_engine(rendered, isolation_level="AUTOCOMMIT", pool_size=4,
                                  max_overflow=0)

    async def next(self, queue: str, n: int = 1) -> int | None:
        """The queue's next number (the last of the next `n`), or None when the queue has no
        counter row yet."""
        try:
            return await self._next(queue, n)
        except DBAPIError as error:
            # A connection that broke while idle (the server restarted): the pool has now
            # dropped them all, so one more try runs on a new one. At worst a number is skipped.
            if not error.connection_invalidated:
                raise
            return await self._next(queue, n)

    async def _next(self, queue: str, n: int) -> int | None:
        async with self.engine.connect() as conn:
            if n == 1:
                return await conn.scalar(NEXT_NUMBER, {"_queue": queue})
            return await conn.scalar(NEXT_NUMBERS, {"_queue": queue, "_n": n})

    async def aclose(self) -> None:
        await self.engine.dispose()
