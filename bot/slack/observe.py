"""Request id, platform and timing for every Slack request, over HTTP or Socket Mode."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.logs import log_context, new_request_id
from bot.metrics import ACK_SECONDS, REQUEST_SECONDS, Stopwatch
from bot.slack.request import CURRENT, Request


class _TimedAck(AsyncAck):
    """bolt's ack, noting when the listener acknowledged (the first time only)."""

    def __init__(self, on_ack: Callable[[], None]) -> None:
        super().__init__()
        self._on_ack: Callable[[], None] | None = on_ack

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        if self._on_ack is not None:
            self._on_ack()
            self._on_ack = None
        return await super().__call__(*args, **kwargs)


def request_kind(body: dict[str, Any]) -> str:
    """A small, fixed set of labels: command, block_actions, view_submission, event:<type>, …"""
    if "command" in body:
        return "command"
    kind = str(body.get("type") or "unknown")
    if kind == "event_callback":
        return f"event:{(body.get('event') or {}).get('type', 'unknown')}"
    return kind


def slack_request_id(body: dict[str, Any]) -> str:
    """Slack's own id for the request when it has one, so logs match Slack's retries."""
    for found in (body.get("event_id"), body.get("trigger_id"), (body.get("view") or {}).get("id")):
        if isinstance(found, str) and found:
            return found
    return new_request_id()


class ObservedAsyncApp(AsyncApp):
    """bolt's AsyncApp timing each request and giving it a log context.

    HTTP and Socket Mode both call `async_dispatch`, so either transport is covered. (A bolt
    middleware would not do: listeners run after the middleware chain has returned.)
    """

    async def async_dispatch(self, req: AsyncBoltRequest) -> BoltResponse:
        body = req.body if isinstance(req.body, dict) else {}
        kind = request_kind(body)
        watch = Stopwatch()
        req.context["ack"] = _TimedAck(
            lambda: ACK_SECONDS.labels(platform="slack", kind=kind).observe(watch.elapsed()))
        # Follow-ups started by the listeners copy this context: they share the Request.
        token = CURRENT.set(Request.of(body))
        with log_context(platform="slack", request_id=slack_request_id(body), ticket_id=None):
            try:
                return await super().async_dispatch(req)
            finally:
                CURRENT.reset(token)
                REQUEST_SECONDS.labels(platform="slack", kind=kind).observe(watch.elapsed())
