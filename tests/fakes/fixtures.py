"""Pytest fixtures starting and stopping the fakes (function scope, one server per test).

Register with ``pytest_plugins = ["tests.fakes.fixtures"]`` in the root conftest.
"""

from collections.abc import AsyncIterator

import pytest

from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.fakes.feishu_openapi import FakeFeishu
from tests.fakes.slack_socket import fake_socket_mode
from tests.fakes.slack_web import FakeSlack

__all__ = ["fake_dingtalk", "fake_feishu", "fake_slack", "fake_socket_mode"]


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """A running fake Slack Web API: ``AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url)``."""
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def fake_dingtalk() -> AsyncIterator[FakeDingTalk]:
    """A running fake DingTalk OpenAPI: ``httpx.AsyncClient(base_url=fake_dingtalk.url)``."""
    async with FakeDingTalk() as fake:
        yield fake


@pytest.fixture
async def fake_dingtalk_gateway() -> AsyncIterator[FakeDingTalkGateway]:
    """A running fake DingTalk OpenAPI and Stream gateway on one ``url`` (the DINGTALK_OPENAPI_ENDPOINT)."""
    async with FakeDingTalkGateway() as fake:
        yield fake


@pytest.fixture
async def fake_feishu() -> AsyncIterator[FakeFeishu]:
    """A running fake Feishu Open API (FEISHU_OPENAPI_ENDPOINT) that also builds event bodies."""
    async with FakeFeishu() as fake:
        yield fake
