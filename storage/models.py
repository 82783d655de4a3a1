"""Tables. Status is one column; the audit trail is append-only (enforced by a trigger on PostgreSQL)."""

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]  # their messenger accounts: person_identities


class PersonIdentityRow(Base):
    """One of a person's accounts on a messenger. `workspace` is where the external id is
    unique (a Slack team, a DingTalk corp, a Feishu app or tenant); "" when one is enough."""

    __tablename__ = "person_identities"
    __table_args__ = (UniqueConstraint("platform", "workspace", "external_id",
                                       name="uq_person_identities_account"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    platform: Mapped[str] = mapped_column(String(16))
    workspace: Mapped[str] = mapped_column(String(64), default="")
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]
    # When its person last wrote from it; written only when they change messenger, so notices
    # can follow them there.
    last_spoke_at: Mapped[datetime | None]


class LinkCodeRow(Base):
    """A one-time code that links the account it is said from to the person who asked for it
    (`link me`). Only its SHA-256 is kept; `used_at` set once, by the one account that said it."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                           index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(16))  # where it was given: said elsewhere
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LinkFailureRow(Base):
    """A wrong, expired or used code said from an account: too many in a while are refused."""

    __tablename__ = "link_failures"
    __table_args__ = (Index("ix_link_failures_account", "platform", "external_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]


class QueueRow(Base):
    """Per-queue ticket counter: ids are handed out by an atomic increment, never reused."""

    __tablename__ = "queues"

    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_number: Mapped[int] = mapped_column(Integer, default=0)


class TicketRow(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("queue", "number", name="uq_tickets_queue_number"),
        Index("ix_tickets_team_status", "team", "status"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_requester_status", "requester_id", "status"),
        Index("ix_tickets_status_resolved_at", "status", "resolved_at"),
        Index("ix_tickets_status_created_at", "status", "created_at"),  # similar open tickets
        # The SLA sweep's only way in: small (only tickets with a step to come), read in due order.
        Index("ix_tickets_sla_next_due", "sla_next_due_at",
              postgresql_where=text("sla_next_due_at IS NOT NULL"),
              sqlite_where=text("sla_next_due_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    queue: Mapped[str] = mapped_column(String(16), ForeignKey("queues.key"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    type: Mapped[str] = mapped_column(String(32))  # a built-in TicketType
    # An organisation's own type (`ticket_types:` entry) behaving like `type`; NULL: none.
    custom_type: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    requester_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    team: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)
    pending_reason: Mapped[str | None] = mapped_column(Text)
    last_urged_at: Mapped[datetime | None]
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    skills: Mapped[str | None] = mapped_column(String(200))  # comma-separated, from routing
    version: Mapped[int] = mapped_column(Integer, default=0)
    origin_channel: Mapped[str | None] = mapped_column(String(128))
    origin_ts: Mapped[str | None] = mapped_column(String(64))
    csat_score: Mapped[int | None]
    checklist: Mapped[list[Any] | None] = mapped_column(JSON)  # workflows.checklist items
    # A workflow's own status inside the phase `status` (NULL: the phase itself).
    workflow_status: Mapped[str | None] = mapped_column(String(40))
    asset: Mapped[str | None] = mapped_column(String(100), index=True)  # an assets row's name
    # The values of the type's own fields by name (workflows.fields; NULL: none).
    fields: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # SLA (workflows.sla_clock.SlaState): the policy snapshot, pauses, each clock's progress.
    sla_policy: Mapped[str | None] = mapped_column(String(64))
    sla_calendar: Mapped[str | None] = mapped_column(String(64))
    sla_snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sla_started_at: Mapped[datetime | None]
    sla_paused_since: Mapped[datetime | None]
    sla_paused_business: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # s
    sla_paused_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # s
    sla_response_met: Mapped[bool | None] = mapped_column(Boolean)
    sla_response_used: Mapped[int | None] = mapped_column(Integer)  # seconds of business time
    sla_response_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sla_response_anchor: Mapped[datetime | None]
    sla_response_breached_at: Mapped[datetime | None]
    sla_resolution_stage: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    sla_resolution_anchor: Mapped[datetime | None]
    sla_resolution_breached_at: Mapped[datetime | None]
    sla_next_due_at: Mapped[datetime | None]  # a claim pushes it ahead by the sweep's lease
    sla_fence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CollaboratorRow(Base):
    __tablename__ = "ticket_collaborators"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    added_at: Mapped[datetime]


class LinkRow(Base):
    __tablename__ = "ticket_links"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    created_at: Mapped[datetime]


class CommentRow(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    body: Mapped[str] = mapped_column(Text)
    internal: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class AuditRow(Base):
    __tablename__ = "audit_events"
    # Reports find a period's tickets by when things happened to them (storage/reports.py).
    __table_args__ = (Index("ix_audit_events_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    internal: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxRow(Base):
    """A message the bot promised to send. Written with the change; delivered by the relay."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_stream", "ticket_id", "platform", "address", "status"),
        Index("ix_outbox_sent", "status", "sent_at"),  # the retention job's oldest sent rows
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    ticket_key: Mapped[str | None] = mapped_column(String(32))
    event: Mapped[str] = mapped_column(String(32))
    platform: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    thread: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    template: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    locale: Mapped[str] = mapped_column(String(8))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending/sending/sent/dead
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)  # a send may have happened
    # Raised by every claim; each later write names the claim it belongs to (fencing).
    claim_token: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime]
    not_before: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    platform_ref: Mapped[str | None] = mapped_column(String(128))


