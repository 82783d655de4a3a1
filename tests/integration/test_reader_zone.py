"""Every time names its zone and is shown in the reader's zone: the person's own (organisation
file), else their team's, else the organisation's. A ticket's SLA reads in business hours on an
office calendar and in hours on a 24x7 one. 2026-03-02 09:00 UTC is Monday 17:00 in Shanghai,
10:00 in Berlin."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.senders import RecordingSender
from tests.support.sla import run_sweep

ORG = """\
default_queue: IT
timezone: Asia/Shanghai
people:
  - {handle: alice, name: Alice}
  - {handle: bob, name: Bob, timezone: Europe/Berlin}
  - {handle: dave, name: Dave}
teams:
  - key: it
    name: IT Support
    leads: [dave]
    members: [bob]
queues:
  - {key: IT, name: Help desk, default_team: it, triage_channel: "#it"}
sla:
  default_policy: fast
  calendars:
    - {name: always, timezone: UTC, hours: 24x7}
    - name: office
      timezone: Asia/Shanghai
      hours: {mon-fri: ["09:00-12:00", "13:00-18:00"]}
  policies:
    - name: fast
      calendar: office
      calendars: {P1: always}
      targets:
        P1: {response: 10m, resolution: 4h}
        P2: {response: 1h, resolution: 8h}
        P3: {response: 4h, resolution: 3d}
        P4: {response: 1d, resolution: 7d}
        P5: {response: 3d, resolution: 30d}
      warnings: [50%]
      escalation:
        steps:
          - {action: notify_lead}
"""


@pytest.fixture
async def app(database_url: str, tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, timezone="UTC")
    application = await build_app(settings, clock=clock)
    yield application
    await application.aclose()


async def test_each_reader_sees_the_same_due_instant_in_their_own_zone(chat: Chat) -> None:
    await chat.user("alice").says("new P2 Printer offline")
    # One office hour: Monday 18:00 in Shanghai, which is 11:00 in Berlin.
    berlin = (await chat.user("bob").says("sla IT-1")).text.splitlines()
    shanghai = (await chat.user("dave").says("sla IT-1")).text.splitlines()
    assert berlin[1] == ("First response: running · due 2026-03-02 11:00 (Europe/Berlin) · "
                         "used 0m of 1 business hour")
    assert shanghai[1] == ("First response: running · due 2026-03-02 18:00 (Asia/Shanghai) · "
                           "used 0m of 1 business hour")
    assert shanghai[2].endswith("used 0m of 8 business hours")
    # The card under an answer is in the reader's zone too.
    card = (await chat.user("bob").says("show IT-1")).card
    assert card is not None and "2026-03-03 10:00 (Europe/Berlin)" in card


async def test_a_round_the_clock_clock_reads_in_hours_not_business_hours(chat: Chat) -> None:
    await chat.user("alice").says("new P1 Everything is down")
    lines = (await chat.user("dave").says("sla IT-1")).text.splitlines()
    assert lines[1].endswith("used 0m of 10 minutes")
    assert lines[2] == ("Resolution: running · due 2026-03-02 21:00 (Asia/Shanghai) · "
                        "used 0m of 4 hours")
    assert "business" not in "\n".join(lines)


async def test_the_relay_renders_each_recipients_message_in_their_zone(
        chat: Chat, clock: FakeClock) -> None:
    await chat.user("alice").says("new P1 Everything is down")
    await chat.user("bob").says("claim IT-1")
    clock.advance(hours=4, minutes=1)  # past the resolution target: due 13:00 UTC
    await run_sweep(chat.app)
    sender = RecordingSender()
    relay = chat.app.relay({"console": sender}, pacing={})
    while await relay.run_once():
        pass
    bob = [t for t in sender.texts("bob") if "missed its resolution target" in t]
    dave = [t for t in sender.texts("dave") if "missed its resolution target" in t]
    assert bob and "due 2026-03-02 14:00 (Europe/Berlin)" in bob[0]
    assert dave and "due 2026-03-02 21:00 (Asia/Shanghai)" in dave[0]
    channel = [t for t in sender.texts("#it") if "missed its resolution target" in t]
    assert channel and "(Asia/Shanghai)" in channel[0]  # a channel reads its team's zone


async def test_a_zone_the_reader_chose_comes_with_their_look_up(chat: Chat) -> None:
    """The zone set with `quiet … <zone>` wins, is seen by the very next request, and is read
    in the statement that finds the person: no query of its own against preferences."""
    from sqlalchemy import event

    await chat.user("alice").says("new P2 Printer offline")
    await chat.user("alice").says("quiet 22:00-07:00 America/New_York")
    statements: list[str] = []

    def seen(_conn, _cursor, statement: str, *_args: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = chat.app.engine.sync_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        lines = (await chat.user("alice").says("sla IT-1")).text.splitlines()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    # Monday 18:00 in Shanghai is 05:00 in New York.
    assert lines[1].startswith("First response: running · due 2026-03-02 05:00 "
                               "(America/New_York)")
    alone = [s for s in statements if "FROM preferences" in s and "FROM people" not in s]
    assert alone == []
