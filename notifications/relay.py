"""Deliver outbox rows: paced per destination, retried with backoff, in order per ticket, once.

Several relays (one per replica) may run at once: the store hands each row to one of them.
"""

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from commands.ports import Claimed, Clock, Delivered, OutboxDue, OutboxStore
from commands.webhooks import WEBHOOK_TEMPLATE
from notifications.catalogs import Catalogs
from notifications.marks import SentMarks
from notifications.metrics import METRICS
from notifications.senders import DeliveryError, Outgoing, Sender
from notifications.text import Catalog
from notifications.wake import Wake
from workflows.kinds import Source
from workflows.workflow_status import StatusWord

log = logging.getLogger(__name__)


class RateLimiter(Protocol):
    async def take(self, key: str, now: float, rate: float, burst: float) -> float: ...
    async def take_each(self, keys: Collection[str], now: float, rate: float, burst: float
                        ) -> dict[str, float]: ...


@dataclass(frozen=True, slots=True)
class Pacing:
    rate: float  # messages per second to one destination
    burst: float


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 8
    base: float = 2.0  # seconds; doubles per attempt
    cap: float = 600.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.cap, self.base * 2 ** max(0, attempt - 1))
        return ceiling / 2 + rng.uniform(0, ceiling / 2)  # "equal jitter": spread, never zero


# The lease is renewed while a sweep runs, rather than sized for the worst sweep: one
# destination's messages go out one after another, each bounded only by its sender's timeouts
# and retries (10 s a call, a few calls a message), so a worst-case sweep of a full batch
# takes minutes, and a lease that long would also hold a crashed relay's rows for minutes.
# Renewed every third of its length, the lease only has to outlive one missed renewal and a
# slow statement. Should a relay stall past it anyway, the fencing tokens make its late writes
# change nothing, and the newer claim, marked "maybe sent", looks before sending again.
LEASE = timedelta(seconds=60)
WEBHOOK = Source.WEBHOOK.value
WEBHOOK_PARALLEL = 16  # posts in flight to one webhook subscription


