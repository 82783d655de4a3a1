"""Real Alertmanager 0.25 webhook bodies (tests/support/alertmanager/, recorded from a running
Alertmanager) and a client for the intake endpoints on the app itself."""

import dataclasses
import json
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from bot.bootstrap import App
from bot.intake.routes import intake_routes
from bot.intake.tokens import api_token_check
from bot.orgfile_hooks import IntakeConfig
from workflows.alerts import IntakeRules

SAMPLES = Path(__file__).parent / "alertmanager"
SECRET = "intake-secret-0123456789"


def sample(name: str) -> bytes:
    """The body exactly as Alertmanager sent it (its bytes, not re-encoded)."""
    return (SAMPLES / f"{name}.json").read_bytes()


def sample_json(name: str) -> dict[str, Any]:
    return json.loads(sample(name))


def intake_client(app: App, rules: IntakeRules | None = None,
                  config: IntakeConfig | None = None, tokens: bool = False) -> httpx.AsyncClient:
    """`tokens`: the REST API's tokens are accepted too, as `ticketbot serve` wires it."""
    config = config or IntakeConfig(rules or IntakeRules(), SECRET)
    check = api_token_check(app) if tokens else None
    intake = dataclasses.replace(app.intake(check), config=config)
    web = Starlette(routes=intake_routes(intake))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=web), base_url="http://bot",
                             headers={"Authorization": f"Bearer {SECRET}",
                                      "User-Agent": "Alertmanager/0.25.0"})
