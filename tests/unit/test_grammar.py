"""The chat grammar: text in, a command dataclass out, or a ParseError naming the reply template.

Pure: no database, no clock. `Grammar("IT")` parses with IT as the default queue.
"""

import typing
from datetime import time

import pytest

from bot.platforms import DINGTALK, SLACK
from bot.slack.mentions import slack_people
from commands import messages as m
from commands.grammar import Grammar, ParseError
from commands.messages import Mention
from commands.vocabulary import USAGE, VERBS
from commands.when import parse_day
from workflows.errors import InvalidInput
from workflows.kinds import TicketType
from workflows.priority import Priority

GRAMMAR = Grammar("IT")


def parse(text: str, at_users: dict[str, str] | None = None) -> m.Command:
    """As the adapters pass it: Slack's `<@U…>` (bot/slack/mentions.py) and DingTalk's atUsers
    (bot/dingtalk/messages.py) as the people they name."""
    people = {**slack_people(text), **{"@" + name: Mention(DINGTALK, staff, name)
                                       for name, staff in (at_users or {}).items()}}
    return GRAMMAR.parse(text, people)


def handle(name: str) -> Mention:
    return Mention(None, name)


# -- happy paths: one or more per verb ------------------------------------------------------

HAPPY = [
    # new
    pytest.param("new P2 VPN down on floor 3",
                 m.Create("VPN down on floor 3", priority=Priority.P2), id="new-priority"),
    pytest.param("new printer jam", m.Create("printer jam"), id="new-defaults"),
    pytest.param("new p1 type:change category:network queue:HR Upgrade router -- on saturday night",
                 m.Create("Upgrade router", description="on saturday night", priority=Priority.P1,
                          type=TicketType.CHANGE_REQUEST, category="network", queue="HR"),
                 id="new-all-options"),
    pytest.param("new type:request cat:laptop New laptop for Frank",
                 m.Create("New laptop for Frank", type=TicketType.SERVICE_REQUEST, category="laptop"),
                 id="new-type-request-cat"),
    pytest.param("new type:task P4 Rotate backups",
                 m.Create("Rotate backups", priority=Priority.P4, type=TicketType.TASK),
                 id="new-options-any-order"),
    pytest.param("new queue:hr Payslip missing", m.Create("Payslip missing", queue="HR"),
                 id="new-queue-upper-cased"),
    pytest.param("new Printer jam\nThe one on floor 3 eats paper",
                 m.Create("Printer jam", description="The one on floor 3 eats paper"),
                 id="new-description-after-newline"),
    pytest.param("new Printer jam | floor 3", m.Create("Printer jam", description="floor 3"),
                 id="new-description-after-pipe"),
    pytest.param("new Printer jam @bob @carol",
                 m.Create("Printer jam @bob @carol", collaborators=(handle("bob"), handle("carol"))),
                 id="new-mentions-become-collaborators"),
    pytest.param("new Printer jam -- ask @dave",
                 m.Create("Printer jam", description="ask @dave"),
                 id="new-mentions-in-description-are-not-collaborators"),
    # claim
    pytest.param("claim IT-42", m.Claim("IT-42"), id="claim"),
    # assign
    pytest.param("assign IT-42 @bob", m.Assign("IT-42", handle("bob")), id="assign"),
    pytest.param("assign IT-42 to @bob reason: on shift today",
                 m.Assign("IT-42", handle("bob"), "on shift today"), id="assign-to-with-reason"),
    pytest.param("assign IT-42 @bob because he knows the printer",
                 m.Assign("IT-42", handle("bob"), "he knows the printer"), id="assign-because"),
    # transfer
    pytest.param("transfer IT-42 @carol reason: needs network team",
                 m.Transfer("IT-42", to=handle("carol"), reason="needs network team"), id="transfer"),
    pytest.param("transfer IT-42 to @carol because needs network team",
                 m.Transfer("IT-42", to=handle("carol"), reason="needs network team"),
                 id="transfer-to-because"),
    pytest.param("transfer IT-42 @carol needs network team",
                 m.Transfer("IT-42", to=handle("carol"), reason="needs network team"),
                 id="transfer-reason-without-marker"),
    pytest.param("transfer IT-42 @carol", m.Transfer("IT-42", to=handle("carol")),
                 id="transfer-no-reason-left-to-the-use-case"),
    pytest.param("transfer IT-1 network reason: x", m.Transfer("IT-1", team="network", reason="x"),
                 id="transfer-team"),
    pytest.param("transfer IT-1 team:network x", m.Transfer("IT-1", team="network", reason="x"),
                 id="transfer-team-prefix"),
    pytest.param("transfer IT-1 Network because cabling",
                 m.Transfer("IT-1", team="network", reason="cabling"), id="transfer-team-lower-cased"),
    pytest.param("transfer IT-1 network the switch is theirs",
                 m.Transfer("IT-1", team="network", reason="the switch is theirs"),
                 id="transfer-team-reason-without-marker"),
    # cc
    pytest.param("cc IT-42 @erin @frank", m.AddCollaborators("IT-42", (handle("erin"), handle("frank"))),
                 id="cc"),
    pytest.param("cc IT-42 @erin, @frank and @dave",
                 m.AddCollaborators("IT-42", (handle("erin"), handle("frank"), handle("dave"))),
                 id="cc-with-punctuation"),
    # reply / note
    pytest.param("reply IT-42 Please reboot @alice",
                 m.Reply("IT-42", "Please reboot @alice", (handle("alice"),)), id="reply"),
    pytest.param("note IT-42 switch port 12 is flapping",
                 m.Note("IT-42", "switch port 12 is flapping"), id="note"),
    # pend / resume
    pytest.param("pend IT-42 waiting for alice to reboot",
                 m.Pend("IT-42", "waiting for alice to reboot"), id="pend"),
    pytest.param("pend IT-42 reason: vendor replacing the part", m.Pend("IT-42", "vendor replacing the part"),
                 id="pend-with-marker"),
    pytest.param("resume IT-42", m.Resume("IT-42"), id="resume"),
    pytest.param("approve IT-42", m.Approve("IT-42"), id="approve"),
    pytest.param("approve IT-42 looks safe", m.Approve("IT-42", "looks safe"), id="approve-comment"),
    pytest.param("reject IT-42 no rollback plan", m.Reject("IT-42", "no rollback plan"),
                 id="reject"),
    pytest.param("批准 IT-42", m.Approve("IT-42"), id="批准"),
    pytest.param("驳回 IT-42 缺少回退方案", m.Reject("IT-42", "缺少回退方案"), id="驳回"),
    pytest.param("resume IT-42 alice rebooted", m.Resume("IT-42", "alice rebooted"), id="resume-reason"),
    # priority
    pytest.param("priority IT-42 P1", m.SetPriority("IT-42", Priority.P1), id="priority"),
    pytest.param("priority IT-42 p5 reason: cosmetic",
                 m.SetPriority("IT-42", Priority.P5, "cosmetic"), id="priority-lower-case-reason"),
    pytest.param("priority IT-42 1 whole floor is down",
                 m.SetPriority("IT-42", Priority.P1, "whole floor is down"), id="priority-bare-digit"),
    # resolve / reopen / close / cancel / suspend
    pytest.param("resolve IT-42 replaced the cable", m.Resolve("IT-42", "replaced the cable"), id="resolve"),
    pytest.param("reopen IT-42", m.Reopen("IT-42"), id="reopen"),
    pytest.param("reopen IT-42 still flaky", m.Reopen("IT-42", "still flaky"), id="reopen-reason"),
    pytest.param("close IT-42", m.Close("IT-42"), id="close"),
    pytest.param("close IT-42 thanks", m.Close("IT-42", "thanks"), id="close-reason"),
    pytest.param("cancel IT-42", m.Cancel("IT-42"), id="cancel"),
    pytest.param("cancel IT-42 not needed any more", m.Cancel("IT-42", "not needed any more"),
                 id="cancel-reason"),
    pytest.param("suspend IT-42 waiting for budget", m.Suspend("IT-42", "waiting for budget"), id="suspend"),
    # urge
    pytest.param("urge IT-42", m.Urge("IT-42"), id="urge"),
    pytest.param("urge IT-42 the CEO is waiting", m.Urge("IT-42", "the CEO is waiting"), id="urge-message"),
    # link / merge
    pytest.param("link IT-42 IT-40", m.Link("IT-42", "IT-40"), id="link"),
    pytest.param("link IT-42 with 40", m.Link("IT-42", "IT-40"), id="link-with"),
    pytest.param("link IT-42 HR-7", m.Link("IT-42", "HR-7"), id="link-other-queue"),
    pytest.param("link me", m.LinkMe(), id="link-me"),
    pytest.param("绑定", m.LinkMe(), id="link-me-zh"),
    pytest.param("link kxmp-rtwa", m.LinkCode("KXMPRTWA"), id="link-code"),
    pytest.param("unlink Slack", m.Unlink("slack"), id="unlink"),
    pytest.param("解绑 dingtalk", m.Unlink("dingtalk"), id="unlink-zh"),
    pytest.param("merge IT-41 into IT-42", m.Merge("IT-41", "IT-42"), id="merge"),
    pytest.param("merge 41 42", m.Merge("IT-41", "IT-42"), id="merge-bare-numbers"),
    # rate
    pytest.param("rate IT-42 5", m.Rate("IT-42", 5), id="rate"),
    pytest.param("back", m.Back(None), id="back"),
    pytest.param("sla IT-42", m.SlaStatus("IT-42"), id="sla"),
    pytest.param("report last week", m.Report("last week"), id="report"),
    pytest.param("export 2026-11 team it", m.Export("2026-11", "it"), id="export"),
    pytest.param("route explain VPN down", m.ExplainRoute(m.Create("VPN down")), id="route-explain"),
    pytest.param("away until tomorrow", m.SetAway(parse_day("tomorrow")), id="away"),
    pytest.param("rate IT-42 4 quick but had to chase", m.Rate("IT-42", 4, "quick but had to chase"),
                 id="rate-comment"),
    pytest.param("rate IT-42 9", m.Rate("IT-42", 9), id="rate-range-left-to-the-use-case"),
    # show / history
    pytest.param("show IT-42", m.Show("IT-42"), id="show"),
    pytest.param("history IT-42", m.History("IT-42"), id="history"),
    # list
    pytest.param("list", m.ListTickets("auto"), id="list"),
    pytest.param("list mine", m.ListTickets("mine"), id="list-mine"),
    # notification preferences
    pytest.param("mute IT-42", m.Mute("IT-42"), id="mute"),
    pytest.param("unmute IT-42", m.Mute("IT-42", muted=False), id="unmute"),
    pytest.param("notify off", m.SetPreferences(notify="off"), id="notify-off"),
    pytest.param("notify ON", m.SetPreferences(notify="dm"), id="notify-on-means-dm"),
    pytest.param("notify dm", m.SetPreferences(notify="dm"), id="notify-dm"),
    pytest.param("notify channel", m.SetPreferences(notify="channel"), id="notify-channel"),
    pytest.param("quiet 19:00-08:00", m.SetPreferences(quiet=(time(19, 0), time(8, 0))), id="quiet"),
    pytest.param("quiet 19:00-08:00 Asia/Shanghai",
                 m.SetPreferences(quiet=(time(19, 0), time(8, 0)), timezone="Asia/Shanghai"),
                 id="quiet-time-zone"),
    pytest.param("quiet off", m.SetPreferences(quiet_off=True), id="quiet-off"),
    pytest.param("language zh-CN", m.SetPreferences(locale="zh-CN"), id="language"),
    pytest.param("prefs", m.SetPreferences(), id="prefs"),
    # help
    pytest.param("help", m.Help(), id="help"),
    pytest.param("help transfer", m.Help("transfer"), id="help-topic"),
    pytest.param("help CLAIM", m.Help("claim"), id="help-topic-upper-case"),
    # --- schedules ---
    pytest.param('schedule add "UPS check" every monday 09:00 team:it P4',
                 m.ScheduleAdd("UPS check", "every monday", time(9), team="it",
                               priority=Priority.P4), id="schedule-add"),
    pytest.param("schedule list", m.ScheduleList(), id="schedule-list"),
    pytest.param("check IT-42 2", m.Check("IT-42", 2), id="check"),
    pytest.param('set IT-42 risk=high plan="two words"',
                 m.SetFields("IT-42", (("risk", "high"), ("plan", "two words"))), id="set"),
    pytest.param("勾选 42 1", m.Check("IT-42", 1), id="勾选"),
    pytest.param("asset show UPS-1", m.AssetShow("UPS-1"), id="asset"),
    pytest.param("资产 UPS-1", m.AssetShow("UPS-1"), id="资产"),
    pytest.param("new P3 paper jam asset:PRN-3",
                 m.Create(title="paper jam", priority=Priority.P3, asset="PRN-3"),
                 id="new-trailing-asset"),
    # --- kb ---
    pytest.param("kb vpn drops every hour", m.KbSearch("vpn drops every hour"), id="kb-search"),
    pytest.param("知识库 VPN 断线", m.KbSearch("VPN 断线"), id="知识库"),
    pytest.param("kb KB-3", m.KbShow(3), id="kb-show"),
    pytest.param("kb new internal Reset a token -- open the console", m.KbNew(
        "Reset a token", "open the console", internal=True), id="kb-new-internal"),
    pytest.param("kb save IT-4 Printer offline", m.KbSave("IT-4", "Printer offline"), id="kb-save"),
    pytest.param("kb edit KB-3 -- new text", m.KbEdit(3, None, "new text"), id="kb-edit-body"),
    pytest.param("kb edit KB-3 公开", m.KbEdit(3, visibility="public"), id="kb-edit-public"),
    pytest.param("kb retire KB-3 old client", m.KbRetire(3, "old client"), id="kb-retire"),
    pytest.param("kb history KB-3", m.KbHistory(3), id="kb-history"),
    pytest.param("solved by KB-3", m.SolvedBy(3), id="solved"),
    pytest.param("solved IT-4 by KB-3", m.SolvedBy(3, "IT-4"), id="solved-ticket"),
    pytest.param("已解决 IT-4 KB-3", m.SolvedBy(3, "IT-4"), id="已解决"),
]


