"""Every catalog key renders in both languages with representative parameters (no
StrictUndefined error, no key said as its name), and zh-CN says no English beyond command
words, identifiers and the data it was given."""

import functools
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from commands.ports import CommentLine, HistoryLine
from notifications.escaping import dingtalk, plain, slack
from notifications.text import LOCALES_DIR, Catalog
from tests.support.leaks import catalog_keys, chinese, english_words, missing_keys
from workflows.kinds import Source, TicketType
from workflows.knowledge import ArticleStatus, Revision, Visibility
from workflows.people import Person
from workflows.priority import Priority
from workflows.reports.facts import Event, TicketFacts
from workflows.reports.metrics import Scope, build_report
from workflows.reports.period import Period
from workflows.sla_report import ClockView, Explanation, NextStep, SlaView
from workflows.status import Status
from workflows.ticket import Ticket

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LI = Person(1, "liqiang", "李强")
ZHANG = Person(2, "zhangsan", "张三")
# The data a reader of either language may see as it is (org names, what people typed).
DATA = frozenset({"office", "printer", "network", "vpn", "it", "IT", "console", "finance",
                  "liqiang", "frobnicate", "XX", "HR", "claim", "day"})
ZH_DATA = frozenset({"李强", "张三", "赵敏", "打印机卡纸", "三楼", "等采购", "已更换硒鼓", "打印机",
                     "新建", "领取", "指派", "转派", "抄送", "回复", "备注", "等待", "恢复", "解决",
                     "重开", "关闭", "取消", "挂起", "催单", "查看", "历史", "列表", "请假", "回来",
                     "路由", "时效"})


def ticket() -> Ticket:
    return Ticket(key="IT-1", queue="IT", number=1, title="打印机卡纸", description="三楼",
                  type=TicketType.SERVICE_REQUEST, priority=Priority.P2,
                  status=Status.PENDING, requester=ZHANG, team="it", source=Source.CONSOLE,
                  created_at=NOW, updated_at=NOW, category="printer", assignee=LI,
                  collaborators=[ZHANG], resolution_due_at=NOW + timedelta(hours=8),
                  resolution="已更换硒鼓", pending_reason="等采购", links=["IT-2"])


def step(kind: str, **extra: Any) -> NextStep:
    fields = {"clock": "resolution", "kind": kind, "at": NOW, "number": 1,
              "action": "notify_lead", "percent": 75} | extra
    return NextStep(**fields)


def clock(state: str) -> ClockView:
    return ClockView(state=state, target=timedelta(hours=8), used=timedelta(hours=2),
                     due=NOW + timedelta(hours=6),
                     breached_at=NOW if state == "breached" else None)


def history_lines() -> list[HistoryLine]:
    def line(action: str, actor: str | None, changes: dict, reason: str | None = None,
             status: tuple[str | None, str | None] = (None, None)) -> HistoryLine:
        return HistoryLine(NOW, actor, action, status[0], status[1], changes, reason,
                           "system" if actor is None else "dingtalk", False)
    return [
        line("create", "赵敏", {}, status=(None, "new")),
        line("route", None, {"category": [None, "printer"], "rule": [None, "printer"],
                             "hits": [None, [{"kind": "keyword", "value": "打印机",
                                              "where": "title"}]]},
             'routed to it by rule printer: keyword "打印机" in the title'),
        line("assign", None, {"assignee": [None, "李强"], "how": [None, "round_robin"]},
             "round robin: first in turn", ("new", "assigned")),
        line("transfer", "李强", {"assignee": ["李强", "张三"]}, "三楼", ("in_progress", "assigned")),
        line("cc", "张三", {"collaborators": [[], ["李强"]]}),
        line("priority", None, {"priority": ["P3", "P2"]},
             "SLA escalation step 2 (resolution breached; done 3 min late)"),
        line("suspend", None, {}, "SLA escalation exhausted", ("in_progress", "suspended")),
        line("rate", "赵敏", {"csat": [None, 5]}, "很好"),
        line("sla_pause", "张三", {}),
        line("sla_warning", None, {"clock": [None, "resolution"], "percent": [None, 75],
                                   "breach_at": [None, NOW.isoformat()],
                                   "late": [None, 4], "skipped": [None, 1],
                                   "due": [None, NOW.isoformat()]}),
        line("sla_step_skipped", None, {"step": [None, 3], "action": [None, "reassign"]},
             "nobody to reassign to"),
    ]


