"""Feishu's long connection (长连接): lark-oapi's WebSocket client, in a thread of its own.

lark-oapi 1.7.5's `lark.ws.Client` is written for a process that does nothing else: it keeps
its event loop in a module global (`lark_oapi.ws.client.loop`, taken at import), fetches the
connection URL with blocking `requests` (POST /callback/ws/endpoint with the app id and secret),
calls the event handler synchronously, and `start()` never returns and cannot be stopped. So
this runs it on a loop of its own in a daemon thread, drives the client's own coroutines
(`_connect`, `_ping_loop`, its receive loop and `_reconnect`, which follow the ClientConfig
the server sends: ping interval, reconnect count, interval and jitter), and stops it by closing
the connection from that loop.

The handler (an EventDispatcherHandler for im.message.receive_v1 and card.action.trigger) hands
each event to the serving loop and waits for it there: the SDK writes the response frame (the
ack) only when the handler returns, so an event is acknowledged once its command is recorded.
An event whose connection drops before the ack is delivered again by Feishu; the handler's
dedup keys (message_id, card/version/clicker/button) make the second delivery change nothing.
The answer to a click (a toast) travels back in that response frame.
"""

import asyncio
import contextlib
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)
Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]


def _as_dict(event: Any) -> dict[str, Any]:
    """The SDK's typed event back to the event body (schema 2.0) the adapter reads."""
    import lark_oapi as lark

    body = json.loads(lark.JSON.marshal(event) or "{}")
    return body if isinstance(body, dict) else {}


class LongConnection:
    """`on_event(body)` runs on `loop` (the serving loop); its dict, if any, answers a click."""

    def __init__(self, app_id: str, app_secret: str, domain: str, on_event: Handler, *,
                 handler_timeout: float = 10.0) -> None:
        self.app_id, self.app_secret, self.domain = app_id, app_secret, domain.rstrip("/")
        self.on_event, self.handler_timeout = on_event, handler_timeout
        self._serving: asyncio.AbstractEventLoop | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._client: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self.attempted = threading.Event()  # the first connection attempt has ended
        self.refused: str | None = None  # why Feishu refused it for good (bad credentials…)

    # -- the serving loop's side -------------------------------------------------------------

    async def start(self) -> None:
        self._serving = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._thread_main, name="feishu-long-connection",
                                        daemon=True)
        self._thread.start()
        await asyncio.to_thread(self._ready.wait)  # the SDK's client exists on its loop

    def connected(self) -> bool:
        client = self._client
        return client is not None and client._conn is not None and self.running

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    async def stop(self, grace: float) -> None:
        """Close the connection (no more events are taken) and end the thread."""
        if self._loop is not None and self._stopping is not None and self.running:
            with contextlib.suppress(RuntimeError):  # its loop has ended already
                self._loop.call_soon_threadsafe(self._stopping.set)
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join, grace)
            if self._thread.is_alive():
                log.warning("the Feishu long connection did not stop within %.0f s", grace)

    # -- the SDK's thread --------------------------------------------------------------------

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)  # the SDK's caches schedule their timers on it
        try:
            loop.run_until_complete(self._drive(loop))
        except Exception:
            log.exception("the Feishu long connection stopped")
        finally:
            self._ready.set()
            self.attempted.set()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.close()

    async def _drive(self, loop: asyncio.AbstractEventLoop) -> None:
        import lark_oapi as lark
        from lark_oapi.ws import client as ws_module

        ws_module.loop = loop  # where the client creates its receive, handle and ping tasks
        handler = (lark.EventDispatcherHandler.builder("", "")
                   .register_p2_im_message_receive_v1(self._message)
                   .register_p2_card_action_trigger(self._click)
                   .build())
        self._loop, self._stopping = loop, asyncio.Event()
        self._client = lark.ws.Client(self.app_id, self.app_secret, event_handler=handler,
                                      domain=self.domain, log_level=lark.LogLevel.WARNING)
        self._ready.set()
        connecting = loop.create_task(self._connect())
        await self._stopping.wait()
        self._client._auto_reconnect = False  # the receive loop ends instead of reconnecting
        connecting.cancel()
        for task in asyncio.all_tasks(loop) - {asyncio.current_task()}:
            task.cancel()
        with contextlib.suppress(Exception):
            await self._client._disconnect()
        log.info("Feishu long connection closed")

    async def _connect(self) -> None:
        from lark_oapi.ws.exception import ClientException

        client = self._client
        try:
            try:
                # The endpoint call blocks this thread's loop, not the serving one.
                await client._connect()
            except ClientException:
                raise
            except Exception as error:
                log.warning("Feishu long connection failed (%s); reconnecting", error)
                self.attempted.set()
                await client._disconnect()
                await client._reconnect()
        except ClientException as error:  # bad credentials, too many connections: retrying won't help
            self.refused = str(error)
            log.error("Feishu refused the long connection: %s", error)
            return
        except Exception as error:  # the ClientConfig's reconnect count ran out
            self.refused = str(error)
            log.error("Feishu long connection given up: %s", error)
            return
        finally:
            self.attempted.set()
        log.info("Feishu long connection open")
        asyncio.get_running_loop().create_task(client._ping_loop())

    def _hand_over(self, event: Any) -> dict[str, Any] | None:
        """Run the event on the serving loop; a failure or a timeout is no ack (code 500)."""
        assert self._serving is not None
        future = asyncio.run_coroutine_threadsafe(self.on_event(_as_dict(event)), self._serving)
        return future.result(self.handler_timeout)

    def _message(self, event: Any) -> None:
        self._hand_over(event)

    def _click(self, event: Any) -> Any:
        from lark_oapi.event.callback.model.p2_card_action_trigger import (
            P2CardActionTriggerResponse,
        )

        return P2CardActionTriggerResponse(self._hand_over(event) or {})
