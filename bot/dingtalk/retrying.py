"""How long to keep trying a DingTalk OpenAPI call in-process (tenacity), before handing the
failure back to the caller: the relay for outbox rows, which retries later with its own backoff.

Retried at once, with a short exponential backoff and jitter: DingTalk answered 5xx or could not
be reached (nothing was delivered). Never retried here: permanent refusals; a call that may have
been delivered (a read timeout, a gateway's 502/504) unless it is idempotent, as card calls are
(their outTrackId is ours); and throttling asking for longer than `max_wait` (by default any):
waiting as long as DingTalk asks is the caller's, the relay re-queuing the row without holding
its sweep, a reply waiting in its own task.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from notifications.senders import DeliveryError

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class Transient(DeliveryError):
    """DingTalk answered 5xx (other than a gateway's) or could not be reached: not delivered,
    and likely to work if tried again soon."""


def retry_soon(error: BaseException, *, idempotent: bool, max_wait: float) -> bool:
    """Whether a failed call is worth repeating now."""
    if not isinstance(error, DeliveryError) or error.permanent:
        return False
    if error.rate_limited:
        return (error.retry_after or 0.0) <= max_wait
    if error.maybe_sent:
        return idempotent
    return isinstance(error, Transient)


@dataclass(frozen=True, slots=True)
class CallRetry:
    attempts: int = 4
    initial: float = 0.5  # seconds; doubles per attempt, with up to `initial` of jitter
    cap: float = 4.0
    max_wait: float = 0.0  # the longest throttling wait spent here rather than by the caller

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, DeliveryError) and error.retry_after is not None:
            return error.retry_after  # as long as DingTalk asked
        return wait_exponential_jitter(multiplier=self.initial, max=self.cap,
                                       jitter=self.initial)(state)

    async def call(self, attempt: Callable[..., Awaitable[T]], *args: Any, idempotent: bool,
                   sleep: Sleep = asyncio.sleep) -> T:
        """`attempt(*args)` until it succeeds or fails in a way not worth repeating now; the
        last error is raised as it was."""
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts), wait=self._wait, sleep=sleep, reraise=True,
            retry=retry_if_exception(
                lambda e: retry_soon(e, idempotent=idempotent, max_wait=self.max_wait)))
        return await retrying(attempt, *args)