def report_sample() -> Any:
    """A month with a breach, a rating with its comment and an open ticket: every line shows."""
    def at(hours: float) -> datetime:
        return datetime(2026, 3, 2, 1, 0, tzinfo=UTC) + timedelta(hours=hours)
    done = TicketFacts("IT-1", "it", "P2", "printer", "zhangsan", at(0), "office", (
        Event(at(0), "create", "zhangsan", Status.NEW),
        Event(at(1), "claim", "liqiang", Status.IN_PROGRESS, {"assignee": [None, "liqiang"]}),
        Event(at(1), "sla_response", "liqiang", None, {"used": [None, 3600], "met": [None, False]}),
        Event(at(3), "resolve", "liqiang", Status.RESOLVED),
        Event(at(3), "sla_stop", "liqiang", None, {"used": [None, 10800], "met": [None, True]}),
        Event(at(4), "rate", "zhangsan", None, {"csat": [None, 4]}, "很好")))
    waiting = TicketFacts("IT-2", "it", "P3", None, "zhangsan", at(2), "office", (
        Event(at(2), "create", "zhangsan", Status.NEW),))
    return build_report([done, waiting], Period("month", datetime(2026, 3, 1).date(),
                                                ZoneInfo("Asia/Shanghai")),
                        Scope(), at(5), frozenset({"liqiang"}))


