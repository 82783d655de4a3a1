"""Building a large report without the garbage collector's passes over it."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a report builds its rows, which are all kept: the collector's
    passes over hundreds of thousands of new tuples cost as much as building them. Never held
    across an await, so other tasks are not affected."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

