"""Logging: plain text or one JSON object per line, every record carrying the ticket id, platform
and request id of the work it belongs to, and no secret ever written out."""

import contextlib
import logging
import re
import sys
import uuid
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from pythonjsonlogger.json import JsonFormatter

ticket_id: ContextVar[str | None] = ContextVar("ticket_id", default=None)
platform: ContextVar[str | None] = ContextVar("platform", default=None)
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
_FIELDS = {"ticket_id": ticket_id, "platform": platform, "request_id": request_id}

# Slack bot, user, app-level and refresh tokens, whatever their origin.
TOKEN = re.compile(r"\bxox[abposre]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")
REDACTED = "[redacted]"


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


@contextlib.contextmanager
def log_context(**values: str | None) -> Iterator[None]:
    """Set ticket_id / platform / request_id for the records logged inside the block."""
    tokens = [(_FIELDS[name], _FIELDS[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _FIELDS.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        return True


class RedactFilter(logging.Filter):
    """Replaces tokens and the configured secrets in the message, its arguments and traceback."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        # Short values would blank out ordinary words; real secrets are long.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
            record.exc_info = None  # formatters then print the redacted text, not a fresh copy
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        tags = " ".join(f"{name}={getattr(record, name)}" for name in _FIELDS
                        if getattr(record, name, None))
        return f"{line} [{tags}]" if tags else line


def build_handler(fmt: str, secrets: Iterable[str | None] = ()) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(_TextFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # On the handler, so records propagated from every logger pass through both filters.
    handler.addFilter(ContextFilter())
    handler.addFilter(RedactFilter(secrets))
    return handler


def configure_logging(level: str, fmt: str, secrets: Iterable[str | None] = ()) -> None:
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(build_handler(fmt, secrets))
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