SAMPLE: dict[str, Any] = {
    "action": "urge", "actor": "李强", "after": "张三", "aliases": ["等待", "wait"],
    "ask_rating": True, "assignee": "张三", "away": {"weekday": 0, "date": "2026-03-09"},
    "before": "P3", "body": "请问型号？", "breach_at": NOW, "by": "李强", "bypass": "on_duty",
    "calendar": "office", "candidates": "李强 (@liqiang), 李强 (@liqiang2)", "category": "printer",
    "checked": 3, "claim": True, "clock": "resolution", "command": "transfer IT-1 @… reason: …",
    "comment_count": 2, "comments": [CommentLine(NOW, "张三", "需要换硒鼓", True)], "count": 2,
    "date": "2026-03-09", "days": 3,
    "details": {"clock": "resolution", "percent": 75, "breach_at": NOW.isoformat(),
                "due": NOW.isoformat(), "number": 2, "of": 5, "reminders": 5, "late": 4,
                "how": "round_robin"},
    "done": ["IT-1", "IT-2"], "due": NOW, "end": "2026-03-02 18:00",
    "failed": [{"key": "IT-3", "error": "error.already_assigned",
                "params": {"key": "IT-3", "person": "张三"}}],
    "group": "finance", "has": ["printer"], "hits": [{"kind": "keyword", "value": "打印机",
                                                      "where": "title"}],
    "hours": "09:00-18:00", "how": "round_robin", "key": "IT-1", "lacks": ["vpn"], "late": 4,
    "limit": 4000, "lines": history_lines(), "loads": [{"who": "李强", "load": 3}],
    "locale": "zh-CN", "met": True, "mine": False, "minutes": 10, "muted": 1, "n": 2,
    "name": "李强", "notify": "dm", "number": 2, "of": 5, "open": ["IT-1"], "open_total": 2,
    "opened": "2026-03-02 09:00", "other": "IT-2", "parts": ["2小时", "10分"],
    "paused": 600, "people": "李强、张三", "percent": 75,
    "person": "张三", "policy": "office", "previous": "李强", "priority": "P2",
    "queue": "IT", "queues": "HR, IT", "quiet": "19:00-08:00", "reason": "等采购", "ref": "7f3e9",
    "reminders": 5, "requester": "赵敏", "resolution": "已更换硒鼓",
    "resolution_due": NOW, "response_due": None, "roles": ["requester", "lead"], "rule": "printer",
    "rules": 4, "scope": "team", "score": 5, "shift": "day", "skills": ["printer"],
    "skipped": [{"who": "张三", "weekday": 0, "date": "2026-03-09"}],
    "sla": SlaView(policy="office", calendar="office", priority="P2",
                   response=clock("met"), resolution=clock("breached"),
                   paused_total=timedelta(minutes=30), paused_since=NOW, next=step("reminder")),
    "start": "2026-03-02 09:00", "status": "closed", "statuses": "new, assigned",
    "step": 2, "strategy": "round_robin", "suggestion": "claim", "t": ticket(),
    "target": 28800, "team": "it", "teams": "it, network", "text": "打印机卡纸", "title": "打印机卡纸",
    "ticket": ticket(), "tickets": [ticket()], "timezone": "Asia/Shanghai", "to": "张三",
    "token": "XX", "total": 3, "triage": "#it-triage", "type": "service_request",
    "unit": "小时", "used": 7200, "value": "打印机", "verb": "pend", "verbs": ["new", "pend"],
    "waiting": 1, "weekday": 0, "what": "reason", "when": "明天", "where": "title", "who": "张三",
    "word": "frobnicate", "x": Explanation(
        policy="office", calendar="office", timezone="Asia/Shanghai", priority="P2",
        opened=NOW, response_due=NOW + timedelta(hours=1), resolution_due=None,
        timeline=[step("warning"), step("breach"), step("chain"), step("reminder"),
                  step("exhausted")]),
    "zone": "Asia/Shanghai", "at": "2026-03-02 18:00", "user": "U0123", "form": "other",
    "role": "lead",
}
# Keys whose parameters mean something else than elsewhere.
SPECIAL: dict[str, dict[str, Any]] = {
    # --- reportfiles ---
    "report_files.digest.title": {"team": "IT", "start": "2026-11-23", "end": "2026-11-29"},
    "report_files.export.caption": {"period": "2026-11", "team": "IT", "count": 3},
    "report_files.export.empty": {"period": "2026-11", "team": "IT"},
    "report_files.export.bad_period": {"given": "2026-13"},
    "report_files.export.future": {"period": "2027-01"},
    "report_files.export.unknown_team": {"given": "IT"},
    "report_files.export.written": {"count": 3, "path": "/2026/11"},
    "report_files.export.confidential_left_out": {"names": ["HR", "hr"], "option": "-x"},
    "report_files.export.confidential_included": {"names": ["HR", "hr"]},
    "report_files.file.saved": {"title": "2026-11", "path": "/2026/11"},
    "notify.digest": {"lines": ["IT-1 已关闭", "IT-2 已解决"]},
    "history.late": {"skipped": 2},
    "sla.step.chain": {"action": "raise_priority"},
    "sla.simulate.clock": {"target": "8小时", "due": "2026-03-02 18:00"},
    "error.wrong_status": {"action": "claim"},
    "error.wrong_role": {"action": "rate"},
    "error.mention_required": {"action": "cc"},
    "ticket.bulk_assigned": {"away": None},
    "notify.bulk_assign": {"assigned": [{"key": "IT-1", "title": "打印机卡纸"}],
                           "taken": [{"key": "IT-2", "title": "打印机卡纸"}],
                           "requested": [{"key": "IT-3", "title": "打印机卡纸"}]},
    "notify.mentions": {"people": [{"label": "李强", "slack_id": "U0LI"}]},
    "dingtalk.needs_input": {"action": "transfer"},
    "time.ago": {"unit": "hours"}, "time.in": {"unit": "hours"},
    "report.show": {"r": report_sample(), "period": "2026-03", "previous": "2026-02",
                    "running": True, "by": None, "biz": SimpleNamespace(business=True)},
    "report.empty": {"period": "2026-03", "previous": "2026-02"},
    "error.report_period": {"period": "frobnicate"},
    "error.report_future": {"period": "2027-05"},
}
# --- kb ---
_ARTICLE = {"key": "KB-3", "title": "打印机卡纸", "snippet": "三楼", "internal": True}
_KB = {"articles": [_ARTICLE], "similar": [{"key": "IT-2", "title": "打印机卡纸",
                                           "status": "in_progress", "assignee": "张三"}],
       "duplicate": "IT-2", "query": "打印机卡纸", "article": "KB-3", "from_ticket": "IT-4",
       "views": 4, "helped": 2, "source": "IT-4", "retired": True, "version": 2,
       "body": "已更换硒鼓", "token": "XX",
       "revisions": [Revision(1, action, "打印机卡纸", Visibility.INTERNAL,
                              ArticleStatus.RETIRED, "张三", NOW)
                     for action in ("create", "edit", "retire", "load", "reload")]}
SPECIAL |= {key: _ARTICLE | _KB for key in (
    "kb.offer", "kb.results", "kb.article", "kb.created", "kb.saved", "kb.edited", "kb.retired",
    "kb.history", "kb.self_resolved", "kb.error.bad_article", "ticket.created")}
