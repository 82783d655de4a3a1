from enum import StrEnum
from typing import ClassVar


class TicketType(StrEnum):
    INCIDENT = "incident"
    SERVICE_REQUEST = "service_request"
    CHANGE_REQUEST = "change_request"
    TASK = "task"

    @classmethod
    def parse(cls, text: str) -> "TicketType | None":
        return _TYPE_ALIASES.get(text.strip().lower())

    @classmethod
    def words(cls) -> "dict[str, TicketType]":
        """Every word that names a built-in type (an organisation's own may not reuse them)."""
        return dict(_TYPE_ALIASES)


_TYPE_ALIASES: dict[str, TicketType] = {
    "incident": TicketType.INCIDENT,
    "fault": TicketType.INCIDENT,
    "故障": TicketType.INCIDENT,
    "事件": TicketType.INCIDENT,
    "request": TicketType.SERVICE_REQUEST,
    "service_request": TicketType.SERVICE_REQUEST,
    "service": TicketType.SERVICE_REQUEST,
    "服务请求": TicketType.SERVICE_REQUEST,
    "请求": TicketType.SERVICE_REQUEST,
    "change": TicketType.CHANGE_REQUEST,
    "change_request": TicketType.CHANGE_REQUEST,
    "变更": TicketType.CHANGE_REQUEST,
    "task": TicketType.TASK,
    "任务": TicketType.TASK,
}


class Source(str):
    """Where an action came from, recorded on tickets and audit events: a plain string the
    domain stores and compares, never branches on by name. The domain's own origins are below;
    each messenger's value is the adapters' (bot/platforms.py)."""

    __slots__ = ()

    CONSOLE: ClassVar["Source"]
    API: ClassVar["Source"]
    SYSTEM: ClassVar["Source"]
    WEBHOOK: ClassVar["Source"]  # an outbox destination only: signed JSON to a subscriber's URL

    @property
    def value(self) -> str:
        """The plain string (as stored)."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return f"Source({str.__repr__(self)})"


Source.CONSOLE = Source("console")
Source.API = Source("api")
Source.SYSTEM = Source("system")
Source.WEBHOOK = Source("webhook")