@pytest.mark.parametrize(("text", "expected"), HAPPY)
def test_parses(text: str, expected: m.Command) -> None:
    assert parse(text) == expected


def test_chinese_kb_verb_and_a_bare_article_id() -> None:
    assert parse("知识库VPN断线") == m.KbSearch("VPN断线")
    assert parse("KB-3") == m.KbShow(3)


def test_every_verb_has_a_happy_path() -> None:
    assert {VERBS[str(param.values[0]).split()[0].lower()] for param in HAPPY} == set(USAGE)
    assert {type(param.values[1]) for param in HAPPY} <= set(typing.get_args(m.Command))


# -- aliases -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("新建 P1 打印机坏了\n三楼的打印机卡纸",
                 m.Create("打印机坏了", description="三楼的打印机卡纸", priority=Priority.P1), id="新建"),
    pytest.param("报修 网络断了", m.Create("网络断了"), id="报修"),
    pytest.param("create VPN down", m.Create("VPN down"), id="create"),
    pytest.param("open VPN down", m.Create("VPN down"), id="open"),
    pytest.param("新建 类型:变更 分类:网络 队列:HR 升级交换机",
                 m.Create("升级交换机", type=TicketType.CHANGE_REQUEST, category="网络", queue="HR"),
                 id="新建-chinese-options"),
    pytest.param("新建 type:故障 打印机坏了", m.Create("打印机坏了", type=TicketType.INCIDENT),
                 id="新建-chinese-type-value"),
    pytest.param("领取 IT-1", m.Claim("IT-1"), id="领取"),
    pytest.param("接单 IT-1", m.Claim("IT-1"), id="接单"),
    pytest.param("take 5", m.Claim("IT-5"), id="take"),
    pytest.param("Claim IT-1", m.Claim("IT-1"), id="verb-capitalised"),
    pytest.param("CLAIM it-1", m.Claim("IT-1"), id="verb-upper-case"),
    pytest.param("指派 IT-1 给 @bob", m.Assign("IT-1", handle("bob")), id="指派-给"),
    pytest.param("分配 IT-1 @bob", m.Assign("IT-1", handle("bob")), id="分配"),
    pytest.param("转派 IT-1 @carol 原因：网络问题",
                 m.Transfer("IT-1", to=handle("carol"), reason="网络问题"), id="转派-full-width-colon"),
    pytest.param("转派 IT-1 给 @carol 原因: 网络问题",
                 m.Transfer("IT-1", to=handle("carol"), reason="网络问题"), id="转派-给"),
    pytest.param("转交 IT-1 团队:network 交换机故障",
                 m.Transfer("IT-1", team="network", reason="交换机故障"), id="转交-团队"),
    pytest.param("forward IT-1 @carol because: cabling",
                 m.Transfer("IT-1", to=handle("carol"), reason="cabling"), id="forward-because-colon"),
    pytest.param("抄送 IT-1 @erin", m.AddCollaborators("IT-1", (handle("erin"),)), id="抄送"),
    pytest.param("collab IT-1 @erin", m.AddCollaborators("IT-1", (handle("erin"),)), id="collab"),
    pytest.param("回复 IT-1 好的，马上处理", m.Reply("IT-1", "好的，马上处理"), id="回复"),
    pytest.param("comment IT-1 on my way", m.Reply("IT-1", "on my way"), id="comment"),
    pytest.param("备注 IT-1 交换机端口损坏", m.Note("IT-1", "交换机端口损坏"), id="备注"),
    pytest.param("internal IT-1 port 12", m.Note("IT-1", "port 12"), id="internal"),
    pytest.param("等待 IT-1 等用户重启", m.Pend("IT-1", "等用户重启"), id="等待"),
    pytest.param("wait IT-1 on the vendor", m.Pend("IT-1", "on the vendor"), id="wait"),
    pytest.param("恢复 IT-1", m.Resume("IT-1"), id="恢复"),
    pytest.param("continue IT-1", m.Resume("IT-1"), id="continue"),
    pytest.param("优先级 IT-1 P2", m.SetPriority("IT-1", Priority.P2), id="优先级"),
    pytest.param("prio IT-1 P3", m.SetPriority("IT-1", Priority.P3), id="prio"),
    pytest.param("解决 IT-1 换了网线", m.Resolve("IT-1", "换了网线"), id="解决"),
    pytest.param("done IT-1 fixed", m.Resolve("IT-1", "fixed"), id="done"),
    pytest.param("重开 IT-1 还是坏的", m.Reopen("IT-1", "还是坏的"), id="重开"),
    pytest.param("关闭 IT-1", m.Close("IT-1"), id="关闭"),
    pytest.param("取消 IT-1", m.Cancel("IT-1"), id="取消"),
    pytest.param("挂起 IT-1 等预算", m.Suspend("IT-1", "等预算"), id="挂起"),
    pytest.param("hold IT-1 budget freeze", m.Suspend("IT-1", "budget freeze"), id="hold"),
    pytest.param("催单 IT-1", m.Urge("IT-1"), id="催单"),
    pytest.param("催 IT-1 快点", m.Urge("IT-1", "快点"), id="催"),
    pytest.param("remind IT-1", m.Urge("IT-1"), id="remind"),
    pytest.param("关联 IT-1 IT-2", m.Link("IT-1", "IT-2"), id="关联"),
    pytest.param("合并 IT-41 到 IT-42", m.Merge("IT-41", "IT-42"), id="合并-到"),
    pytest.param("duplicate IT-41 IT-42", m.Merge("IT-41", "IT-42"), id="duplicate"),
    pytest.param("查看 IT-1", m.Show("IT-1"), id="查看"),
    pytest.param("view IT-1", m.Show("IT-1"), id="view"),
    pytest.param("历史 IT-1", m.History("IT-1"), id="历史"),
    pytest.param("log IT-1", m.History("IT-1"), id="log"),
    pytest.param("列表", m.ListTickets("auto"), id="列表"),
    pytest.param("ls", m.ListTickets("auto"), id="ls"),
    pytest.param("静音 IT-1", m.Mute("IT-1"), id="静音"),
    pytest.param("取消静音 42", m.Mute("IT-42", muted=False), id="取消静音"),
    pytest.param("通知 关", m.SetPreferences(notify="off"), id="通知-关"),
    pytest.param("通知 开", m.SetPreferences(notify="dm"), id="通知-开"),
    pytest.param("通知 频道", m.SetPreferences(notify="channel"), id="通知-频道"),
    pytest.param("评价 IT-1 5 很快", m.Rate("IT-1", 5, "很快"), id="评价"),
    pytest.param("csat IT-1 3", m.Rate("IT-1", 3), id="csat"),
    pytest.param("免打扰 22：00到07：30", m.SetPreferences(quiet=(time(22, 0), time(7, 30))),
                 id="免打扰-full-width"),
    pytest.param("lang en", m.SetPreferences(locale="en"), id="lang"),
    pytest.param("语言 中文", m.SetPreferences(locale="zh-CN"), id="语言"),
    pytest.param("settings", m.SetPreferences(), id="settings"),
    pytest.param("设置", m.SetPreferences(), id="设置"),
    pytest.param("帮助", m.Help(), id="帮助"),
    pytest.param("? transfer", m.Help("transfer"), id="question-mark"),
    pytest.param("help 领取", m.Help("claim"), id="help-chinese-topic"),
])
def test_aliases(text: str, expected: m.Command) -> None:
    assert parse(text) == expected


