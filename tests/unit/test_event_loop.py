"""`serve` runs on uvloop unless told otherwise (TICKETBOT_EVENT_LOOP)."""

import asyncio

import pytest
import uvloop

from bot.event_loop import serve_loop
from bot.settings import Settings


def test_serve_runs_on_uvloop_by_default() -> None:
    loop = serve_loop(Settings(_env_file=None).event_loop)()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()


def test_asyncio_loop_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETBOT_EVENT_LOOP", "asyncio")
    loop = serve_loop(Settings(_env_file=None).event_loop)()
    try:
        assert not isinstance(loop, uvloop.Loop)
        assert isinstance(loop, asyncio.AbstractEventLoop)
    finally:
        loop.close()


def test_an_unknown_loop_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKETBOT_EVENT_LOOP", "trio")
    with pytest.raises(ValueError, match="event_loop"):
        Settings(_env_file=None)
