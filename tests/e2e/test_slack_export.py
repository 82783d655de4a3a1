"""`/ticket export 2026-11` in Slack: the reply rides on the ack, then the CSV and the XLSX are
uploaded (Slack's external upload) into the asker's DM with the bot; `/ticket report …` brings
its charts the same way."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.slack_stack import SlackStack, slack_stack
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock


@pytest.fixture
async def stack(database_url: str, tmp_path: Path, clock: FakeClock,
                fake_slack: FakeSlack) -> AsyncIterator[SlackStack]:
    async with slack_stack(database_url, tmp_path, clock, fake_slack) as running:
        yield running


async def test_export_uploads_two_files_to_the_askers_dm(stack: SlackStack,
                                                         clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    await stack.command("U0ALICE", "new P3 Printer jam")
    await stack.command("U0BOB", "claim IT-1")
    clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    answer = await stack.command("U0BOB", "export 2026-11")
    assert answer.json()["text"] == "Tickets of 2026-11: 1 rows (CSV and Excel)."
    await stack.slack.settle()

    fake = stack.fake
    dm = fake.im_channel("U0BOB")
    asked = [c.args["filename"] for c in fake.calls_to("files.getUploadURLExternal")]
    assert asked == ["tickets-2026-11.csv", "tickets-2026-11.xlsx"]
    assert [c.args["channel_id"] for c in fake.calls_to("files.completeUploadExternal")] == [dm, dm]
    shared = fake.messages(dm)
    assert [fake.uploads[m["files"][0]]["filename"] for m in shared] == [
        "tickets-2026-11.csv", "tickets-2026-11.xlsx"]
    assert shared[0]["text"] == "Tickets of 2026-11: 1 rows (CSV and Excel)."
    assert b"IT-1,Printer jam,it,P3" in fake.uploads[shared[0]["files"][0]]["data"]


async def test_a_report_brings_its_charts_to_the_dm(stack: SlackStack, clock: FakeClock) -> None:
    clock.current = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    await stack.command("U0ALICE", "new P3 Printer jam")
    await stack.command("U0BOB", "claim IT-1")
    await stack.command("U0BOB", "resolve IT-1 new toner")
    clock.current = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    await stack.command("U0BOB", "report 2026-11")
    await stack.slack.settle()
    dm = stack.fake.im_channel("U0BOB")
    names = [stack.fake.uploads[m["files"][0]]["filename"] for m in stack.fake.messages(dm)]
    assert names == ["trend.png", "sla.png", "resolution.png"]