# -- ticket keys ---------------------------------------------------------------------------

@pytest.mark.parametrize(("token", "key"), [
    pytest.param("IT-42", "IT-42", id="canonical"),
    pytest.param("it-42", "IT-42", id="lower-case"),
    pytest.param("42", "IT-42", id="bare-number-default-queue"),
    pytest.param("#42", "IT-42", id="hash-number"),
    pytest.param("#IT-42", "IT-42", id="hash-key"),
    pytest.param("IT-042", "IT-42", id="leading-zero"),
    pytest.param("HR-7", "HR-7", id="other-queue"),
    pytest.param("hr-7", "HR-7", id="other-queue-lower-case"),
])
def test_ticket_keys(token: str, key: str) -> None:
    assert parse(f"claim {token}") == m.Claim(key)
    assert parse(f"show {token}") == m.Show(key)


@pytest.mark.parametrize(("text", "key"), [
    pytest.param("IT-42", "IT-42", id="key"),
    pytest.param("it-42", "IT-42", id="lower-case"),
    pytest.param("#42", "IT-42", id="hash-number"),
    pytest.param("HR-7", "HR-7", id="other-queue"),
    pytest.param("  IT-42  ", "IT-42", id="surrounding-spaces"),
])
def test_a_bare_ticket_key_means_show(text: str, key: str) -> None:
    assert parse(text) == m.Show(key)


