"""The machinery both fakes share: an aiohttp server on 127.0.0.1, a request log, scripted failures."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Self

from aiohttp import web


class Headers(dict[str, str]):
    """Request headers with lower-cased names; look-ups ignore case (``h["Authorization"]`` works)."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        super().__init__()
        for key, value in (items or {}).items():
            super().__setitem__(key.lower(), value)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key.lower(), value)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return super().get(key.lower(), default)


@dataclass
class Call:
    """One request the fake received, and the HTTP status it answered."""

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    status: int


@dataclass
class Failure:
    """A scripted answer for the next call of one method or path (see ``fail_next``)."""

    status: int
    retry_after: int | None = None
    error: str | None = None
    delay: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class FakeServer:
    """An aiohttp server bound to 127.0.0.1 on a free port; subclasses implement ``handle``."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.down = False
        self._failures: dict[str, deque[Failure]] = {}
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> Self:
        self._closing = asyncio.Event()
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._entry)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        # Started again after `stop`, it comes back on its port: a platform back from an outage.
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._closing is not None:
            self._closing.set()  # wake every delayed answer so the server can shut down at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- scripted failures -------------------------------------------------------------------------

    def _queue_failure(self, key: str, failure: Failure, count: int) -> None:
        queue = self._failures.setdefault(key, deque())
        queue.extend(failure for _ in range(count))

    def _take_failure(self, key: str) -> Failure | None:
        queue = self._failures.get(key)
        return queue.popleft() if queue else None

    async def _sleep(self, seconds: float) -> None:
        """Sleep for a scripted delay, cut short when the server stops."""
        if seconds <= 0 or self._closing is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)

    # -- request handling --------------------------------------------------------------------------

    def _record(self, method: str, args: dict[str, Any], request: web.Request, status: int) -> None:
        self.calls.append(Call(method=method, args=args, headers=Headers(request.headers), status=status))

    async def _entry(self, request: web.Request) -> web.StreamResponse:
        return await self.handle(request)

    async def handle(self, request: web.Request) -> web.StreamResponse:  # pragma: no cover - abstract
        raise NotImplementedError
