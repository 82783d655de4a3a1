"""`ticketbot serve` is the one process: the same command serves a DingTalk-only and a Slack-only
deployment, answers a command, and posts the SLA warnings its own scheduler finds due; two
replicas on one PostgreSQL post each warning once.

The ticket is raised before the process starts, on a fake clock set 20 minutes back: its P1
resolution clock (30 minutes) is past its 50 % warning when the process's first sweep runs.
"""

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.platforms import DINGTALK, SLACK
from tests.fakes.dingtalk_gateway import FakeDingTalkGateway, robot_message
from tests.fakes.feishu_openapi import FakeFeishu
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.ports import free_port
from tests.support.sla import FAST_ORG, fast_sla_app
from workflows.kinds import Source

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0


async def raise_p1_twenty_minutes_ago(database_url: str, tmp_path: Path, platform: Source,
                                      alice: str, bob: str) -> None:
    clock = FakeClock(datetime.now(UTC) - timedelta(minutes=20))
    async with fast_sla_app(database_url, tmp_path, clock, frozenset({platform})) as app:
        chat = Chat(app)
        assert (await chat.user(alice, platform).says("new P1 Core switch down")).ok
        assert (await chat.user(bob, platform).says("claim IT-1")).ok


def serve_env(database_url: str, tmp_path: Path, port: int, **extra: str) -> dict[str, str]:
    org = tmp_path / "org.yaml"
    org.write_text(FAST_ORG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DINGTALK_", "TICKETBOT_", "SLACK_", "FEISHU_"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=database_url, TICKETBOT_ORG_FILE=str(org),
               TICKETBOT_HTTP_HOST="127.0.0.1", TICKETBOT_HTTP_PORT=str(port),
               TICKETBOT_SHUTDOWN_TIMEOUT="5", TICKETBOT_LOG_LEVEL="INFO", **extra)
    return env