def test_a_bare_number_is_not_a_show() -> None:
    # Bare numbers are the console's "run action N of the last card"; they never reach `show`.
    with pytest.raises(ParseError) as caught:
        parse("42")
    assert (caught.value.message_key, caught.value.params) == (
        "error.unknown_command", {"word": "42", "suggestion": None})


# -- mentions ------------------------------------------------------------------------------

def test_handle_mentions() -> None:
    assert parse("assign IT-1 @bob") == m.Assign("IT-1", Mention(None, "bob"))
    assert parse("assign IT-1 @张三") == m.Assign("IT-1", Mention(None, "张三"))


def test_slack_mentions() -> None:
    slack = Mention(SLACK, "U123ABC")
    named = Mention(SLACK, "U123ABC", "bob")
    assert parse("assign IT-1 <@U123ABC>") == m.Assign("IT-1", slack)
    assert parse("assign IT-1 <@U123ABC|bob> reason: on shift") == m.Assign("IT-1", named, "on shift")
    assert parse("transfer IT-1 <@U123ABC> reason: needs network team") == m.Transfer(
        "IT-1", to=slack, reason="needs network team")
    assert parse("transfer IT-1 to <@U123ABC|bob> needs network team") == m.Transfer(
        "IT-1", to=named, reason="needs network team")
    assert parse("assign IT-1 <@W0ENTERPRISE>") == m.Assign("IT-1", Mention(SLACK, "W0ENTERPRISE"))