class Relay:
    def __init__(self, store: OutboxStore, limiter: RateLimiter, senders: dict[str, Sender],
                 catalogs: Catalogs, clock: Clock, pacing: dict[str, Pacing] | None = None,
                 retry: RetryPolicy | None = None, batch: int = 200,
                 lease: timedelta = LEASE, concurrency: int = 32,
                 rng: random.Random | None = None,
                 renew_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.store, self.limiter, self.senders = store, limiter, senders
        self.catalogs, self.clock = catalogs, clock
        self.pacing = pacing or {}
        self.retry = retry or RetryPolicy()
        self.batch, self.lease = batch, lease
        self.slots = asyncio.Semaphore(concurrency)
        self.rng = rng or random.Random()
        self.renew_sleep = renew_sleep
        self.last_due: OutboxDue | None = None  # what the last sweep left (for `run`)
        self.sweeps: dict[str, int] = {}  # sweeps of `run` by what started them
        self.marks = SentMarks(store, clock, lambda rows, n: self._fenced(rows, n, "sent"))

    async def run_once(self) -> int:
        """One sweep: claim what is due and deliver it. Returns the number of rows claimed.

        The sweep's database work is batched: one claim, one token from every destination's
        bucket; each destination's deliveries are marked as soon as its sends are done."""
        now = self.clock.now()
        claimed = await self.store.claim(now, self.batch, self.lease)
        groups: dict[tuple[str, str], list[Claimed]] = {}
        for row in claimed:
            groups.setdefault((self._lane(row), row.address), []).append(row)
        async with self._leased(claimed):
            first = await self._first_tokens(list(groups), now.timestamp())
            outcomes = await asyncio.gather(*(self._deliver_group(rows, first.get(key))
                                              for key, rows in groups.items()),
                                            return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        self.last_due = due = await self.store.due(self.clock.now())
        lag = (self.clock.now() - due.oldest).total_seconds() if due.oldest else 0.0
        METRICS.lag.set(max(0.0, lag))
        return len(claimed)

    async def _first_tokens(self, destinations: list[tuple[str, str]], now: float
                            ) -> dict[tuple[str, str], float]:
        """Each paced destination's first token of the sweep, a statement per platform."""
        waits: dict[tuple[str, str], float] = {}
        for platform in {p for p, _ in destinations}:
            pace = self.pacing.get(platform)
            if pace is None:
                continue
            keys = {f"{platform}:{address}": (platform, address)
                    for p, address in destinations if p == platform}
            taken = await self.limiter.take_each(keys, now, pace.rate, pace.burst)
            waits.update({keys[key]: wait for key, wait in taken.items()})
        return waits

    @contextlib.asynccontextmanager
    async def _leased(self, claimed: list[Claimed]) -> AsyncIterator[None]:
        if not claimed:
            yield
            return
        renewing = asyncio.create_task(self._keep_leased(claimed))
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _keep_leased(self, claimed: list[Claimed]) -> None:
        """Renew the sweep's lease every third of it. Rows already written (sent, retried,
        dead) or claimed by another relay since fail the fence and are left alone."""
        while True:
            await self.renew_sleep(self.lease.total_seconds() / 3)
            try:  # shielded: the sweep's end cancels this loop, never a statement midway
                await asyncio.shield(self.store.renew(claimed, self.clock.now() + self.lease))
            except Exception:  # the database may be away; the next renewal may succeed
                log.exception("renewing the outbox lease failed")

    def _fenced(self, rows: list[Claimed], written: int, what: str) -> None:
        """Count rows a write left alone because a newer claim holds them."""
        lost = len(rows) - written
        if lost > 0:
            log.warning("outbox rows %s: %s skipped, a newer claim holds %d of them (this "
                        "relay's lease had run out)", [r.id for r in rows], what, lost)
            METRICS.fenced.inc(lost)

    async def run(self, stop: asyncio.Event, idle: float = 0.5, gather: float = 0.05,
                  sleep: Callable[[float], Awaitable[None]] | None = None,
                  wake: Wake | None = None, fallback: float = 10.0) -> None:
        """Sweep until `stop`.

        Without `wake` (polling): after an empty sweep wait `idle`; after a part batch wait
        `gather`, so that under a steady flow each sweep (a claim and a look-up of the lag)
        serves several messages rather than one; after a full batch (a backlog) go on at once.

        With `wake`, nothing is polled fast: the relay sleeps until the bell rings (rows were
        committed), until the next row it knows of falls due (a retry, a wait for pace, a lease
        that runs out), or for `fallback` seconds (a notification missed), whichever is first.
        After a sweep that found several rows (a flow, not a single change), the next one starts
        `gather` later at the soonest, so that each sweep keeps serving several messages; a
        lone row is never held back."""
        if wake is None:
            await self._poll(stop, idle, gather, sleep)
            return
        reason = "start"
        while not stop.is_set():
            wake.take()  # rows committed from now on ring again and get a sweep of their own
            self.sweeps[reason] = self.sweeps.get(reason, 0) + 1
            METRICS.sweeps.labels(reason).inc()
            try:
                claimed = await self.run_once()
            except Exception:  # the database may be away; try again shortly
                log.exception("outbox sweep failed")
                claimed, self.last_due = -1, None
            if claimed >= self.batch:
                reason = "backlog"
                continue
            if claimed > 1 and gather > 0:  # a flow: company for the next sweep, even if rung
                with contextlib.suppress(TimeoutError):
                    await (sleep(gather) if sleep else asyncio.wait_for(stop.wait(), gather))
            wait, reason = self._next_look(claimed, idle, fallback)
            rang = await wake.wait(wait, stop)
            if rang is not None:
                reason = rang

    def _next_look(self, claimed: int, idle: float, fallback: float) -> tuple[float, str]:
        """How long to sleep if nothing rings, and what to call the sweep that follows."""
        due = self.last_due
        if claimed < 0 or due is None:
            return idle, "retry"  # the sweep failed: look again shortly
        if due.pending_now:
            # Rows queued behind their stream's earlier message (just sent: look at once) or
            # held by another relay's claim (look again shortly).
            return (0.0 if claimed > 0 else idle), "due"
        if due.next_at is not None:
            seconds = (due.next_at - self.clock.now()).total_seconds()
            if seconds < fallback:
                return max(0.0, seconds), "scheduled"
        return fallback, "fallback"

    async def _poll(self, stop: asyncio.Event, idle: float, gather: float,
                    sleep: Callable[[float], Awaitable[None]] | None) -> None:
        pause = sleep or (lambda seconds: asyncio.wait_for(stop.wait(), seconds))
        while not stop.is_set():
            try:
                claimed = await self.run_once()
            except Exception:  # the database may be away; try again shortly
                log.exception("outbox sweep failed")
                claimed = 0
            wait = idle if not claimed else gather if claimed < self.batch else 0
            if wait:
                with contextlib.suppress(TimeoutError):
                    await pause(wait)

    async def _deliver_group(self, rows: list[Claimed], first_wait: float | None = None
                             ) -> None:
        """Rows for one destination, oldest first, marked sent together once its sends are
        done (a slow destination does not hold back the others' marks)."""
        delivered: list[Delivered] = []
        try:
            await self._send_group(rows, delivered, first_wait)
        finally:  # what went out is marked even when a later write failed
            if delivered:
                await self.marks.mark(delivered)

    async def _send_group(self, rows: list[Claimed], delivered: list[Delivered],
                          first_wait: float | None) -> None:
        """Spend a token per message (the first one taken already, as `first_wait`); merge
        the rest into a digest when they would exceed the destination's budget."""
        platform, address = self._lane(rows[0]), rows[0].address
        pace = self.pacing.get(platform)
        if platform == WEBHOOK and pace is None:
            # A claim holds one row per ticket of a stream, so these rows (one subscription's)
            # are all of different tickets: nothing orders them, they are posted side by side.
            async with self.slots:
                parallel = asyncio.Semaphore(WEBHOOK_PARALLEL)

                async def one(row: Claimed) -> None:
                    async with parallel:
                        await self._send([row], delivered)

                await asyncio.gather(*(one(r) for r in rows))
            return
        index = 0
        async with self.slots:
            while index < len(rows):
                if pace is not None:
                    now = self.clock.now()
                    if first_wait is not None:
                        wait, first_wait = first_wait, None
                    else:
                        wait = await self.limiter.take(f"{platform}:{address}", now.timestamp(),
                                                       pace.rate, pace.burst)
                    if wait > 0:
                        later = now + timedelta(seconds=wait)
                        waiting = rows[index:]
                        self._fenced(waiting, await self.store.retry_later(
                            waiting, later, None, count_attempt=False), "wait for pace")
                        return
                remaining = rows[index:]
                # A message that may be out already is sent alone, so that the sender can
                # look for it: a digest has a key of its own and would repeat it.
                mergeable = [r for r in remaining
                             if not r.is_card and r.thread is None and not r.uncertain]
                if pace is not None and len(remaining) > max(1.0, pace.burst) and (
                        len(mergeable) == len(remaining)):
                    await self._send(remaining, delivered)  # one token, one digest
                    return
                await self._send([rows[index]], delivered)
                index += 1

    def _lane(self, row: Claimed) -> str:
        """Whose budget a row spends: a card where the pacing has a "<platform>:card" budget
        (its updates go through another API than the channel's messages), else its platform's."""
        lane = f"{row.platform}:card"
        return lane if row.is_card and lane in self.pacing else row.platform

    def _render(self, rows: list[Claimed]) -> Outgoing:
        # Rows are per recipient: times are rendered in the zone the row was planned for.
        first = rows[0]
        if first.template == WEBHOOK_TEMPLATE:  # no words: the body was built with the change
            return Outgoing(first.platform, first.address, "", first.event,
                            first.idempotency_key, payload=first.params)
        catalog = self.catalogs.get(first.locale, first.platform)
        with catalog.zoned(first.params.get("reader_zone")):
            return self._render_in(rows, catalog)

    def _render_in(self, rows: list[Claimed], catalog: Catalog) -> Outgoing:
        first = rows[0]
        if first.is_card:
            # A workflow's own status carries its names (the snapshot's `status_names`).
            status = StatusWord(first.params["status"], first.params.get("status_names"))
            text = catalog.text("card.fallback", **{**first.params, "status": status})
            return Outgoing(first.platform, first.address, text, text, first.idempotency_key,
                            first.thread, False, card=first.params, locale=first.locale)
        if len(rows) == 1:
            text = catalog.text(first.template, **first.params)
            if first.params.get("mentions"):
                mentioned = catalog.text("notify.mentions", people=first.params["mentions"])
                text = f"{mentioned} {text}"
            # A title is shown as plain text (DingTalk's chat list, a phone's notification):
            # it is not escaped as markdown.
            title = self.catalogs.get(first.locale, "plain").text("notify.title", **first.params)
            key = first.idempotency_key
        else:
            lines = [catalog.text(r.template, **r.params) for r in rows]
            text = catalog.text("notify.digest", count=len(rows), lines=lines)
            title = self.catalogs.get(first.locale, "plain").text("notify.digest_title",
                                                                  count=len(rows))
            key = "digest:" + ",".join(str(r.id) for r in rows)
        return Outgoing(first.platform, first.address, text, title, key, first.thread,
                        any(r.urgent for r in rows), locale=first.locale)

    async def _send(self, rows: list[Claimed], delivered: list[Delivered]) -> None:
        ids = [r.id for r in rows]
        platform = rows[0].platform
        sender = self.senders.get(platform)
        if sender is None:
            self._fenced(rows, await self.store.mark_dead(
                rows, f"no sender configured for {platform}"), "dead letter")
            METRICS.dead.labels(platform).inc(len(ids))
            return
        try:
            message = self._render(rows)
            ref = await sender.send(message, check_duplicate=any(r.uncertain for r in rows))
        except DeliveryError as error:
            await self._failed(rows, error)
            return
        except Exception as error:
            log.exception("unexpected error delivering outbox rows %s", ids)
            await self._failed(rows, DeliveryError(f"{type(error).__name__}: {error}",
                                                   maybe_sent=True))
            return
        first = rows[0]
        card = None
        if first.is_card and ref and ref != first.thread and first.ticket_id is not None:
            # A new card (first post, or a re-post after the old one was deleted).
            card = (first.ticket_id, platform, first.address)
        delivered.append(Delivered(rows, ref, card))  # marked with the destination's others
        METRICS.delivered.labels(platform).inc(len(ids))
        if len(rows) > 1:
            METRICS.digests.labels(platform).inc()

    async def _failed(self, rows: list[Claimed], error: DeliveryError) -> None:
        ids = [r.id for r in rows]
        platform = rows[0].platform
        if error.rate_limited:
            METRICS.ratelimited.labels(platform).inc()
        attempts = max(r.attempts for r in rows)
        if error.permanent or attempts >= self.retry.max_attempts:
            log.warning("outbox rows %s dead after %s attempts: %s", ids, attempts, error)
            self._fenced(rows, await self.store.mark_dead(rows, str(error)), "dead letter")
            METRICS.dead.labels(platform).inc(len(ids))
            return
        delay = error.retry_after if error.retry_after is not None else self.retry.delay(
            attempts, self.rng)
        when = self.clock.now() + timedelta(seconds=delay)
        self._fenced(rows, await self.store.retry_later(rows, when, str(error),
                                                        maybe_sent=error.maybe_sent), "retry")
        METRICS.retries.labels(platform).inc(len(ids))
