"""Group commit of "sent" marks.

Each destination is marked as soon as its own sends are done, yet a sweep over hundreds of
destinations does not cost a statement each: a destination that finishes while a mark is being
written waits for it, then goes into the next statement with every other that finished
meanwhile. The first to finish is marked at once, alone.
"""

import asyncio
from collections.abc import Callable

from commands.ports import Claimed, Clock, Delivered, OutboxStore


class SentMarks:
    def __init__(self, store: OutboxStore, clock: Clock,
                 written: Callable[[list[Claimed], int], None]) -> None:
        self.store, self.clock, self.written = store, clock, written
        self._waiting: list[Delivered] = []
        self._writing = asyncio.Lock()

    async def mark(self, delivered: list[Delivered]) -> None:
        """Return once these rows are marked, by this call or by one that took them along."""
        self._waiting.extend(delivered)
        async with self._writing:
            batch, self._waiting = self._waiting, []
            if not batch:  # an earlier call's statement carried them
                return
            marked = await self.store.mark_sent(batch, self.clock.now())
            self.written([r for d in batch for r in d.rows], marked)
