"""Request and response bodies. Handlers validate with these and the OpenAPI document is built
from them, so the two cannot disagree."""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from workflows.kinds import TicketType
from workflows.priority import Priority
from workflows.status import Status

Handle = Field(min_length=1, max_length=64, pattern=r"^@?[\w.\-]+$",
               description="a person's handle, e.g. bob")
Key = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z][A-Za-z0-9]*-\d+$",
            description="a ticket key, e.g. IT-42")
Text = Field(min_length=1, max_length=10_000)
Reason = Field(default=None, min_length=1, max_length=2_000)


def _utc(value: datetime) -> datetime:
    """A time without a zone is read as UTC (the database keeps aware times only)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


Since = Annotated[datetime, AfterValidator(_utc)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketCreate(Strict):
    title: str = Field(min_length=1, max_length=500)
    description: str = Field(default="", max_length=20_000)
    priority: Priority | None = None
    type: TicketType | None = None
    category: str | None = Field(default=None, min_length=1, max_length=64)
    queue: str | None = Field(default=None, min_length=1, max_length=16)
    collaborators: list[str] = Field(default_factory=list, max_length=50,
                                     description="handles of people to copy")
    assignee: str | None = Field(default=None, min_length=1, max_length=64,
                                 description="agents only, as in the create form")
    related: str | None = Field(default=None, min_length=1, max_length=40,
                                description="an earlier ticket this one follows up")


class AssignBody(Strict):
    to: str = Handle
    reason: str | None = Reason


class TransferBody(Strict):
    to: str | None = Field(default=None, min_length=1, max_length=64,
                           description="a person; give this or team")
    team: str | None = Field(default=None, min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=2_000)


class CcBody(Strict):
    people: list[str] = Field(min_length=1, max_length=50)


class CommentBody(Strict):
    text: str = Text
    mentions: list[str] = Field(default_factory=list, max_length=50)


class ReasonBody(Strict):
    reason: str | None = Reason


class PendBody(Strict):
    reason: str = Field(min_length=1, max_length=2_000)


class PriorityBody(Strict):
    priority: Priority
    reason: str | None = Reason


class ResolveBody(Strict):
    resolution: str = Field(min_length=1, max_length=10_000)


class LinkBody(Strict):
    other: str = Key


class MergeBody(Strict):
    into: str = Key


class EmptyBody(Strict):
    pass


class TicketQueryParams(Strict):
    status: list[Status] = Field(default_factory=list)
    queue: str | None = Field(default=None, max_length=16)
    team: str | None = Field(default=None, max_length=64)
    assignee: str | None = Field(default=None, max_length=64,
                                 description="a handle, or `none` for unassigned")
    requester: str | None = Field(default=None, max_length=64)
    priority: list[Priority] = Field(default_factory=list)
    type: list[TicketType] = Field(default_factory=list)
    category: str | None = Field(default=None, max_length=64)
    created_since: Since | None = Field(default=None, description="without a zone: UTC")
    updated_since: Since | None = None
    text: str | None = Field(default=None, min_length=1, max_length=200)
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0, le=100_000)


# -- responses ---------------------------------------------------------------------------------

class PersonOut(BaseModel):
    handle: str
    name: str


class TicketOut(BaseModel):
    key: str
    queue: str
    title: str
    description: str
    type: TicketType
    priority: Priority
    status: Status
    team: str
    category: str | None
    requester: PersonOut
    assignee: PersonOut | None
    collaborators: list[PersonOut]
    source: str
    created_at: datetime
    updated_at: datetime
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution: str | None
    pending_reason: str | None
    duplicate_of: str | None
    links: list[str]
    version: int


class TicketResult(BaseModel):
    ticket: TicketOut | None
    message: str = Field(description="what chat would have replied, in the reader's language")
    actions: list[str] = Field(description="what the token's person may do next")


class TicketPage(BaseModel):
    tickets: list[TicketOut]
    total: int
    limit: int
    offset: int


class HistoryEntry(BaseModel):
    at: datetime
    actor: str | None = Field(description="who did it (null: the system)")
    action: str
    from_status: str | None
    to_status: str | None
    changes: dict[str, Any]
    reason: str | None
    source: str
    internal: bool


class HistoryOut(BaseModel):
    key: str
    entries: list[HistoryEntry]


class SlaOut(BaseModel):
    key: str
    tracked: bool
    message: str
    sla: dict[str, Any] | None


class PersonDetail(BaseModel):
    handle: str
    name: str
    teams: list[str]
    leads: list[str]
    admin: bool


class PeoplePage(BaseModel):
    people: list[PersonDetail]


class TeamOut(BaseModel):
    key: str
    name: str
    leads: list[str]
    members: list[str]
    skills: list[str]
    assignment: str


class TeamsPage(BaseModel):
    teams: list[TeamOut]


# -- webhook subscriptions ----------------------------------------------------------------------

WebhookName = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$",
                    description="lower-case letters, digits, . _ -; unique")


class WebhookFilters(Strict):
    queues: list[str] = Field(default_factory=list, max_length=50,
                              description="only tickets of these queues (empty: any)")
    teams: list[str] = Field(default_factory=list, max_length=50)
    priorities: list[Priority] = Field(default_factory=list, max_length=4)


class WebhookCreate(Strict):
    name: str = WebhookName
    url: str = Field(min_length=8, max_length=2048, pattern=r"^https?://[^\s/?#@]+(/\S*)?$",
                     description="where deliveries are POSTed (http or https)")
    events: list[str] = Field(min_length=1, max_length=20)
    filters: WebhookFilters = Field(default_factory=WebhookFilters)


class WebhookOut(BaseModel):
    name: str
    url: str
    events: list[str]
    filters: WebhookFilters
    managed_by: str = Field(description="`api`, or `organisation_file` (read-only here)")
    created_by: str | None
    created_at: datetime | None


class WebhookCreated(WebhookOut):
    secret: str = Field(description="the signing secret: shown this once, never again")


class WebhookPage(BaseModel):
    webhooks: list[WebhookOut]