def test_slack_and_handle_mentions_keep_their_order() -> None:
    assert parse("cc IT-1 @carol <@U123ABC|bob> @erin") == m.AddCollaborators("IT-1", (
        Mention(None, "carol"), Mention(SLACK, "U123ABC", "bob"), Mention(None, "erin")))
    assert parse("reply IT-1 hi <@U123ABC>, see @dave") == m.Reply(
        "IT-1", "hi <@U123ABC>, see @dave", (Mention(SLACK, "U123ABC"), Mention(None, "dave")))
    assert parse("new printer jam <@U123ABC|bob>") == m.Create(
        "printer jam <@U123ABC|bob>", collaborators=(Mention(SLACK, "U123ABC", "bob"),))


def test_dingtalk_at_users_become_platform_mentions() -> None:
    at_users = {"张三": "staff001"}
    zhang = Mention(DINGTALK, "staff001", "张三")
    assert parse("transfer IT-1 @张三 原因: 需要网络组处理", at_users=at_users) == m.Transfer(
        "IT-1", to=zhang, reason="需要网络组处理")
    assert parse("assign IT-1 @张三", at_users=at_users) == m.Assign("IT-1", zhang)
    assert parse("cc IT-1 @张三 @bob", at_users=at_users) == m.AddCollaborators(
        "IT-1", (zhang, Mention(None, "bob")))
    assert parse("新建 打印机坏了 @张三", at_users=at_users) == m.Create(
        "打印机坏了 @张三", collaborators=(zhang,))


def test_at_users_only_match_their_own_names() -> None:
    assert parse("assign IT-1 @bob", at_users={"张三": "staff001"}) == m.Assign("IT-1", Mention(None, "bob"))


@pytest.mark.parametrize("word", ["@here", "@channel", "@everyone", "@HERE", "@here!", "@所有人"])
def test_everyone_at_once_words_are_title_text_not_people(word: str) -> None:
    assert parse(f"new P3 Printer broken {word}") == m.Create(
        f"Printer broken {word}", priority=Priority.P3)
    assert parse(f"new {word} printer broken @bob") == m.Create(
        f"{word} printer broken @bob", collaborators=(Mention(None, "bob"),))
    assert parse(f"reply IT-1 {word} it is back") == m.Reply("IT-1", f"{word} it is back")


def test_broadcast_words_are_nobody_to_add_or_assign() -> None:
    with pytest.raises(ParseError) as caught:
        parse("cc IT-1 @here")
    assert caught.value.message_key == "error.usage"
    with pytest.raises(ParseError):
        parse("assign IT-1 @channel")
    # Only the whole word: a person whose handle starts with one of them is still a person.
    assert parse("assign IT-1 @heretic") == m.Assign("IT-1", Mention(None, "heretic"))


def test_note_and_reply_carry_their_mentions() -> None:
    assert parse("note IT-1 @carol please check the relay") == m.Note(
        "IT-1", "@carol please check the relay", (Mention(None, "carol"),))
    assert parse("备注 IT-1 @张三 请看一下", at_users={"张三": "staff001"}) == m.Note(
        "IT-1", "@张三 请看一下", (Mention(DINGTALK, "staff001", "张三"),))


def test_mention_str_shows_the_name() -> None:
    assert str(Mention(DINGTALK, "staff001", "张三")) == "@张三"
    assert str(Mention(None, "bob")) == "@bob"


