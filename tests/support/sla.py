"""An organisation with a short SLA policy for tests, and a helper that runs the sweep."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.bootstrap import App, build_app
from bot.settings import Settings
from commands.actions.sla_sweep import SweepReport, sweep
from tests.support.clock import FakeClock
from workflows.kinds import Source

# P1: 10 min to respond, 30 min to resolve, on a 24x7 calendar; warnings at 50 % and 75 %; on a
# breach: tell the lead, post to the escalation channel, hand over to the lead 5 minutes later;
# then a reminder every 5 minutes, five at most, and the ticket is suspended.
FAST_ORG = """\
default_queue: IT
people:
  - {handle: alice, name: Alice, slack_id: U0ALICE, dingtalk_id: staff-alice}
  - {handle: bob, name: Bob, slack_id: U0BOB, dingtalk_id: staff-bob}
  - {handle: dave, name: Dave, slack_id: U0DAVE, dingtalk_id: staff-dave}
teams:
  - key: it
    name: IT Support
    leads: [dave]
    members: [bob]
    escalation_channels: {console: "#esc", slack: C0ESC, dingtalk: cidESC==}
    control_channels: {console: "#ctl", slack: C0CTL, dingtalk: cidCTL==}
queues:
  - key: IT
    name: Help desk
    default_team: it
    triage_channel: "#it"
    channels: {slack: C0ITDESK, dingtalk: cidITGROUP==}
sla:
  default_policy: fast
  calendars:
    - {name: always, timezone: UTC, hours: 24x7}
    - name: office
      timezone: Asia/Shanghai
      hours: {mon-fri: ["09:00-12:00", "13:30-18:00"]}
      holidays: china
  policies:
    - name: fast
      calendar: office
      calendars: {P1: always}
      targets:
        P1: {response: 10m, resolution: 30m}
        P2: {response: 1h, resolution: 8h}
        P3: {response: 4h, resolution: 3d}
        P4: {response: 1d, resolution: 7d}
        P5: {response: 3d, resolution: 30d}
      warnings: [50%, 75%]
      escalation:
        steps:
          - {action: notify_lead}
          - {action: post_channel}
          - {action: reassign, to: lead, after: 5m}
        repeat_every: 5m
        max_reminders: 5
"""


@asynccontextmanager
async def fast_sla_app(database_url: str, tmp_path: Path, clock: FakeClock,
                       platforms: frozenset[Source] = frozenset({Source.CONSOLE})
                       ) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(FAST_ORG, encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, timezone="UTC")
    app = await build_app(settings, clock=clock, platforms=platforms)
    try:
        yield app
    finally:
        await app.aclose()


async def run_sweep(app: App) -> SweepReport:
    return await sweep(app.uow, app.loaded.org, app.clock, app.notify)
