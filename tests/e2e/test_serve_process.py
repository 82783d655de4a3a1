"""`ticketbot serve` as a real process: healthy, ready, serving Slack, and on SIGTERM it finishes
its work and exits 0 within TICKETBOT_SHUTDOWN_TIMEOUT. Logs are JSON and carry no secret."""

import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx

from tests.e2e.slack_stack import ORG
from tests.fakes.slack_web import FakeSlack
from tests.support import slack_payloads as sp
from tests.support.ports import free_port

SHUTDOWN_TIMEOUT = 5.0
ROOT = Path(__file__).resolve().parents[2]


async def wait_until_up(url: str, process: asyncio.subprocess.Process) -> None:
    async with httpx.AsyncClient(timeout=1) as http:
        for _ in range(200):  # 20 s at most for the interpreter and the app to start
            assert process.returncode is None, "ticketbot serve exited early"
            try:
                if (await http.get(f"{url}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise AssertionError("ticketbot serve did not answer /healthz")


async def test_serve_is_ready_and_stops_gracefully_on_sigterm(
        database_url: str, tmp_path: Path, fake_slack: FakeSlack) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(ORG, encoding="utf-8")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "TICKETBOT_ORG_FILE": str(org),
           "SLACK_BOT_TOKEN": fake_slack.token, "SLACK_SIGNING_SECRET": sp.SIGNING_SECRET,
           "SLACK_API_URL": fake_slack.url, "TICKETBOT_HTTP_HOST": "127.0.0.1",
           "TICKETBOT_HTTP_PORT": str(port), "TICKETBOT_SHUTDOWN_TIMEOUT": str(SHUTDOWN_TIMEOUT),
           "TICKETBOT_LOG_FORMAT": "json", "TICKETBOT_LOG_LEVEL": "INFO",
           "PYTHONPATH": str(ROOT)}
    env.pop("SLACK_APP_TOKEN", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "serve", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        await wait_until_up(url, process)
        async with httpx.AsyncClient(timeout=5) as http:
            ready = await http.get(f"{url}/readyz")
            assert ready.status_code == 200, ready.text
            assert ready.json()["checks"] == {"database": True, "schema": True}
            # Reported beside the checks: this organisation's calendar has no holiday source.
            assert ready.json()["holidays"] == {"missing": [], "warnings": []}
            body = sp.form_body(sp.slash_command(
                "new P2 VPN down", user_id="U0ALICE", user_name="alice",
                response_url=fake_slack.url.replace("/api/", "/commands/T0TEAM/1/hook")))
            headers = {**sp.sign(body), "Content-Type": "application/x-www-form-urlencoded"}
            posted = await http.post(f"{url}/slack/events", content=body, headers=headers)
            if posted.status_code != 200:
                process.kill()
                raise AssertionError((await process.communicate())[1].decode()[-3000:])
            assert "ticketbot_tickets" in (await http.get(f"{url}/metrics")).text
        for _ in range(100):  # the relay posts the card to the fake Slack
            if fake_slack.messages("C0GENERAL"):
                break
            await asyncio.sleep(0.1)
        assert fake_slack.messages("C0GENERAL")
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), SHUTDOWN_TIMEOUT + 5)
        assert process.returncode == 0, stderr.decode()
        assert time.monotonic() - started < SHUTDOWN_TIMEOUT + 1
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    logs = [json.loads(line) for line in stderr.decode().splitlines() if line.startswith("{")]
    assert any(entry["message"].startswith("shutting down") for entry in logs)
    assert fake_slack.token not in stderr.decode() and sp.SIGNING_SECRET not in stderr.decode()