class PreferenceRow(Base):
    __tablename__ = "preferences"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    channel_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    platform: Mapped[str | None] = mapped_column(String(16))
    locale: Mapped[str | None] = mapped_column(String(8))
    # The language a messenger says the person reads there (Slack's users.info locale), as a
    # catalog locale, and which messenger said it: their notices on that messenger follow it
    # when they chose no `language` here.
    messenger_locale: Mapped[str | None] = mapped_column(String(8))
    messenger_platform: Mapped[str | None] = mapped_column(String(16))
    quiet_from: Mapped[str | None] = mapped_column(String(5))  # "19:00"
    quiet_to: Mapped[str | None] = mapped_column(String(5))
    timezone: Mapped[str | None] = mapped_column(String(64))


class MuteRow(Base):
    __tablename__ = "ticket_mutes"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)


class RateBucketRow(Base):
    """A token bucket per destination, shared by every replica (time as epoch seconds, so the
    refill arithmetic is the same on PostgreSQL and SQLite)."""

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    updated: Mapped[float] = mapped_column(Float)


class InboundEventRow(Base):
    """Every inbound action we acted on, keyed by the platform's id: a redelivery finds its row."""

    __tablename__ = "inbound_events"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)


class SlaFailureRow(Base):
    """A ticket whose SLA step failed: attempts so far and the last error; `dead_at` once the
    sweep gave up (operators list and retry these). Deleted when the step is done."""

    __tablename__ = "sla_failures"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text)
    first_failed_at: Mapped[datetime]
    last_failed_at: Mapped[datetime]
    dead_at: Mapped[datetime | None]


class TicketMessageRow(Base):
    """Where a ticket's card was posted on a platform (Slack channel + ts): updated in place,
    and its thread is the ticket's conversation."""

    __tablename__ = "ticket_messages"
    __table_args__ = (Index("ix_ticket_messages_ref", "platform", "address", "ref", unique=True),)

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    address: Mapped[str] = mapped_column(String(128), primary_key=True)
    ref: Mapped[str] = mapped_column(String(128))


class TeamCursorRow(Base):
    """Per team: whom automatic assignment picked last (the round-robin cursor). Locked while a
    new ticket is assigned, so replicas assigning at the same moment take turns, not the same
    person."""

    __tablename__ = "team_cursors"

    team: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_handle: Mapped[str | None] = mapped_column(String(64))
    turns: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime | None]


class AwayRow(Base):
    """Someone away until a moment: skipped by automatic assignment until then."""

    __tablename__ = "away"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    until: Mapped[datetime]
    since: Mapped[datetime]


class ReportDigestRow(Base):
    """One weekly digest of one team and period (its first local day, `YYYY-MM-DD`): the
    claim that makes it posted once across replicas and restarts. `token` fences each claim;
    `lease_until` frees a claim whose replica died mid-post."""

    __tablename__ = "report_digests"

    team: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))  # sending, sent, failed
    token: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    lease_until: Mapped[datetime | None]
    claimed_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    refs: Mapped[str | None] = mapped_column(Text)  # what each platform answered
    last_error: Mapped[str | None] = mapped_column(Text)


