"""`ticketbot api token`: create prints the token once, list shows no secret, revoke works, and
a created token opens the API."""

import asyncio
import os
import subprocess

import httpx
import pytest

from bot.api.app import build_api
from bot.bootstrap import build_app
from bot.cli import main
from bot.http import build_http
from bot.settings import Settings


async def _ready() -> dict[str, bool]:
    return {"database": True}


async def _get(url: str, token: str, path: str) -> int:
    settings = Settings(_env_file=None, database_url=url, org_file=None)
    app = await build_app(settings)
    try:
        transport = httpx.ASGITransport(app=build_http(None, _ready, api=build_api(app)))
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as client:
            response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            return response.status_code
    finally:
        await app.aclose()


class Cli:
    """`ticketbot …` run in this process (a subprocess per call took seconds each)."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        self.capsys.readouterr()
        code = main(list(args))
        out = self.capsys.readouterr()
        return subprocess.CompletedProcess(list(args), code, out.out, out.err)


@pytest.fixture
def ticketbot(database_url: str, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> Cli:
    for name in [k for k in os.environ if k.startswith("TICKETBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TICKETBOT_LOG_LEVEL", "WARNING")
    cli = Cli(capsys)
    assert cli("db", "upgrade").returncode == 0
    return cli


def test_create_list_revoke(database_url: str, ticketbot: Cli) -> None:
    created = ticketbot("api", "token", "create", "--as", "bob",
                        "--scope", "tickets:read,tickets:write", "--expires", "90d")
    assert created.returncode == 0, created.stderr
    token = created.stdout.splitlines()[0]
    assert token.startswith("tb_")
    assert asyncio.run(_get(database_url, token, "/tickets")) == 200

    listed = ticketbot("api", "token", "list").stdout
    public_id = token.split("_")[1]
    assert public_id in listed and "as bob" in listed and "active" in listed
    assert token.split("_", 2)[2] not in listed  # never the secret
    assert "last_used=2" in listed  # the request above

    assert ticketbot("api", "token", "revoke", public_id).returncode == 0
    assert "revoked" in ticketbot("api", "token", "list").stdout
    assert asyncio.run(_get(database_url, token, "/tickets")) == 401


def test_refusals_and_service_identities(ticketbot: Cli) -> None:
    nobody = ticketbot("api", "token", "create", "--as", "zelda",
                       "--scope", "tickets:read")
    assert nobody.returncode == 2 and "no person 'zelda'" in nobody.stdout
    scope = ticketbot("api", "token", "create", "--as", "bob", "--scope", "all")
    assert scope.returncode == 2 and "unknown all" in scope.stdout
    span = ticketbot("api", "token", "create", "--as", "bob",
                     "--scope", "tickets:read", "--expires", "soon")
    assert span.returncode == 2 and "90d" in span.stdout
    borrowed = ticketbot("api", "token", "create", "--service", "bob",
                         "--scope", "tickets:write")
    assert borrowed.returncode == 2 and "person's handle" in borrowed.stdout
    service = ticketbot("api", "token", "create", "--service", "alertmanager",
                        "--scope", "intake:write,tickets:write")
    assert service.returncode == 0 and "service alertmanager" in service.stderr
    assert service.stdout.strip().startswith("tb_") and len(service.stdout.splitlines()) == 1
    again = ticketbot("api", "token", "create", "--service", "alertmanager",
                      "--scope", "intake:write")
    assert again.returncode == 0  # a second token for the same integration
