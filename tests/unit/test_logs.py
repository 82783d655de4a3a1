"""Structured logs: JSON lines with the request's context, and secrets never written out."""

import io
import json
import logging

from bot.logs import REDACTED, build_handler, log_context
from bot.settings import Settings

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def capture(fmt: str, secrets: list[str]) -> tuple[logging.Logger, io.StringIO]:
    out = io.StringIO()
    handler = build_handler(fmt, secrets)
    handler.setStream(out)  # type: ignore[attr-defined]
    logger = logging.getLogger(f"test.logs.{fmt}.{len(secrets)}")
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, out


def test_json_lines_carry_ticket_platform_and_request_id() -> None:
    logger, out = capture("json", [])
    with log_context(platform="slack", request_id="Ev0ABC", ticket_id="IT-7"):
        logger.info("claimed %s", "IT-7")
    logger.info("outside")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["message"] == "claimed IT-7" and first["level"] == "INFO"
    assert (first["ticket_id"], first["platform"], first["request_id"]) == ("IT-7", "slack", "Ev0ABC")
    assert second["ticket_id"] is None and second["request_id"] is None


def test_text_lines_name_the_context_when_there_is_one() -> None:
    logger, out = capture("text", [])
    with log_context(platform="console", request_id="r1"):
        logger.warning("hello")
    assert out.getvalue().rstrip().endswith("hello [platform=console request_id=r1]")


def test_tokens_and_configured_secrets_are_redacted_everywhere() -> None:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-1111-2222-abcdef",
                        slack_signing_secret=SIGNING_SECRET, slack_app_token="xapp-1-A0-123-ff",
                        dingtalk_client_secret="dingtalk-very-secret-value",
                        database_url="postgresql://bot:pg-p4ssw0rd@db/ticketbot")
    logger, out = capture("json", settings.secret_values())
    logger.info("token %s and user token xoxp-9-8-7 in a message", settings.slack_bot_token)
    logger.info("verifying with %s", SIGNING_SECRET)
    logger.info("dingtalk %s, db %s", "dingtalk-very-secret-value", settings.database_url)
    try:
        raise RuntimeError(f"connect failed for xapp-1-A0-123-ff with {SIGNING_SECRET}")
    except RuntimeError:
        logger.exception("boom")
    text = out.getvalue()
    for secret in ("xoxb-1111", "xoxp-9-8-7", "xapp-1-A0", SIGNING_SECRET, "dingtalk-very-secret",
                   "pg-p4ssw0rd"):
        assert secret not in text
    assert text.count(REDACTED) >= 7
    assert "RuntimeError" in text  # the traceback is kept, only the secrets are gone
