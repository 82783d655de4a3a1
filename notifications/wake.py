"""The relay's alarm clock: whoever learns that outbox rows were committed rings it.

On PostgreSQL that is the process's LISTEN connection (`storage/outbox_listen.py`), which hears
the `ticketbot_outbox` notification every committing transaction that inserted outbox rows sends
(on every replica); on SQLite, the unit of work right after its commit. The relay then sweeps at
once instead of polling: an idle relay waits for the bell, for the next row it knows is due
later, or for its long fallback interval (missed notifications), whichever comes first.
"""

import asyncio
import contextlib


class Wake:
    """A set-once-until-taken bell that remembers why it rang first."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._reason: str | None = None
        self.rung = 0  # how many times it rang (notifications, commits, reconnects)
        self.sleeping = asyncio.Event()  # someone is waiting for it right now (tests, probes)

    def ring(self, reason: str = "notified") -> None:
        """Safe from callbacks on the event loop's thread (asyncpg listeners, commit hooks)."""
        self.rung += 1
        if self._reason is None:
            self._reason = reason
        self._event.set()
        self.sleeping.clear()

    def ring_committed(self) -> None:
        self.ring("committed")

    def take(self) -> str | None:
        """Why it rang since the last take (None: it did not); silences it."""
        reason, self._reason = self._reason, None
        self._event.clear()
        return reason

    @property
    def ringing(self) -> bool:
        return self._event.is_set()

    async def wait(self, seconds: float, stop: asyncio.Event) -> str | None:
        """Until it rings, `stop` is set or `seconds` pass; returns the reason it rang, if it
        did (the bell is left ringing for the caller to `take`)."""
        if not self._event.is_set() and seconds > 0 and not stop.is_set():
            bell = asyncio.ensure_future(self._event.wait())
            stopped = asyncio.ensure_future(stop.wait())
            self.sleeping.set()
            try:
                await asyncio.wait([bell, stopped], timeout=seconds,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                self.sleeping.clear()
                for waiter in (bell, stopped):
                    waiter.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await waiter
        return self._reason if self._event.is_set() else None
