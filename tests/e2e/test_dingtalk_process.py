"""`ticketbot dingtalk` as a deployer runs it: environment variables in, SIGTERM to stop."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_dingtalk import IT_GROUP, LI, ORG, TEMPLATE
from tests.fakes.dingtalk_gateway import OPEN_PATH, FakeDingTalkGateway, robot_message
from tests.support.databases import sqlite_copy

ROOT = Path(__file__).resolve().parents[2]


def test_the_sdk_endpoint_is_set_from_the_settings_before_the_sdk_loads(tmp_path: Path) -> None:
    # A .env file, not the process environment: the bootstrap must hand it to the SDK.
    (tmp_path / ".env").write_text("DINGTALK_OPENAPI_ENDPOINT=http://127.0.0.1:9/\n", encoding="utf-8")
    script = ("from bot.settings import Settings\n"
              "from bot.bootstrap import configure_dingtalk_sdk\n"
              "configure_dingtalk_sdk(Settings())\n"
              "import dingtalk_stream\n"
              "print(dingtalk_stream.DingTalkStreamClient.OPEN_CONNECTION_API)\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DINGTALK_")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == "http://127.0.0.1:9/v1.0/gateway/connections/open"


async def test_the_process_serves_a_group_and_stops_cleanly_on_sigterm(
        tmp_path: Path, fake_dingtalk_gateway: FakeDingTalkGateway, _sqlite_template: Path) -> None:
    fake = fake_dingtalk_gateway
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DINGTALK_", "TICKETBOT_"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=sqlite_copy(_sqlite_template, tmp_path),
               TICKETBOT_ORG_FILE=str(org), TICKETBOT_TIMEZONE="Asia/Shanghai",
               DINGTALK_OPENAPI_ENDPOINT=fake.url, DINGTALK_CLIENT_ID=fake.app_key,
               DINGTALK_CLIENT_SECRET=fake.app_secret, DINGTALK_ROBOT_CODE=fake.robot_code,
               DINGTALK_CARD_TEMPLATE_ID=TEMPLATE)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "dingtalk", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_connections(1, within=60)
        frame = await fake.send_robot_message(robot_message(
            text="new P2 打印机无法联网", sender_staff_id=LI.staff_id, sender_nick=LI.nick,
            conversation_id=IT_GROUP, robot_code=fake.robot_code))
        assert (await fake.wait_ack(frame))["code"] == 200
        await fake.wait_until(lambda: fake.cards, within=30)  # the process's relay delivers it
        [card] = fake.cards.values()
        assert card["cardData"]["cardParamMap"]["title"] == "打印机无法联网"
        assert fake.calls_to(OPEN_PATH)[0].args["clientId"] == fake.app_key
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    assert fake.live is None
