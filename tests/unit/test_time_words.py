"""Times and spans as each platform and language shows them: the zone is always named, Slack
keeps `<!date>` (shown in each reader's own zone), office-calendar spans are business time."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from commands.answer import Answer
from notifications.catalogs import Catalogs

DUE = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CATALOGS = Catalogs(ZoneInfo("UTC"))
BREACH = {"key": "IT-1", "priority": "P2", "title": "Printer", "assignee": "Bob",
          "details": {"clock": "resolution", "due": DUE.isoformat()}}
OFFICE = SimpleNamespace(business=True, workday=timedelta(hours=8))
ROUND_THE_CLOCK = SimpleNamespace(business=False, workday=None)


def test_dingtalk_text_names_the_readers_zone_in_chinese() -> None:
    catalog = CATALOGS.get("zh-CN", "dingtalk")
    with catalog.zoned("Asia/Shanghai"):
        shanghai = catalog.text("notify.sla_breach", **BREACH)
    with catalog.zoned("Europe/Berlin"):
        berlin = catalog.text("notify.sla_breach", **BREACH)
    assert "2026-03-02 17:30（北京时间 UTC+8）" in shanghai
    assert "2026-03-02 10:30（柏林时间 UTC+1）" in berlin
    assert "\\" not in shanghai + berlin  # nothing DingTalk would show as a backslash


def test_english_names_the_iana_zone_unescaped_on_dingtalk() -> None:
    catalog = CATALOGS.get("en", "dingtalk")
    with catalog.zoned("America/New_York"):
        text = catalog.text("notify.sla_breach", **BREACH)
    assert "due 2026-03-02 04:30 (America/New_York)" in text


def test_slack_keeps_its_date_token_with_a_fallback_naming_the_zone() -> None:
    catalog = CATALOGS.get("en", "slack")
    with catalog.zoned("Asia/Shanghai"):
        text = catalog.text("notify.sla_breach", **BREACH)
    epoch = int(DUE.timestamp())
    assert f"<!date^{epoch}^{{date_short_pretty}} {{time}}|2026-03-02 17:30 (Asia/Shanghai)>" in text


def test_an_answer_renders_in_its_viewers_zone_and_the_catalog_is_left_as_it_was() -> None:
    catalog = CATALOGS.get("en", "console")
    answer = Answer("history.sla_breach", {"clock": "response", "due": DUE}, zone="Europe/Berlin")
    assert catalog.answer(answer).endswith("was due 2026-03-02 10:30 (Europe/Berlin)")
    assert catalog.format_time(DUE) == "2026-03-02 09:30 (UTC)"


def test_office_spans_are_business_hours_and_days_never_24_hour_days() -> None:
    en, zh = CATALOGS.get("en", "console"), CATALOGS.get("zh-CN", "console")
    assert en.format_target(timedelta(hours=8), OFFICE) == "8 business hours"
    assert en.format_target(timedelta(hours=1), OFFICE) == "1 business hour"
    assert en.format_target(timedelta(hours=24), OFFICE) == "3 business days"
    assert en.format_target(timedelta(hours=30), OFFICE) == "30 business hours"
    assert zh.format_target(timedelta(hours=8), OFFICE) == "8 个工作小时"
    assert zh.format_target(timedelta(hours=24), OFFICE) == "3 个工作日"
    assert en.format_duration(timedelta(hours=26, minutes=10), OFFICE) == "26h 10m"
    assert zh.format_duration(timedelta(hours=2, minutes=10), OFFICE) == "2小时10分钟"
    assert en.format_target(timedelta(hours=4), ROUND_THE_CLOCK) == "4 hours"
    assert en.format_target(timedelta(days=3), ROUND_THE_CLOCK) == "3 days"
    assert zh.format_target(timedelta(hours=4), ROUND_THE_CLOCK) == "4小时"
    assert en.format_duration(timedelta(hours=26, minutes=10), ROUND_THE_CLOCK) == "1d 2h 10m"


def test_the_chinese_sla_status_says_used_of_target_in_business_hours() -> None:
    zh = CATALOGS.get("zh-CN", "console")
    clock = SimpleNamespace(state="running", due=DUE, used=timedelta(hours=2, minutes=10),
                            target=timedelta(hours=8), breached_at=None)
    sla = SimpleNamespace(priority="P2", policy="standard", calendar="shanghai", response=clock,
                          resolution=clock, paused_total=timedelta(0), paused_since=None,
                          next=None, business=True, workday=timedelta(hours=8))
    with zh.zoned("Asia/Shanghai"):
        text = zh.text("sla.status", key="IT-1", sla=sla)
    assert "计时中 · 截止 2026-03-02 17:30（北京时间 UTC+8） · 已用 2小时10分钟 / 8 个工作小时" in text