# -- reasons -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("transfer IT-1 @carol reason: needs network team", id="reason-colon"),
    pytest.param("transfer IT-1 @carol Reason:needs network team", id="reason-no-space"),
    pytest.param("transfer IT-1 @carol because needs network team", id="because"),
    pytest.param("transfer IT-1 @carol because: needs network team", id="because-colon"),
    pytest.param("transfer IT-1 @carol needs network team", id="no-marker"),
])
def test_reason_markers(text: str) -> None:
    assert parse(text) == m.Transfer("IT-1", to=Mention(None, "carol"), reason="needs network team")


@pytest.mark.parametrize("marker", ["原因：", "原因:", "理由：", "备注：", "reason："])
def test_chinese_reason_markers(marker: str) -> None:
    assert parse(f"转派 IT-1 @carol {marker}需要网络组处理") == m.Transfer(
        "IT-1", to=Mention(None, "carol"), reason="需要网络组处理")


def test_an_empty_reason_is_no_reason() -> None:
    assert parse("transfer IT-1 @carol reason:") == m.Transfer("IT-1", to=Mention(None, "carol"))


# -- list scopes ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    pytest.param("list", m.ListTickets("auto"), id="auto"),
    pytest.param("list mine", m.ListTickets("mine"), id="mine"),
    pytest.param("list my", m.ListTickets("mine"), id="my"),
    pytest.param("list assigned", m.ListTickets("mine"), id="assigned"),
    pytest.param("list my requests", m.ListTickets("requests"), id="my-requests"),
    pytest.param("list requests", m.ListTickets("requests"), id="requests"),
    pytest.param("list team", m.ListTickets("team"), id="team"),
    pytest.param("list team network", m.ListTickets("team", team="network"), id="team-named"),
    pytest.param("list TEAM Network", m.ListTickets("team", team="network"), id="team-upper-case"),
    pytest.param("list queue it", m.ListTickets("team", team="it"), id="queue"),
    pytest.param("list overdue", m.ListTickets("overdue"), id="overdue"),
    pytest.param("list late", m.ListTickets("overdue"), id="late"),
    pytest.param("list all", m.ListTickets("all"), id="all"),
    pytest.param("list open", m.ListTickets("all"), id="open"),
    pytest.param("list pending", m.ListTickets("status", statuses=("pending",)), id="bare-status"),
    pytest.param("list in_progress", m.ListTickets("status", statuses=("in_progress",)), id="bare-status-2"),
    pytest.param("list status pending resolved",
                 m.ListTickets("status", statuses=("pending", "resolved")), id="status-several"),
    pytest.param("列表 我的", m.ListTickets("mine"), id="我的"),
    pytest.param("列表 我的请求", m.ListTickets("requests"), id="我的请求"),
    pytest.param("列表 团队 network", m.ListTickets("team", team="network"), id="团队"),
    pytest.param("列表 超时", m.ListTickets("overdue"), id="超时"),
    pytest.param("列表 全部", m.ListTickets("all"), id="全部"),
    pytest.param("列表 状态 已解决", m.ListTickets("status", statuses=("已解决",)), id="状态"),
])
def test_list_scopes(text: str, expected: m.ListTickets) -> None:
    assert parse(text) == expected


# -- whitespace ----------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    pytest.param("\u3000\u3000claim IT-1", id="full-width-spaces"),
    pytest.param("\xa0claim IT-1\xa0", id="nbsp"),
    pytest.param(" \u3000\xa0 claim IT-1 \n", id="mixed"),
    pytest.param("claim\u3000IT-1", id="full-width-space-between"),
    pytest.param("claim\xa0IT-1", id="nbsp-between"),
])
def test_dingtalk_and_client_whitespace_is_stripped(text: str) -> None:
    assert parse(text) == m.Claim("IT-1")


def test_whitespace_around_a_new_ticket() -> None:
    assert parse("\u3000 new P1 服务器宕机 \xa0") == m.Create("服务器宕机", priority=Priority.P1)


# -- errors --------------------------------------------------------------------------------

def usage(verb: str) -> tuple[str, dict[str, str]]:
    return "error.usage", {"verb": verb, "usage": USAGE[verb]}


def bad_key(verb: str, token: str) -> tuple[str, dict[str, str]]:
    return "error.bad_key", {"verb": verb, "token": token, "usage": USAGE[verb]}


def case(verb: str | None, text: str, expected: tuple[str, dict[str, object]], name: str) -> typing.Any:
    return pytest.param(verb, text, *expected, id=f"{verb or 'any'}-{name}")