ZH_ONLY_SPECIAL = {"time.ago": {"unit": "小时"}, "time.in": {"unit": "小时"}}
# --- schedules ---
SAMPLE |= {"schedule": "UPS check"}
SCHEDULE_KEYS = ("history.schedule",)
ZH_ONLY_SPECIAL |= {key: {"schedule": "机房巡检"} for key in SCHEDULE_KEYS}
RULE = {"kind": "weekly", "interval": 1, "days": ["MO"], "position": 0, "monthday": 0, "month": 0,
        "at": "09:00", "zone": "Asia/Shanghai", "calendar": "office", "off_days": "next"}
SPECIAL |= {
    "schedule.rule": RULE, "schedule.added": {"rule": RULE, "next": NOW},
    "schedule.list": {"schedules": [{"name": "李强", "rule": RULE, "team": "it", "priority": "P4",
                                     "next": NOW, "paused": False, "made": 2}]},
    "schedule.next": {"rule": RULE, "times": [NOW], "paused": False},
    "schedule.resumed": {"next": NOW},
    "error.schedule_invalid": {"rule": RULE, "next": NOW,
                               "problems": [{"code": "unknown_team", "value": "XX"}]},
    "error.schedule_option": {"option": "holiday", "value": "XX"},
    "error.checklist_open": {"items": [{"n": 1, "text": "打印机卡纸"}]},
    "ticket.checked": {"left": 1}, "history.check": {"item": 2},
    "card.checklist_done": {"done": 1, "total": 3},
    "error.unknown_asset": {"asset": "UPS-9"},
    "asset.show": {"name": "UPS-1", "type": "ups", "location": "Room A", "owner": "dave",
                   "serial": "SN-1", "total": 3,
                   "tickets": [{"key": "IT-4", "title": "打印机卡纸", "status": "new", "at": NOW}]},
    "asset.imported": {"file": "assets.csv", "count": 3, "added": 2, "updated": 1},
    "error.asset_import": {"file": "assets.csv",
                           "problems": [{"line": 3, "code": "duplicate", "value": "UPS-1"}]},
}
ZH_ONLY_SPECIAL |= {
    "asset.imported": {"file": "资产表"},
    "error.asset_import": {"file": "资产表",
                           "problems": [{"line": 3, "code": "duplicate", "value": "一号"}]},
    "asset.show": {"name": "不间断电源", "type": "电源", "owner": "李强", "serial": "一号",
                   "location": "机房"},
    "error.unknown_asset": {"asset": "不间断电源"},
}
# --- hooks ---
SPECIAL |= {
    "intake.firing": {"alerts": ["DiskFull"]}, "intake.changed": {"alerts": ["DiskFull"]},
    "intake.resolved": {"alerts": ["DiskFull"]},
}
ZH_ONLY_SPECIAL |= {"intake.firing": {"alerts": ["磁盘已满"]},
                    "intake.changed": {"alerts": ["磁盘已满"]},
                    "intake.resolved": {"alerts": ["磁盘已满"]}}
# --- kbui ---
SPECIAL |= {"button.kb_solved": {"arg": "KB-3"}, "button.merge": {"arg": "IT-2"},
            "history.duplicate_hint": {"similar": "IT-2"}}
# --- workflow ---
SPECIAL |= {"error.wrong_who": {"action": "resume", "roles": ["lead"], "others": ["cab"]}}
ZH_ONLY_SPECIAL |= {"error.wrong_who": {"action": "resume", "roles": ["lead"], "others": ["变更委员会"]}}
# --- forms ---
_FIELD = {"field": "vpn", "labels": {"en": "VPN", "zh-CN": "网络"}, "kind": "choice",
          "value": "XX", "choices": ["printer", "office"], "known": ["vpn", "printer"]}
SPECIAL |= {"field.kind_hint": _FIELD, "error.field_value": _FIELD,
            "error.field_unknown": _FIELD, "error.field_quote": _FIELD,
            "error.field_empty": _FIELD,
            "error.fields_missing": {"fields": [{"name": "vpn", "labels": {"zh-CN": "网络"},
                                                 "kind": "date", "choices": []}]},
            "ticket.fields_set": {"names": ["vpn", "printer"]},
            "error.transition_needs_fields": {"action": "resolve", "fields": ["vpn"]}}


