"""The event loop `ticketbot serve` runs on: uvloop where it is installed, since its socket
reads and writes (every database round trip, every HTTP answer) cost a fraction of asyncio's
own in CPU; asyncio's loop where it is not (Windows) or when asked for."""

import asyncio
from collections.abc import Callable
from typing import Literal

LoopFactory = Callable[[], asyncio.AbstractEventLoop]


def serve_loop(choice: Literal["auto", "uvloop", "asyncio"] = "auto") -> LoopFactory:
    if choice == "asyncio":
        return asyncio.new_event_loop
    try:
        import uvloop
    except ImportError:
        if choice == "uvloop":
            raise SystemExit("TICKETBOT_EVENT_LOOP=uvloop, but uvloop is not installed") from None
        return asyncio.new_event_loop
    return uvloop.new_event_loop
