"""Notice a Stream connection that went silent, so it can be replaced.

A TCP connection can die without a close (NAT timeouts, a gateway restart behind a proxy): the
socket stays open and nothing arrives. Every frame and every pong counts as a sign of life;
once the connection has been quiet for a quarter of the allowance it is probed with a
WebSocket ping (again every quarter while nothing answers), and the watch ends as soon as
`silence` seconds have passed without any sign. No sleep and no wait for a pong reaches past
that deadline, so a dead link is given up `silence` seconds after its last sign, not a quarter
later.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)
TICK = 0.001  # seconds closer than this count as there: no sleeps shorter than a clock can tell


class Liveness:
    def __init__(self, silence: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.silence = silence
        self.clock, self.sleep = clock, sleep
        self.last = clock()

    def seen(self) -> None:
        self.last = self.clock()

    def quiet_for(self) -> float:
        return self.clock() - self.last

    def left(self) -> float:
        """Seconds until the allowance runs out."""
        return self.silence - self.quiet_for()

    async def watch(self, probe: Callable[[float], Awaitable[None]]) -> None:
        """Return once nothing has been heard for `silence` seconds. `probe(wait)` pings
        and waits up to `wait` for the pong; it raises when none comes."""
        step = self.silence / 4
        while (left := self.left()) > TICK:
            quiet = self.quiet_for()
            if quiet < step - TICK:  # heard from lately: look again when a quarter has passed
                await self.sleep(min(step - quiet, left))
                continue
            started = self.clock()
            try:
                await probe(min(step, left))
            except Exception:  # no pong in time, or the ping could not be sent
                waited = self.clock() - started
                if waited < step - TICK and self.left() > TICK:  # failed fast: not a busy loop
                    await self.sleep(min(step - waited, self.left()))
            else:
                self.seen()
        log.warning("DingTalk Stream connection silent for %.1fs", self.quiet_for())
