"""Notice a Stream connection that went silent, so it can be replaced.

A TCP connection can die without a close (NAT timeouts, a gateway restart behind a proxy): the
socket stays open and nothing arrives. Every frame and every pong counts as a sign of life;
when the connection has been quiet for a quarter of the allowance it is probed with a
WebSocket ping, and after `silence` seconds without any sign the watch ends.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Liveness:
    def __init__(self, silence: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.silence = silence
        self.clock = clock
        self.last = clock()

    def seen(self) -> None:
        self.last = self.clock()

    def quiet_for(self) -> float:
        return self.clock() - self.last

    async def watch(self, probe: Callable[[float], Awaitable[None]]) -> None:
        """Return once nothing has been heard for `silence` seconds. `probe(wait)` pings
        and waits for the pong; it raises when none comes."""
        step = self.silence / 4
        while self.quiet_for() < self.silence:
            await asyncio.sleep(min(step, max(0.0, self.silence - self.quiet_for())) or step)
            if step <= self.quiet_for() < self.silence:
                with contextlib.suppress(Exception):
                    await probe(step)
                    self.seen()
        log.warning("DingTalk Stream connection silent for %.1fs", self.quiet_for())
