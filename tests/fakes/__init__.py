"""Local fakes of the messengers' HTTP APIs (Slack Web API, DingTalk OpenAPI) for the test suite.

Fixtures ``fake_slack`` and ``fake_dingtalk`` live in ``tests.fakes.fixtures``; register them with
``pytest_plugins = ["tests.fakes.fixtures"]`` in the root conftest.
"""

from tests.fakes._server import Call
from tests.fakes.dingtalk_openapi import FakeDingTalk
from tests.fakes.slack_web import FakeSlack

__all__ = ["Call", "FakeDingTalk", "FakeSlack"]