@functools.cache
def catalog(locale: str, escape: Any) -> Catalog:
    return Catalog(locale, ZoneInfo("Asia/Shanghai"), escape=escape, now=lambda: NOW)


def render(locale: str, key: str, escape: Any = plain) -> str:
    params = SAMPLE | SPECIAL.get(key, {})
    if locale == "zh-CN":
        params |= ZH_ONLY_SPECIAL.get(key, {})
    return catalog(locale, escape).text(key, **params)


def test_both_catalogs_hold_the_same_keys() -> None:
    zh = set(yaml.safe_load((LOCALES_DIR / "zh-CN.yaml").read_text(encoding="utf-8")))
    assert zh == set(catalog_keys())


@pytest.mark.parametrize("key", sorted(catalog_keys()))
def test_every_key_renders_in_chinese_without_english(key: str) -> None:
    text = render("zh-CN", key)
    assert english_words(text, DATA) == [], text
    assert missing_keys(text) == [], text


@pytest.mark.parametrize("key", sorted(catalog_keys()))
def test_every_key_renders_in_english_without_chinese(key: str) -> None:
    text = render("en", key)
    # What people typed and their names stay as they are; nothing else may be Chinese.
    assert chinese(text, ZH_DATA | {"李强、张三", "请问型号？", "需要换硒鼓", "明天", "小时", "分",
                                    "等采购", "已更换硒鼓", "打印机卡纸", "三楼", "很好",
                                    "IT-1 已关闭", "IT-2 已解决", "2小时", "10分"}) == [], text
    assert missing_keys(text) == [], text


def test_a_merged_tickets_resolution_is_said_in_chinese() -> None:
    merged = ticket()
    merged.resolution = "duplicate of IT-7"
    card = catalog("zh-CN", plain).card(merged)
    assert "解决方案：与 IT-7 重复" in card and english_words(card, DATA) == []
    assert "Resolution: duplicate of IT-7" in catalog("en", plain).card(merged)


@pytest.mark.parametrize("escape", [slack, dingtalk])
def test_every_key_renders_on_every_platform(escape: Any) -> None:
    for key in sorted(catalog_keys()):
        for locale in ("en", "zh-CN"):
            render(locale, key, escape)
# --- create ---
SPECIAL |= {"notify.duplicate_burst": {
    "requester": "张三", "count": 3, "key": "IT-2", "title": "打印机卡纸",
    "duplicates": [{"key": "IT-2", "title": "打印机卡纸", "like": "IT-1"},
                   {"key": "IT-3", "title": "打印机卡纸", "like": "IT-2"}]}}
# --- approvals ---
_DECIDED = {"approvers": ["erin"], "awaited": ["grace", "admin"], "approved": True}
SPECIAL |= {key: _DECIDED for key in ("ticket.already_decided", "ticket.approved",
                                      "error.not_approver")}
SPECIAL |= {"card.approval": {"approved": ["erin"], "awaited": ["grace"]}}
ZH_ONLY_SPECIAL |= {key: {**_DECIDED, "approvers": ["李强"], "awaited": ["张三"]} for key in (
    "ticket.already_decided", "ticket.approved", "error.not_approver")}
ZH_ONLY_SPECIAL |= {"card.approval": {"approved": ["李强"], "awaited": ["张三"]}}
# --- link ---
_LINK = {"code": "ABCD-EFGH", "platform": "dingtalk", "here": "dingtalk", "from": "slack",
         "handle": "liqiang", "platforms": ["dingtalk"], "left": 2}
SPECIAL |= {key: _LINK for key in catalog_keys() if key.startswith(("link.", "unlink."))}
# --- dialogue ---
_ASKED = {"first": True, "total": 2, "key": None, "action": None,
          "field": {"name": "vpn", "labels": {"en": "VPN", "zh-CN": "网络"}, "kind": "choice",
                    "choices": ["printer", "office"]}}
SPECIAL |= {"dialogue.ask": _ASKED, "dialogue.cancelled": {"key": None},
            "dialogue.reask": {"reason_key": "error.field_value", "reason": _FIELD,
                               "question": {**_ASKED, "first": False}}}
ZH_ONLY_SPECIAL |= {"dialogue.reask": {"reason_key": "error.field_value",
                                       "reason": {**_FIELD, "value": "某某"},
                                       "question": {**_ASKED, "first": False}}}
