"""Process settings from the environment (and a .env file). Secrets never come from the org file."""

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.platforms import DINGTALK, FEISHU, SLACK
from workflows.kinds import Source


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TICKETBOT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///ticketbot.db",
        validation_alias=AliasChoices("DATABASE_URL", "TICKETBOT_DATABASE_URL"),
    )
    org_file: Path | None = None  # None: the bundled sample organisation
    locale: str = "en"
    timezone: str = "UTC"
    templates_dir: Path | None = None
    # TICKETBOT_KB_INDEX_FILE: where a large knowledge base's search index is kept between runs, so a
    # restart answers at once instead of after minutes of segmenting (storage/kb_snapshot.py).
    kb_index_file: Path | None = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for log shippers
    dingtalk_locale: str = "zh-CN"
    # Delivery pacing per destination (channel, group or person), shared by all replicas.
    slack_rate_per_second: float = Field(default=1.0, gt=0)
    slack_burst: float = Field(default=3.0, ge=1)
    dingtalk_rate_per_minute: float = Field(default=20.0, gt=0)
    dingtalk_burst: float = Field(default=5.0, ge=1)
    # Retention (the scheduler's retention job), deleting in batches of `retention_batch` rows.
    # Sent outbox rows are kept this many days (pending, sending and dead ones always).
    retention_outbox_days: float = Field(default=7.0, gt=0)
    # Inbound ids must outlive the platforms' redeliveries (Slack: about 1 h, DingTalk: a day).
    retention_inbound_hours: float = Field(default=48.0, ge=24)
    # A rate bucket unused this long is full again, the same as a new one.
    retention_bucket_idle_minutes: float = Field(default=10.0, gt=0)
    retention_batch: int = Field(default=500, ge=1, le=10_000)
    # An SLA step failing this many sweeps in a row is given up: `ticketbot sla failed`.
    sla_max_attempts: int = Field(default=5, ge=1)
    # REST API (/api/v1): requests per second per token (a bucket shared by every replica),
    # its burst, and the largest request body accepted (413 beyond).
    api_rate_per_second: float = Field(default=50.0, gt=0)
    api_burst: float = Field(default=100.0, ge=1)
    api_max_body_bytes: int = Field(default=262_144, ge=1024)

    # Messengers. Secrets come from the environment only.
    slack_bot_token: str | None = Field(default=None, validation_alias="SLACK_BOT_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", validation_alias="SLACK_API_URL")
    slack_signing_secret: str | None = Field(default=None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, validation_alias="SLACK_APP_TOKEN")
    slack_intake_reaction: str = "ticket"  # reacting with :ticket: turns a message into a ticket
    http_host: str = "0.0.0.0"
    http_port: int = 3000
    shutdown_timeout: float = Field(default=20.0, gt=0)  # seconds to finish in-flight work
    # `serve`'s event loop: uvloop where installed (its sockets cost less CPU), or asyncio's own.
    event_loop: Literal["auto", "uvloop", "asyncio"] = "auto"
    dingtalk_client_id: str | None = Field(default=None, validation_alias="DINGTALK_CLIENT_ID")
    dingtalk_client_secret: str | None = Field(default=None,
                                               validation_alias="DINGTALK_CLIENT_SECRET")
    dingtalk_robot_code: str | None = Field(default=None, validation_alias="DINGTALK_ROBOT_CODE")
    dingtalk_openapi_endpoint: str = Field(default="https://api.dingtalk.com",
                                           validation_alias="DINGTALK_OPENAPI_ENDPOINT")
    # Media (chart images, export files) are uploaded on DingTalk's legacy host.
    dingtalk_media_endpoint: str = Field(default="https://oapi.dingtalk.com",
                                         validation_alias="DINGTALK_MEDIA_ENDPOINT")
    # The interactive card template (card builder id, "….schema"); without one, tickets are
    # shown as markdown messages with action links.
    dingtalk_card_template_id: str | None = Field(default=None,
                                                  validation_alias="DINGTALK_CARD_TEMPLATE_ID")
    # The robot's display name, removed wherever `@name` is left in a message's text.
    dingtalk_robot_name: str | None = Field(default=None, validation_alias="DINGTALK_ROBOT_NAME")
    # Feishu (Lark): a self-built app's credentials; events come over lark-oapi's long connection
    # (no public URL). With the Verification Token they may also be POSTed to /feishu/events
    # ("事件与回调" → request URL). The Open API and the long connection's endpoint share a host.
    feishu_app_id: str | None = Field(default=None, validation_alias="FEISHU_APP_ID")
    feishu_app_secret: str | None = Field(default=None, validation_alias="FEISHU_APP_SECRET")
    feishu_verification_token: str | None = Field(default=None,
                                                  validation_alias="FEISHU_VERIFICATION_TOKEN")
    feishu_encrypt_key: str | None = Field(default=None, validation_alias="FEISHU_ENCRYPT_KEY")
    feishu_openapi_endpoint: str = Field(default="https://open.feishu.cn",
                                         validation_alias="FEISHU_OPENAPI_ENDPOINT")
    feishu_locale: str = "zh-CN"
    feishu_rate_per_second: float = Field(default=5.0, gt=0)
    # Reconnect a Stream connection that has carried nothing (frames, pongs) for this long.
    dingtalk_watchdog_seconds: float = Field(default=90.0, gt=0)
    # auto: interactive cards when a template id is set, markdown otherwise; on: cards, and a
    # missing template id stops the start-up; off: markdown even with a template id.
    dingtalk_cards: Literal["auto", "on", "off"] = "auto"

    # The scheduler's jobs (seconds between ticks; every replica ticks, the database shares work).
    sla_sweep_seconds: float = Field(default=15.0, gt=0)
    autoclose_seconds: float = Field(default=300.0, gt=0)
    retention_seconds: float = Field(default=3600.0, gt=0)
    digest_seconds: float = Field(default=300.0, gt=0)  # how often the weekly digests are looked at
    # How often the scheduler looks for due schedule occurrences (planned work orders).
    schedules_seconds: float = Field(default=30.0, gt=0)
    # The outbox relay sweeps when rows are committed (LISTEN/NOTIFY on PostgreSQL, the commit
    # itself on SQLite); it also looks this often in case a wake-up was missed.
    outbox_poll_seconds: float = Field(default=10.0, gt=0)
    # After a sweep that delivered, the next one starts this much later at the soonest, so that
    # under a steady flow each sweep serves several messages (adds at most this to the delay).
    outbox_gather_seconds: float = Field(default=0.02, ge=0)
    # /metrics counts tickets in the database at most this often, however often it is scraped.
    metrics_refresh_seconds: float = Field(default=30.0, ge=0)

    @property
    def platforms(self) -> frozenset[Source]:
        """The messengers with credentials; the console when there are none."""
        found = set()
        if self.slack_enabled:
            found.add(SLACK)
        if self.dingtalk_enabled:
            found.add(DINGTALK)
        if self.feishu_enabled:
            found.add(FEISHU)
        return frozenset(found or {Source.CONSOLE})

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token)

    @property
    def dingtalk_enabled(self) -> bool:
        return bool(self.dingtalk_client_id and self.dingtalk_client_secret)

    @property
    def feishu_enabled(self) -> bool:
        return bool(self.feishu_app_id and self.feishu_app_secret)

    @property
    def dingtalk_card_mode(self) -> bool:
        """True: tickets are DingTalk interactive cards; False: markdown messages."""
        if self.dingtalk_cards == "auto":
            return bool(self.dingtalk_card_template_id)
        return self.dingtalk_cards == "on"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("locale", "dingtalk_locale", "feishu_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in ("en", "zh-CN"):
            raise ValueError("locale must be en or zh-CN")
        return value

    def secret_values(self) -> list[str]:
        """Every configured secret, so logging can blank them wherever they appear."""
        values = [self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
                  self.dingtalk_client_secret, self.feishu_app_secret,
                  self.feishu_verification_token, self.feishu_encrypt_key,
                  urlsplit(self.database_url).password]
        return [v for v in values if v]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
