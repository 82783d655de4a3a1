"""The weekly digest: three replicas tick at once, the team's leads get it once, on Slack (an
external file upload) and DingTalk (media upload, then an image message); a restart posts
nothing again; a failed platform is retried alone; the next week is posted anew."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.bootstrap import App, build_app
from bot.digest_compose import compose_digest
from bot.dingtalk.retrying import CallRetry
from bot.jobs_digest import RETRY, digest_tick
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from bot.settings import Settings
from storage.digests import SqlDigestClaims
from storage.engine import session_factory
from tests.fakes.dingtalk_openapi import MEDIA_UPLOAD_PATH, FakeDingTalk
from tests.fakes.slack_web import FakeSlack
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.zh_org import ZH_ORG
from workflows.digest import latest_due

DIGEST = """    digest:
      channel: {slack: C0LEADS, dingtalk: "cidLEADS=="}
      weekday: monday
      time: "09:00"
      locale: zh-CN
"""
# Monday 2 March 2026 09:00 UTC is 17:00 in Shanghai; the digest of 2–8 March is due on
# Monday 9 March at 09:00 Shanghai (01:00 UTC).
DUE = datetime(2026, 3, 9, 1, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def _org() -> str:
    marker = '    triage_channel: "#it-triage"\nqueues:'
    return ZH_ORG.replace(marker, '    triage_channel: "#it-triage"\n' + DIGEST + "queues:", 1)


@pytest.fixture
async def replicas(database_url: str, tmp_path: Path, clock: FakeClock, fake_slack: FakeSlack,
                   fake_dingtalk: FakeDingTalk) -> AsyncIterator[list[App]]:
    org = tmp_path / "org.yaml"
    org.write_text(_org(), encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="Asia/Shanghai")

    async def no_wait(seconds: float) -> None:
        return None

    async with AsyncExitStack() as stack:
        http = await stack.enter_async_context(httpx.AsyncClient())
        apps = []
        for _ in range(3):
            app = await build_app(settings, clock=clock)
            stack.push_async_callback(app.aclose)
            app.senders.update({
                "slack": SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)),
                "dingtalk": DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                                           fake_dingtalk.app_secret, fake_dingtalk.robot_code,
                                           clock, retry=CallRetry(attempts=1), sleep=no_wait,
                                           media_url=fake_dingtalk.url)})
            apps.append(app)
        yield apps


async def _week_of_work(app: App, clock: FakeClock) -> None:
    chat = Chat(app)
    await chat.user("zhaomin").says("new P3 打印机卡纸")
    await chat.user("zhaomin").says("new P2 VPN 连不上")
    await chat.user("liqiang").says("claim IT-1")
    clock.advance(hours=1)
    await chat.user("liqiang").says("resolve IT-1 已更换硒鼓")


async def _tick_all(apps: list[App]) -> list[list[str]]:
    return list(await asyncio.gather(*(digest_tick(app) for app in apps)))


async def test_three_replicas_post_the_digest_once_with_its_charts(
        replicas: list[App], clock: FakeClock, fake_slack: FakeSlack,
        fake_dingtalk: FakeDingTalk) -> None:
    await _week_of_work(replicas[0], clock)
    clock.current = DUE - timedelta(hours=1)  # 08:30 in Shanghai: the 2–8 March one is not due
    # The first ticks catch up on the latest digest due (23 February – 1 March), once.
    assert sorted(await _tick_all(replicas)) == [[], [], ["it"]]
    assert await _tick_all(replicas) == [[], [], []]
    fake_slack.calls.clear()
    fake_dingtalk.calls.clear()
    before = len(fake_slack.messages("C0LEADS"))
    caught_up = len(fake_dingtalk.group_messages("cidLEADS=="))
    clock.current = DUE

    posted = await _tick_all(replicas)
    assert sorted(posted) == [[], [], ["it"]]
    assert await _tick_all(replicas) == [[], [], []]  # a restart, or the next tick: done

    # Slack: per chart the three steps of the external upload, shared in the leads' channel.
    assert len(fake_slack.calls_to("files.getUploadURLExternal")) == 3
    assert len(fake_slack.calls_to("upload")) == 3
    completes = [c.args for c in fake_slack.calls_to("files.completeUploadExternal")]
    assert [c["channel_id"] for c in completes] == ["C0LEADS"] * 3
    shared = fake_slack.messages("C0LEADS")[before:]
    assert len(shared) == 3 and all(len(m["files"]) == 1 for m in shared)
    # The words: the digest's title, then the week's report as `report 2026-W10 team it`
    # answers it to the team's lead, figure for figure.
    report = await Chat(replicas[0], "zh-CN").user("wangwu").says("report 2026-W10 team it")
    assert report.answer.key == "report.show"
    assert shared[0]["text"] == "IT 支持 周报：2026-03-02 至 2026-03-08\n" + report.text
    assert "新建：2（上期 0，+2） · 解决：1（上期 0，+1）" in report.text
    files = [fake_slack.uploads[m["files"][0]] for m in shared]
    assert all(u["data"].startswith(PNG) for u in files)
    assert [u["filename"] for u in files] == ["trend.png", "sla.png", "resolution.png"]

    # DingTalk: media uploaded as images, then the words and one image message per chart.
    uploads = fake_dingtalk.calls_to(MEDIA_UPLOAD_PATH)
    assert [c.args["type"] for c in uploads] == ["image"] * 3
    sent = fake_dingtalk.group_messages("cidLEADS==")[caught_up:]
    assert [m["msgKey"] for m in sent] == ["sampleMarkdown"] + ["sampleImageMsg"] * 3
    images = [m["msgParam"]["photoURL"] for m in sent if m["msgKey"] == "sampleImageMsg"]
    assert len(images) == 3 and all(fake_dingtalk.media[i]["type"] == "image" for i in images)
    assert sent[0]["msgParam"]["title"] == "IT 支持 周报：2026-03-02 至 2026-03-08"

    row = await SqlDigestClaims(session_factory(replicas[0].engine)).get("it", "2026-03-02")
    assert row is not None and (row.status, row.attempts) == ("sent", 1)

    clock.advance(days=7)  # the next Monday: a new period, posted once more
    assert sorted(await _tick_all(replicas)) == [[], [], ["it"]]
    assert len(fake_slack.messages("C0LEADS")) == before + 6


async def test_the_digest_in_english_is_the_english_report_of_the_week(
        replicas: list[App], clock: FakeClock) -> None:
    app = replicas[0]
    await _week_of_work(app, clock)
    clock.current = DUE
    team = app.loaded.org.teams["it"]
    assert team.digest is not None
    post = await compose_digest(app, team, latest_due(team.digest, DUE), "en", "slack")
    report = await Chat(app, "en").user("wangwu").says("report 2026-W10 team it")
    assert post.title == "Weekly report for IT 支持: 2026-03-02 – 2026-03-08"
    assert post.text == post.title + "\n" + report.text
    assert report.text.startswith("Report 2026-W10 · team it · compared with 2026-W09")
    assert "Created: 2 (prev 0, +2) · Resolved: 1 (prev 0, +1)" in report.text
    assert [chart.name for chart in post.charts] == ["trend", "sla", "resolution"]


async def test_a_failed_platform_is_retried_alone_after_a_while(
        replicas: list[App], clock: FakeClock, fake_slack: FakeSlack,
        fake_dingtalk: FakeDingTalk) -> None:
    clock.current = DUE
    fake_dingtalk.fail_next(MEDIA_UPLOAD_PATH, status=400, code="InvalidParameter")
    assert await _tick_all(replicas) == [[], [], []]
    claims = SqlDigestClaims(session_factory(replicas[0].engine))
    row = await claims.get("it", "2026-03-02")
    assert row is not None and row.status == "failed" and "slack" in (row.refs or "")
    assert len(fake_slack.messages("C0LEADS")) == 3

    clock.advance(minutes=5)
    assert await _tick_all(replicas) == [[], [], []]  # not before the retry is due
    clock.current = DUE + RETRY + timedelta(seconds=1)
    assert sorted(await _tick_all(replicas)) == [[], [], ["it"]]
    assert len(fake_slack.messages("C0LEADS")) == 3  # Slack was not posted twice
    assert len([m for m in fake_dingtalk.group_messages("cidLEADS==")
                if m["msgKey"] == "sampleImageMsg"]) == 3
    row = await claims.get("it", "2026-03-02")
    assert row is not None and (row.status, row.attempts) == ("sent", 2)


async def test_a_replica_that_died_mid_post_is_taken_over_when_its_lease_ends(
        replicas: list[App], clock: FakeClock) -> None:
    claims = SqlDigestClaims(session_factory(replicas[0].engine))
    clock.current = DUE
    first = await claims.claim("it", "2026-03-02", DUE, timedelta(minutes=10))
    assert first is not None and first.token == 1
    assert await claims.claim("it", "2026-03-02", DUE, timedelta(minutes=10)) is None
    later = DUE + timedelta(minutes=11)
    second = await claims.claim("it", "2026-03-02", later, timedelta(minutes=10))
    assert second is not None and second.token == 2
    assert not await claims.sent(first, later, "{}")  # the dead replica's late write is fenced
    assert await claims.sent(second, later, "{}")


# A team on the US west coast in a Shanghai organisation: its digest is posted at 09:00 on
# Monday 9 March in Los Angeles (16:00 UTC, midnight in Shanghai), and covers the
# organisation's week 2026-W10 (2–8 March in Shanghai), as `report 2026-W10 team it` does.
WEST_DIGEST = DIGEST.replace("      locale: zh-CN\n", "      locale: en\n")
WEST_DUE = datetime(2026, 3, 9, 16, 30, tzinfo=UTC)


async def test_the_digest_covers_the_organisations_week_whatever_the_teams_zone(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    org = tmp_path / "org.yaml"
    marker = '    triage_channel: "#it-triage"\nqueues:'
    org.write_text(ZH_ORG.replace(marker, '    triage_channel: "#it-triage"\n'
                                  "    timezone: America/Los_Angeles\n" + WEST_DIGEST
                                  + "queues:", 1), encoding="utf-8")
    settings = Settings(_env_file=None, database_url=database_url, org_file=org, locale="en",
                        timezone="Asia/Shanghai")
    app = await build_app(settings, clock=clock)
    app.senders["slack"] = _FileSink()
    try:
        chat = Chat(app, "en")
        # Monday 2 March, 01:00 and 02:00 in Shanghai: still Sunday 1 March in Los Angeles.
        clock.current = datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
        await chat.user("zhaomin").says("new P3 printer jammed")
        clock.current = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
        await chat.user("zhaomin").says("new P3 VPN drops")
        # Sunday 8 March, 20:00 in Los Angeles: already Monday 9 March in Shanghai (W11).
        clock.current = datetime(2026, 3, 9, 3, 0, tzinfo=UTC)
        await chat.user("zhaomin").says("new P3 monitor flickers")
        clock.current = WEST_DUE
        team = app.loaded.org.teams["it"]
        assert team.digest is not None and str(team.digest.tz) == "America/Los_Angeles"

        kept = _Keep()
        assert await digest_tick(app, kept) == ["it"]
        week, post = kept.week, kept.post
        assert week is not None and post is not None
        assert (week.first.isoformat(), week.start, week.end) == (
            "2026-03-02", datetime(2026, 3, 1, 16, 0, tzinfo=UTC),
            datetime(2026, 3, 8, 16, 0, tzinfo=UTC))
        report = await chat.user("wangwu").says("report 2026-W10 team it")
        assert post.text == post.title + "\n" + report.text
        assert "Created: 2 (prev 0, +2)" in report.text
        assert post.title == "Weekly report for IT 支持: 2026-03-02 – 2026-03-08"
    finally:
        await app.aclose()


class _FileSink:
    """A sender that takes any file: this test reads what was composed, not how it travels."""

    async def send_file(self, file: object) -> str:
        return "F1"


class _Keep:
    """A digest composer that keeps what it composed (and for which week)."""

    def __init__(self) -> None:
        self.week = None
        self.post = None

    async def __call__(self, app, team, week, locale, platform):  # type: ignore[no-untyped-def]
        self.week = week
        self.post = await compose_digest(app, team, week, locale, platform)
        return self.post