@asynccontextmanager
async def serving(env: dict[str, str], cwd: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """`ticketbot serve` until the block ends, then SIGTERM: it must exit 0 without a traceback."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        yield process
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 0, stderr.decode()[-3000:]
        assert b"Traceback" not in stderr, stderr.decode()[-3000:]
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def ready(port: int, process: asyncio.subprocess.Process) -> dict[str, bool]:
    """/readyz's checks once it says ready (every configured connection up)."""
    async with httpx.AsyncClient(timeout=2) as http:
        for _ in range(int(WAIT * 10)):
            if process.returncode is not None:
                raise AssertionError((await process.communicate())[1].decode()[-3000:])
            try:
                answer = await http.get(f"http://127.0.0.1:{port}/readyz")
                if answer.status_code == 200:
                    checks: dict[str, bool] = answer.json()["checks"]
                    return checks
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("ticketbot serve never became ready")


async def eventually(condition: Callable[[], object], within: float = WAIT) -> None:
    for _ in range(int(within * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the expected message never arrived")


async def sweeps(port: int) -> float:
    async with httpx.AsyncClient(timeout=2) as http:
        text = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "ticketbot_sla_sweep_seconds_count":
                return sample.value
    return 0.0


async def sweeps_beyond(port: int, count: float) -> bool:
    return await sweeps(port) >= count


async def eventually_async(condition: Callable[[], Awaitable[bool]], within: float = WAIT) -> None:
    for _ in range(int(within * 10)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the replica never swept again")


def warnings_in(texts: list[str]) -> list[str]:
    return [t for t in texts if t.startswith("⏳ IT-1")]


async def test_a_dingtalk_only_deployment_serves_and_posts_sla_warnings(
        tmp_path: Path, database_url: str, fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    await raise_p1_twenty_minutes_ago(database_url, tmp_path, DINGTALK,
                                      "staff-alice", "staff-bob")
    port = free_port()
    env = serve_env(database_url, tmp_path, port, DINGTALK_OPENAPI_ENDPOINT=fake.url,
                    DINGTALK_CLIENT_ID=fake.app_key, DINGTALK_CLIENT_SECRET=fake.app_secret,
                    DINGTALK_ROBOT_CODE=fake.robot_code)
    async with serving(env, tmp_path) as process:
        assert await ready(port, process) == {"database": True, "schema": True,
                                              "dingtalk_stream": True}
        frame = await fake.send_robot_message(robot_message(
            text="new P3 打印机卡纸", sender_staff_id="staff-alice", sender_nick="Alice",
            conversation_id="cidITGROUP==", robot_code=fake.robot_code))
        assert (await fake.wait_ack(frame))["code"] == 200

        def bob() -> list[str]:
            return [m["msgParam"]["text"] for m in fake.user_messages("staff-bob")
                    if "text" in m.get("msgParam", {})]

        await eventually(lambda: warnings_in(bob()))
        await eventually(lambda: any("IT-2" in str(m) for m in fake.group_messages("cidITGROUP==")))
    assert len(warnings_in(bob())) == 1
    assert "50%" in warnings_in(bob())[0]


async def test_a_feishu_only_deployment_holds_its_long_connection_and_closes_it_on_sigterm(
        tmp_path: Path, database_url: str, fake_feishu: FakeFeishu) -> None:
    fake_feishu.chats.add("oc_ops")
    port = free_port()
    env = serve_env(database_url, tmp_path, port, FEISHU_OPENAPI_ENDPOINT=fake_feishu.url,
                    FEISHU_APP_ID=fake_feishu.app_id, FEISHU_APP_SECRET=fake_feishu.app_secret)
    async with serving(env, tmp_path) as process:
        assert await ready(port, process) == {"database": True, "schema": True,
                                              "feishu_connection": True}
        frame = await fake_feishu.ws.push(fake_feishu.incoming(
            "om_in1", "oc_ops", "ou_alice", "new P3 打印机卡纸", group=True))
        assert (await fake_feishu.ws.acked(frame)).code == 200
        await eventually(lambda: fake_feishu.cards_in("oc_ops"))
    assert not fake_feishu.ws.open  # closed by the process on its way out
    assert fake_feishu.ws.connections == 1


async def test_a_slack_only_deployment_serves_and_posts_sla_warnings(
        tmp_path: Path, database_url: str, fake_slack: FakeSlack) -> None:
    await raise_p1_twenty_minutes_ago(database_url, tmp_path, SLACK, "U0ALICE", "U0BOB")
    port = free_port()
    env = serve_env(database_url, tmp_path, port, SLACK_BOT_TOKEN=fake_slack.token,
                    SLACK_SIGNING_SECRET=sp.SIGNING_SECRET, SLACK_API_URL=fake_slack.url)
    async with serving(env, tmp_path) as process:
        assert await ready(port, process) == {"database": True, "schema": True}
        hook = fake_slack.url.replace("/api/", "/commands/T0TEAM/1/hook")
        body = sp.form_body(sp.slash_command("new P3 Printer jammed", user_id="U0ALICE",
                                             user_name="alice", response_url=hook))
        async with httpx.AsyncClient(timeout=5) as http:
            answer = await http.post(f"http://127.0.0.1:{port}/slack/events", content=body,
                                     headers={**sp.sign(body),
                                              "Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 200
        # Alice's Slack language is asked after the ack: the answer follows through the hook.
        await eventually(lambda: any("IT-2" in str(r.get("text")) for r in fake_slack.responses))

        def bob() -> list[str]:
            return [m["text"] for m in fake_slack.messages(fake_slack.im_channel("U0BOB"))]

        await eventually(lambda: warnings_in(bob()))
    assert len(warnings_in(bob())) == 1


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_replicas_post_each_warning_once(
        tmp_path: Path, database_url: str, fake_slack: FakeSlack) -> None:
    await raise_p1_twenty_minutes_ago(database_url, tmp_path, SLACK, "U0ALICE", "U0BOB")
    ports = free_port(), free_port()
    envs = [serve_env(database_url, tmp_path, port, SLACK_BOT_TOKEN=fake_slack.token,
                      SLACK_SIGNING_SECRET=sp.SIGNING_SECRET, SLACK_API_URL=fake_slack.url,
                      TICKETBOT_SLA_SWEEP_SECONDS="0.5")
            for port in ports]

    def bob() -> list[str]:
        return [m["text"] for m in fake_slack.messages(fake_slack.im_channel("U0BOB"))]

    async with serving(envs[0], tmp_path) as first, serving(envs[1], tmp_path) as second:
        await ready(ports[0], first)
        await ready(ports[1], second)
        await eventually(lambda: warnings_in(bob()))
        # Each replica sweeps twice more after the warning went out: a double would show now.
        counts = [await sweeps(port) for port in ports]
        for port, count in zip(ports, counts, strict=True):
            await eventually_async(lambda port=port, count=count: sweeps_beyond(port, count + 2))
    assert len(warnings_in(bob())) == 1
    posted = [c.args["metadata"]["event_payload"]["key"]
              for c in fake_slack.calls_to("chat.postMessage")]
    assert len(posted) == len(set(posted))
