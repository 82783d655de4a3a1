"""The Stream watchdog on virtual time: a link that goes silent is given up within the allowance
(TICKETBOT_DINGTALK_WATCHDOG_SECONDS), whenever its last sign of life came."""

import asyncio
from collections.abc import Callable

import pytest

from bot.dingtalk.watchdog import Liveness

ALLOWANCE = 90.0  # the setting's default


class VirtualTime:
    """A clock and a sleep that move only virtual seconds; `at(t, f)` runs f when t is reached."""

    def __init__(self) -> None:
        self.now = 0.0
        self.events: list[tuple[float, Callable[[], None]]] = []

    def clock(self) -> float:
        return self.now

    def at(self, when: float, event: Callable[[], None]) -> None:
        self.events = sorted([*self.events, (when, event)], key=lambda e: e[0])

    async def sleep(self, seconds: float) -> None:
        until = self.now + max(0.0, seconds)
        while self.events and self.events[0][0] <= until:
            when, event = self.events.pop(0)
            self.now = max(self.now, when)
            event()
        self.now = until
        await asyncio.sleep(0)


async def silent_link(time: VirtualTime, wait: float) -> None:
    """A ping on a dead link: no pong within `wait`."""
    await time.sleep(wait)
    raise TimeoutError


@pytest.mark.parametrize("last_sign", [0.0, 0.1, 1.0, 22.4, 22.6, 45.0, 67.4, 89.9])
async def test_a_silent_link_is_given_up_within_the_allowance(last_sign: float) -> None:
    time = VirtualTime()
    liveness = Liveness(ALLOWANCE, clock=time.clock, sleep=time.sleep)
    if last_sign:
        time.at(last_sign, liveness.seen)  # a frame, then nothing
    probes: list[float] = []

    async def probe(wait: float) -> None:
        probes.append(time.now)
        await silent_link(time, wait)

    await asyncio.wait_for(liveness.watch(probe), 5)
    given_up_after = time.now - last_sign
    assert ALLOWANCE - 0.001 <= given_up_after <= ALLOWANCE + 0.001
    after = [when for when in probes if when >= last_sign]
    assert after and after[0] >= last_sign + ALLOWANCE / 4 - 0.001  # pinged once quiet a while


async def test_a_pong_keeps_a_quiet_link() -> None:
    time = VirtualTime()
    liveness = Liveness(ALLOWANCE, clock=time.clock, sleep=time.sleep)
    pongs = 0

    async def probe(wait: float) -> None:
        nonlocal pongs
        pongs += 1
        await time.sleep(0.05)  # the pong comes back
        if pongs == 40:  # then the link dies
            raise ConnectionError

    async def alive_then_dead(wait: float) -> None:
        if pongs < 40:
            await probe(wait)
        else:
            await silent_link(time, wait)

    await asyncio.wait_for(liveness.watch(alive_then_dead), 5)
    assert pongs == 40
    assert time.now == pytest.approx(39 * (ALLOWANCE / 4 + 0.05) + ALLOWANCE, abs=0.01)
