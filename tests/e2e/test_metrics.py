"""/metrics after real Slack traffic: latency per platform and kind, actions per type, tickets by
status and priority (counted in the database on scrape), delivery and SLA metric names."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def scrape(stack: SlackStack) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await stack.http.get(f"{stack.url}/metrics")
    assert response.status_code == 200
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_follow_the_traffic(stack: SlackStack) -> None:
    before = await scrape(stack)
    await stack.command("U0ALICE", "new P2 VPN down")
    await stack.command("U0ALICE", "new P4 Mouse broken")
    await stack.command("U0BOB", "claim IT-1")
    await stack.deliver()
    after = await scrape(stack)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("ticketbot_request_seconds_count", platform="slack", kind="command") == 3
    assert grew("ticketbot_ack_seconds_count", platform="slack", kind="command") == 3
    assert grew("ticketbot_actions_total", action="create", outcome="ok") == 2
    assert grew("ticketbot_actions_total", action="claim", outcome="ok") == 1
    assert value(after, "ticketbot_tickets", status="in_progress", priority="P2") == 1
    assert value(after, "ticketbot_tickets", status="new", priority="P4") == 1
    assert value(after, "ticketbot_tickets", status="new", priority="P2") == 0  # moved on
    assert grew("ticketbot_deliveries_total", platform="slack") >= 3
    names = {name for name, _ in after}
    assert {"ticketbot_outbox_lag_seconds", "ticketbot_sla_sweep_seconds_count",
            "ticketbot_sla_due_backlog"} <= names
