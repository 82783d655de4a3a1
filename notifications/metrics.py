"""Delivery metrics in Prometheus form; the HTTP app serves them on /metrics."""

from dataclasses import dataclass, field

from prometheus_client import Counter, Gauge


@dataclass(frozen=True)
class _Metrics:
    lag: Gauge = field(default_factory=lambda: Gauge(
        "ticketbot_outbox_lag_seconds", "Age of the oldest outbox message that is due"))
    delivered: Counter = field(default_factory=lambda: Counter(
        "ticketbot_deliveries", "Messages delivered", ["platform"]))
    retries: Counter = field(default_factory=lambda: Counter(
        "ticketbot_delivery_retries", "Deliveries scheduled for another try", ["platform"]))
    ratelimited: Counter = field(default_factory=lambda: Counter(
        "ticketbot_delivery_ratelimited", "Rate-limit answers (429) from a platform", ["platform"]))
    dead: Counter = field(default_factory=lambda: Counter(
        "ticketbot_delivery_dead", "Messages given up on (dead letters)", ["platform"]))
    fenced: Counter = field(default_factory=lambda: Counter(
        "ticketbot_outbox_fenced",
        "Outbox writes left undone because a newer claim holds the rows (a lease ran out)"))
    digests: Counter = field(default_factory=lambda: Counter(
        "ticketbot_delivery_digests", "Digests sent instead of a burst", ["platform"]))

    sweeps: Counter = field(default_factory=lambda: Counter(
        "ticketbot_outbox_sweeps",
        "Relay sweeps by what started them (notified, committed, scheduled, due, backlog, "
        "fallback, reconnected, retry, start)", ["reason"]))


METRICS = _Metrics()