ERRORS = [
    # anything
    case(None, "", ("error.empty", {}), "empty"),
    case(None, "   \n ", ("error.empty", {}), "blank"),
    case(None, "\u3000\xa0", ("error.empty", {}), "only-dingtalk-spaces"),
    case(None, "clam IT-1", ("error.unknown_command", {"word": "clam", "suggestion": "claim"}), "typo"),
    case(None, "trnasfer IT-1 @carol",
         ("error.unknown_command", {"word": "trnasfer", "suggestion": "transfer"}), "typo-transfer"),
    case(None, "assing IT-1 @bob", ("error.unknown_command", {"word": "assing", "suggestion": "assign"}),
         "typo-assign"),
    case(None, "Clam IT-1", ("error.unknown_command", {"word": "Clam", "suggestion": "claim"}),
         "typo-keeps-the-typed-word"),
    case(None, "领 IT-1", ("error.unknown_command", {"word": "领", "suggestion": "claim"}), "chinese-typo"),
    case(None, "xyzzy plugh", ("error.unknown_command", {"word": "xyzzy", "suggestion": None}), "gibberish"),
    case(None, "说明书 IT-1", ("error.unknown_command", {"word": "说明书", "suggestion": None}),
         "unknown-chinese"),
    case(None, "x" * 60, ("error.unknown_command", {"word": "x" * 40, "suggestion": None}), "word-truncated"),
    # new
    case("new", "new", usage("new"), "nothing"),
    case("new", "new P2", usage("new"), "priority-only"),
    case("new", "new P1 type:change category:network", usage("new"), "options-only"),
    case("new", "new type:bogus printer", ("error.bad_type", {"token": "bogus"}), "bad-type"),
    case("new", "新建 类型:不知道 打印机", ("error.bad_type", {"token": "不知道"}), "bad-chinese-type"),
    # claim
    case("claim", "claim", usage("claim"), "no-key"),
    case("claim", "领取", usage("claim"), "chinese-no-key"),
    case("claim", "claim IT-1 extra words", usage("claim"), "extra-words"),
    case("claim", "claim foo", bad_key("claim", "foo"), "not-a-key"),
    case("claim", "claim IT-1-2", bad_key("claim", "IT-1-2"), "double-dash"),
    case("claim", "claim IT-1234567890", bad_key("claim", "IT-1234567890"), "number-too-long"),
    case("claim", "claim " + "y" * 60, bad_key("claim", "y" * 40), "token-truncated"),
    # assign
    case("assign", "assign", usage("assign"), "nothing"),
    case("assign", "assign IT-1", usage("assign"), "no-mention"),
    case("assign", "assign IT-1 bob", usage("assign"), "name-without-at"),
    case("assign", "assign IT-1 @bob @carol", usage("assign"), "two-mentions"),
    case("assign", "assign IT-1 @bob on shift", usage("assign"), "reason-without-marker"),
    case("assign", "assign bob @bob", bad_key("assign", "bob"), "not-a-key"),
    # transfer
    case("transfer", "transfer", usage("transfer"), "nothing"),
    case("transfer", "transfer IT-1", usage("transfer"), "no-target"),
    case("transfer", "transfer IT-1 to", usage("transfer"), "to-nobody"),
    case("transfer", "转派 IT-1 给", usage("transfer"), "chinese-to-nobody"),
    case("transfer", "transfer IT-1 @bob@carol reason: x", usage("transfer"), "glued-mentions"),
    case("transfer", "transfer @carol reason: x", bad_key("transfer", "@carol"), "no-key"),
    # cc
    case("cc", "cc IT-1", usage("cc"), "no-mention"),
    case("cc", "抄送 IT-1", usage("cc"), "chinese-no-mention"),
    case("cc", "cc IT-1 erin frank", usage("cc"), "names-without-at"),
    case("cc", "cc @erin", bad_key("cc", "@erin"), "no-key"),
    # reply
    case("reply", "reply IT-1", usage("reply"), "no-text"),
    case("reply", "reply", usage("reply"), "nothing"),
    case("reply", "reply hello there", bad_key("reply", "hello"), "no-key"),
    # note
    case("note", "note IT-1", usage("note"), "no-text"),
    case("note", "备注 IT-1", usage("note"), "chinese-no-text"),
    # pend
    case("pend", "pend IT-1", usage("pend"), "no-reason"),
    case("pend", "等待", usage("pend"), "chinese-nothing"),
    # resume
    case("resume", "resume", usage("resume"), "no-key"),
    case("approve", "approve", usage("approve"), "approve-no-key"),
    case("approve", "批准 foo", bad_key("approve", "foo"), "approve-not-a-key"),
    case("reject", "reject IT-1", usage("reject"), "reject-no-reason"),
    case("resume", "resume foo", bad_key("resume", "foo"), "not-a-key"),
    # priority
    case("priority", "priority IT-1", usage("priority"), "no-priority"),
    case("priority", "priority IT-1 high", ("error.bad_priority", {"token": "high"}), "word"),
    case("priority", "priority IT-1 P0", ("error.bad_priority", {"token": "P0"}), "p0"),
    case("priority", "priority IT-1 P6 reason: x", ("error.bad_priority", {"token": "P6"}), "p6"),
    case("priority", "优先级 IT-1 高", ("error.bad_priority", {"token": "高"}), "chinese-word"),
    case("priority", "priority P1", bad_key("priority", "P1"), "no-key"),
    # resolve
    case("resolve", "resolve IT-1", usage("resolve"), "no-resolution"),
    case("resolve", "解决 IT-1", usage("resolve"), "chinese-no-resolution"),
    # reopen
    case("reopen", "reopen", usage("reopen"), "no-key"),
    case("reopen", "reopen x1", bad_key("reopen", "x1"), "not-a-key"),
    # close
    case("close", "close", usage("close"), "no-key"),
    case("close", "关闭 foo", bad_key("close", "foo"), "chinese-not-a-key"),
    # cancel
    case("cancel", "cancel", usage("cancel"), "no-key"),
    case("cancel", "cancel abc", bad_key("cancel", "abc"), "not-a-key"),
    # suspend
    case("suspend", "suspend IT-1", usage("suspend"), "no-reason"),
    case("suspend", "挂起 IT-1", usage("suspend"), "chinese-no-reason"),
    # urge
    case("urge", "urge", usage("urge"), "no-key"),
    case("urge", "催单 快点", bad_key("urge", "快点"), "chinese-not-a-key"),
    # link
    case("link", "link IT-1", usage("link"), "one-key"),
    case("link", "link IT-1 foo", usage("link"), "other-not-a-key"),
    case("link", "link IT-1 IT-2 IT-3", usage("link"), "three-keys"),
    case("link", "link foo IT-2", bad_key("link", "foo"), "first-not-a-key"),
    case("link", "link ABC-DEFG", bad_key("link", "ABC-DEFG"), "code-too-short"),
    case("unlink", "unlink", usage("unlink"), "no-messenger"),
    case("unlink", "unlink slack dingtalk", usage("unlink"), "two-messengers"),
    # merge
    case("merge", "merge IT-41", usage("merge"), "one-key"),
    case("merge", "merge IT-41 into", usage("merge"), "into-nothing"),
    case("merge", "merge IT-41 into foo", usage("merge"), "into-not-a-key"),
    case("merge", "merge IT-41 to IT-42 now", usage("merge"), "trailing-words"),
    # rate
    case("rate", "rate IT-1", usage("rate"), "no-score"),
    case("away", "away", usage("away"), "no-day"),
    case("back", "back me now", usage("back"), "extra-words"),
    case("route", "route", usage("route"), "no-text"),
    case("sla", "sla explain", usage("sla"), "explain-without-priority"),
    case("report", "report by colour", usage("report"), "report-unknown-breakdown"),
    case("export", "export team it", usage("export"), "export-without-period"),
    case("rate", "rate 5", usage("rate"), "score-alone-is-read-as-the-key"),
    case("rate", "rate IT-1 great", ("error.bad_rating", {"score": "great"}), "word"),
    case("rate", "评价 IT-1 五星", ("error.bad_rating", {"score": "五星"}), "chinese-word"),
    case("rate", "rate IT-1 -1", ("error.bad_rating", {"score": "-1"}), "negative"),
    # show
    case("show", "show", usage("show"), "no-key"),
    case("show", "show IT-1 please", usage("show"), "extra-words"),
    case("show", "查看 bar", bad_key("show", "bar"), "chinese-not-a-key"),
    # history
    case("history", "history", usage("history"), "no-key"),
    case("history", "history IT-1 IT-2", usage("history"), "two-keys"),
    # list
    case("list", "list team it network", usage("list"), "two-teams"),
    case("list", "list status", usage("list"), "status-without-statuses"),
    case("list", "list mine now", usage("list"), "scope-with-extra-word"),
    case("list", "list foo bar", usage("list"), "two-unknown-words"),
    # notification preferences
    case("mute", "mute", usage("mute"), "no-key"),
    case("mute", "mute IT-1 now", usage("mute"), "extra-words"),
    case("mute", "静音 foo", bad_key("mute", "foo"), "chinese-not-a-key"),
    case("unmute", "unmute", usage("unmute"), "no-key"),
    case("unmute", "unmute bar", bad_key("unmute", "bar"), "not-a-key"),
    case("notify", "notify", usage("notify"), "nothing"),
    case("notify", "notify maybe", usage("notify"), "not-a-mode"),
    case("notify", "notify yes", usage("notify"), "yes-is-not-a-mode"),
    case("quiet", "quiet", usage("quiet"), "nothing"),
    case("quiet", "quiet on", usage("quiet"), "on-without-hours"),
    case("quiet", "quiet 19-08", usage("quiet"), "hours-without-minutes"),
    case("quiet", "quiet 25:00-08:00", usage("quiet"), "no-such-hour"),
    case("quiet", "quiet 19:00-08:00 Asia/Shanghai extra", usage("quiet"), "extra-words"),
    case("language", "language", usage("language"), "nothing"),
    case("language", "language fr", usage("language"), "unsupported"),
    case("prefs", "prefs everything", usage("prefs"), "extra-words"),
    # help
    case("help", "help frobnicate", ("error.unknown_help", {"word": "frobnicate"}), "unknown-topic"),
    case("help", "help claim now", ("error.unknown_help", {"word": "claim now"}), "two-words"),
    case("help", "帮助 不存在", ("error.unknown_help", {"word": "不存在"}), "chinese-unknown-topic"),
    # --- schedules ---
    case("schedule", "schedule add every monday", usage("schedule"), "no-name"),
    case("schedule", 'schedule add "x" every monday 09:00 count:many',
         ("error.schedule_number", {"value": "many"}), "bad-count"),
    case("check", "check IT-42 first", usage("check"), "not-a-number"),
    case("asset", "asset show", usage("asset"), "asset-nothing"),
    case("asset", "asset show UPS-1 UPS-2", usage("asset"), "asset-two"),
    case("set", "set IT-42 risk", usage("set"), "no-value"),
    # --- kb ---
    case("kb", "kb", usage("kb"), "kb-nothing"),
    case("kb", "kb edit IT-3 -- x", ("kb.error.bad_article",
                                     {"token": "IT-3", "verb": "kb"}), "kb-edit-ticket"),
    case("kb", "kb save", usage("kb"), "kb-save-nothing"),
    case("kb", "kb edit KB-3", usage("kb"), "kb-edit-nothing"),
    case("solved", "solved by", usage("solved"), "solved-nothing"),
    case("solved", "solved by KB-3 KB-4", usage("solved"), "solved-two"),
]


@pytest.mark.parametrize(("verb", "text", "key", "params"), ERRORS)
def test_parse_errors(verb: str | None, text: str, key: str, params: dict[str, object]) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert caught.value.message_key == key
    assert caught.value.params == params


def test_every_verb_has_an_error_case() -> None:
    assert {param.values[0] for param in ERRORS} - {None} == set(USAGE)


def test_parse_error_is_invalid_input() -> None:
    assert issubclass(ParseError, InvalidInput)
    with pytest.raises(InvalidInput):
        parse("claim")


@pytest.mark.parametrize(("text", "expected"), [
    ("绑定我", m.LinkMe()), ("绑定KXMPRTWA", m.LinkCode("KXMPRTWA")),
    ("link KXMP–RTWA", m.LinkCode("KXMPRTWA"))])  # a phone's en dash
def test_link_codes_written_as_people_write_them(text: str, expected: m.Command) -> None:
    assert parse(text) == expected