class ScheduleRow(Base):
    """A schedule of planned work: the work order's template, its recurrence (RFC 5545 RRULE in
    its zone) and where it stands. `next_due` is the only thing a tick reads."""

    __tablename__ = "schedules"
    __table_args__ = (
        Index("ix_schedules_next_due", "next_due",
              postgresql_where=text("next_due IS NOT NULL"),
              sqlite_where=text("next_due IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    title: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text, default="")
    team: Mapped[str] = mapped_column(String(64))
    priority: Mapped[str] = mapped_column(String(4))
    type: Mapped[str | None] = mapped_column(String(32))
    category: Mapped[str | None] = mapped_column(String(64))
    checklist: Mapped[list[Any]] = mapped_column(JSON, default=list)
    asset: Mapped[str | None] = mapped_column(String(100))  # each work order names this asset
    asset_type: Mapped[str | None] = mapped_column(String(64))  # one work order per asset of it
    rrule: Mapped[str] = mapped_column(String(512))
    at_time: Mapped[str] = mapped_column(String(5))  # local HH:MM
    tz: Mapped[str] = mapped_column(String(64))
    start_date: Mapped[str] = mapped_column(String(10))
    until_date: Mapped[str | None] = mapped_column(String(10))
    off_days: Mapped[str] = mapped_column(String(16))
    calendar: Mapped[str | None] = mapped_column(String(64))
    catch_up: Mapped[str] = mapped_column(String(16))
    max_count: Mapped[int | None] = mapped_column(Integer)
    pause_after: Mapped[int | None] = mapped_column(Integer)
    made: Mapped[int] = mapped_column(Integer, default=0)
    since_resume: Mapped[int] = mapped_column(Integer, default=0)
    paused: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    last_at: Mapped[datetime | None]
    next_due: Mapped[datetime | None]
    owner: Mapped[str] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KbArticleRow(Base):
    """A knowledge-base article (KB-<id>): written in chat, saved from a resolved ticket, or
    loaded from the organisation's folder of Markdown files (`source_file`)."""

    __tablename__ = "kb_articles"
    __table_args__ = (Index("ix_kb_articles_source_file", "source_file", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16))  # public | internal (agents only)
    status: Mapped[str] = mapped_column(String(16))  # active | retired
    source_ticket: Mapped[str | None] = mapped_column(String(32))
    source_file: Mapped[str | None] = mapped_column(String(300))
    version: Mapped[int] = mapped_column(Integer, default=1)
    views: Mapped[int] = mapped_column(Integer, default=0)
    helped: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ScheduleOccurrenceRow(Base):
    """One occurrence of a schedule, made once: the key (schedule, instant) is the primary key,
    so a second replica or a restart cannot make it again."""

    __tablename__ = "schedule_occurrences"

    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"),
                                             primary_key=True)
    due_at: Mapped[datetime] = mapped_column(primary_key=True)
    made_at: Mapped[datetime]
    late: Mapped[bool] = mapped_column(Boolean, default=False)


class KbRevisionRow(Base):
    """Every version of an article, as it was written: its history."""

    __tablename__ = "kb_revisions"

    article_id: Mapped[int] = mapped_column(ForeignKey("kb_articles.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(16))  # create | edit | retire | load
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    at: Mapped[datetime]


class KbGenerationRow(Base):
    """One row counting changes to the articles: each replica rebuilds its in-process search
    index when the number moved."""

    __tablename__ = "kb_generation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)


class AlertGroupRow(Base):
    """A monitoring sender's group of alerts (Alertmanager's groupKey) and the ticket it has
    open. The unique key is the lock: concurrent deliveries of one group wait on this row, so
    retries and HA pairs make one ticket."""

    __tablename__ = "alert_groups"
    __table_args__ = (UniqueConstraint("source", "group_hash", name="uq_alert_groups_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    group_hash: Mapped[str] = mapped_column(String(64))  # sha256 of the group key (keys are long)
    group_key: Mapped[str] = mapped_column(Text)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    updated_at: Mapped[datetime]
    # How many alerts the sender left out of its last notification (Alertmanager's
    # truncatedAlerts, with max_alerts): a change is told on the ticket, a repeat is not.
    truncated: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))


class AlertRow(Base):
    """One firing of one alert (fingerprint + the time it started): a repeat finds its row."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("source", "fingerprint", "starts_at", name="uq_alerts_firing"),
        Index("ix_alerts_ticket_status", "ticket_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    fingerprint: Mapped[str] = mapped_column(String(128))
    starts_at: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    status: Mapped[str] = mapped_column(String(16))
    digest: Mapped[str] = mapped_column(String(32))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class ApiTokenRow(Base):
    """A REST API token. Only the SHA-256 of its secret is kept; `public_id` (printed inside the
    token) finds the row without a scan. `handle` is whom it acts as: a person, or for a service
    token an integration identity (a person row of its own, so history names it)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    handle: Mapped[str] = mapped_column(String(64))
    service: Mapped[bool] = mapped_column(Boolean, default=False)
    scopes: Mapped[str] = mapped_column(String(255))
    label: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class ApiIdempotencyRow(Base):
    """The first answer to a POST sent with an Idempotency-Key, per token: a retry replays it."""

    __tablename__ = "api_idempotency"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request: Mapped[str] = mapped_column(String(300))  # method and path: a key is for one request
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(index=True)


class WebhookSubscriptionRow(Base):
    """An outgoing webhook subscription made through the API (the organisation file's live in
    the file). The secret is kept as it is: signing needs it; the API shows it only once."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(JSON)
    queues: Mapped[list[str]] = mapped_column(JSON)
    teams: Mapped[list[str]] = mapped_column(JSON)
    priorities: Mapped[list[str]] = mapped_column(JSON)
    secret: Mapped[str] = mapped_column(String(128))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class AssetRow(Base):
    """Equipment tickets can name: from the organisation file or a CSV import."""

    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(100), unique=True)  # casefolded
    type: Mapped[str] = mapped_column(String(64), index=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    serial: Mapped[str] = mapped_column(String(200), default="")
    origin: Mapped[str] = mapped_column(String(16))  # orgfile or csv
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# Lists in report_facts: arrays on PostgreSQL (asyncpg decodes them natively), JSON elsewhere.
_IDS = JSON().with_variant(ARRAY(Integer), "postgresql")
_MICROS = JSON().with_variant(ARRAY(BigInteger), "postgresql")


class ReportFactRow(Base):
    """A ticket's report facts that hold for every period (workflows/reports/summary.py), as of
    the ticket's `version` when they were read from its audit lines. A report uses them only
    while the ticket's version is still that one; `plain` false: the trail cannot be summed up,
    a report reads its lines. Moments are whole microseconds since 1970 (integers
decode far faster than timestamps). Kept by the report facts job (storage/report_facts.py)."""

    __tablename__ = "report_facts"

    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"),
                                           primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    plain: Mapped[bool] = mapped_column(Boolean)
    status_from: Mapped[int | None] = mapped_column(BigInteger)
    left_open_at: Mapped[int | None] = mapped_column(BigInteger)
    assigned_at: Mapped[int | None] = mapped_column(BigInteger)
    assignee: Mapped[str | None] = mapped_column(String(64))
    # People by id, not handle: a report names them by their handle at the time of reading.
    work_by: Mapped[list[int] | None] = mapped_column(_IDS)
    work_at: Mapped[list[int] | None] = mapped_column(_MICROS)
    response_at: Mapped[int | None] = mapped_column(BigInteger)
    response_used: Mapped[float | None] = mapped_column(Float)
    response_met: Mapped[bool | None] = mapped_column(Boolean)
    resolved_at: Mapped[int | None] = mapped_column(BigInteger)
    resolver_id: Mapped[int | None] = mapped_column(Integer)
    self_service: Mapped[bool | None] = mapped_column(Boolean)
    stop_at: Mapped[int | None] = mapped_column(BigInteger)
    stop_used: Mapped[float | None] = mapped_column(Float)
    stop_met: Mapped[bool | None] = mapped_column(Boolean)
    rated_at: Mapped[int | None] = mapped_column(BigInteger)
    csat: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_after_resolution: Mapped[bool | None] = mapped_column(Boolean)


class ReportFactsMarkRow(Base):
    """Where the report facts job is: every audit line up to `audit_id` has been read (later
    ones name the tickets to read again), the first reading of all tickets has reached
    ticket `backfill_id` (None: done), and the repair pass has checked every ticket up to
    `repair_id`. One row."""

    __tablename__ = "report_facts_mark"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audit_id: Mapped[int] = mapped_column(BigInteger)
    backfill_id: Mapped[int | None] = mapped_column(Integer)
    repair_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DialogueRow(Base):
    """A guided dialogue in progress: the command a person typed without some required fields,
    the answers given so far and the fields still to ask, per person and conversation. Kept in
    the database so every replica continues it; dropped once it expires (and by retention)."""

    __tablename__ = "dialogues"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    user: Mapped[str] = mapped_column(String(128), primary_key=True)  # the platform's user id
    conversation: Mapped[str] = mapped_column(String(128), primary_key=True)  # "" = direct
    command: Mapped[str] = mapped_column(Text)  # as typed: run again with the answers
    at_users: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    key: Mapped[str | None] = mapped_column(String(40))  # a transition's ticket
    answers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [[name, typed], …]
    asking: Mapped[list[Any]] = mapped_column(JSON, default=list)  # names still to ask, in order
    step: Mapped[int] = mapped_column(Integer, default=0)  # answers taken: a stale write misses
    expires_at: Mapped[datetime] = mapped_column(index=True)
    created_at: Mapped[datetime]
