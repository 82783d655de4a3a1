"""Verbs (English and Chinese aliases) and the usage line of each command."""

USAGE: dict[str, str] = {
    "new": "new [P1-P5] [type:incident|request|change|task] [category:X] [related:IT-4] "
           "<title> [-- description]",
    "claim": "claim <ticket>",
    "assign": "assign <ticket> [<ticket> ...] @person [reason: ...]   (several tickets at once: leads)",
    "transfer": "transfer <ticket> @person|<team> reason: <why>",
    "cc": "cc <ticket> @person [@person ...]",
    "reply": "reply <ticket> <text>",
    "note": "note <ticket> <text>",
    "pend": "pend <ticket> <reason>",
    "resume": "resume <ticket> [reason]",
    "priority": "priority <ticket> P1-P5 [reason]",
    "resolve": "resolve <ticket> <resolution>",
    "reopen": "reopen <ticket> [reason]",
    "close": "close <ticket> [reason]",
    "cancel": "cancel <ticket> [reason]",
    "suspend": "suspend <ticket> <reason>",
    "urge": "urge <ticket> [message]",
    "link": "link <ticket> <other ticket>   |   link me   |   link <code>",
    "unlink": "unlink <messenger>",
    "merge": "merge <duplicate ticket> into <ticket>",
    "rate": "rate <ticket> 1-5 [comment]",
    "show": "show <ticket>",
    "history": "history <ticket>",
    "list": "list [mine|requests|team [name]|triage [name]|overdue|at-risk|all|<status>] [type:<type>]",
    "route": 'route explain <ticket text>   e.g. route explain "VPN down on floor 3"',
    "away": "away [@person] until <Monday|tomorrow|2026-12-01|3d>   (a lead may set a member away)",
    "back": "back [@person]",
    "mute": "mute <ticket>",
    "unmute": "unmute <ticket>",
    "notify": "notify dm|channel|off",
    "quiet": "quiet <from>-<to> [time zone] | quiet off   e.g. quiet 19:00-08:00 Asia/Shanghai",
    "language": "language en|zh-CN",
    "prefs": "prefs",
    "sla": "sla <ticket> | sla explain P1-P5 [queue=IT] [type=incident] [category=X] [group=X] [all]",
    "report": "report [this month|last week|2026-11|2026-W47] [team <name>] [@person] "
              "[by category|agent|priority]",
    "export": "export 2026-11 [team <name>]",
    "help": "help [command]",
    "schedule": 'schedule add "<name>" <every …> HH:MM team:<team> [P1-P5] [calendar:X] '
                "[holiday:skip|next|previous] [count:N] [pause:N] [from:DATE] [until:DATE] "
                "[catchup:all|latest|none] [asset:<name>|assettype:<type>] | schedule list | "
                "schedule next [N] <name> | schedule pause|resume|remove <name>",
    "check": "check <ticket> <item number>",
    "asset": "asset show <name>",
    "set": "set <ticket> <field>=<value> …   e.g. set IT-4 risk=high window=2026-12-12",
    "kb": "kb <words> | kb KB-3 | kb new [internal] <title> -- <text> | kb save IT-42 [title] | "
          "kb edit KB-3 [title] [-- text] [public|internal] | kb retire KB-3 [reason] | "
          "kb history KB-3",
    "solved": "solved [IT-42] by KB-3",
    "approve": "approve <ticket> [comment]",
    "reject": "reject <ticket> <reason>",
}

VERBS: dict[str, str] = {
    **{verb: verb for verb in USAGE},
    "create": "new", "open": "new", "新建": "new", "提单": "new", "报修": "new", "新工单": "new",
    "take": "claim", "领取": "claim", "接单": "claim", "认领": "claim",
    "指派": "assign", "分配": "assign", "reassign": "assign", "改派": "assign",
    "forward": "transfer", "转派": "transfer", "转交": "transfer", "转": "transfer",
    "collab": "cc", "抄送": "cc", "协作": "cc",
    "comment": "reply", "回复": "reply", "评论": "reply",
    "internal": "note", "备注": "note", "内部备注": "note",
    "wait": "pend", "pending": "pend", "等待": "pend", "待定": "pend",
    "continue": "resume", "unpend": "resume", "恢复": "resume", "继续": "resume",
    "prio": "priority", "优先级": "priority",
    "solve": "resolve", "done": "resolve", "解决": "resolve", "完成": "resolve",
    "重开": "reopen", "重新打开": "reopen",
    "关闭": "close",
    "取消": "cancel", "撤销": "cancel",
    "hold": "suspend", "挂起": "suspend",
    "remind": "urge", "催": "urge", "催单": "urge", "催办": "urge",
    "关联": "link", "绑定": "link", "解绑": "unlink", "解除绑定": "unlink",
    "csat": "rate", "评价": "rate", "评分": "rate",
    "duplicate": "merge", "合并": "merge",
    "view": "show", "查看": "show", "详情": "show",
    "log": "history", "audit": "history", "历史": "history", "记录": "history",
    "ls": "list", "列表": "list", "查询": "list",
    "?": "help", "帮助": "help",
    "静音": "mute", "取消静音": "unmute", "通知": "notify", "免打扰": "quiet",
    "lang": "language", "语言": "language", "preferences": "prefs", "settings": "prefs",
    "设置": "prefs",
    "explain": "route", "路由": "route", "路由解释": "route", "分派说明": "route",
    "ooo": "away", "请假": "away", "休假": "away", "外出": "away", "不在": "away",
    "回来": "back", "销假": "back", "回来了": "back",
    "时效": "sla", "服务时效": "sla", "时限": "sla",
    "导出": "export", "exports": "export",
    "stats": "report", "reports": "report", "报表": "report", "统计": "report", "报告": "report",
    "schedules": "schedule", "计划": "schedule", "定期": "schedule", "巡检计划": "schedule",
    "tick": "check", "勾选": "check", "打勾": "check",
    "assets": "asset", "资产": "asset", "设备": "asset",
    "set": "set", "填写": "set",
    "knowledge": "kb", "faq": "kb", "知识库": "kb", "知识": "kb",
    "已解决": "solved", "自助解决": "solved",
    "批准": "approve", "同意": "approve", "通过": "approve", "审批通过": "approve",
    "驳回": "reject", "拒绝": "reject", "不同意": "reject",
}

# `kb <sub> …`; anything else after `kb` is a search.
KB_SUBCOMMANDS: dict[str, str] = {
    "new": "new", "add": "new", "write": "new", "新建": "new", "新增": "new", "写": "new",
    "save": "save", "保存": "save", "存": "save",
    "edit": "edit", "update": "edit", "编辑": "edit", "修改": "edit",
    "retire": "retire", "archive": "retire", "下线": "retire", "停用": "retire", "归档": "retire",
    "history": "history", "log": "history", "历史": "history",
    "show": "show", "view": "show", "查看": "show",
    "search": "search", "find": "search", "搜索": "search", "查找": "search",
}
KB_VISIBILITY: dict[str, str] = {"public": "public", "公开": "public",
                                 "internal": "internal", "内部": "internal"}

# `sla explain …` (试算: a dry run for a ticket opened now)
EXPLAIN_WORDS = frozenset({"explain", "dry-run", "simulate", "试算", "预估", "解释"})

LIST_SCOPES: dict[str, str] = {
    "mine": "mine", "me": "mine", "assigned": "mine", "我的": "mine",
    "requests": "requests", "request": "requests", "reported": "requests", "我提交的": "requests",
    "我的请求": "requests",
    "team": "team", "queue": "team", "团队": "team", "队列": "team",
    "overdue": "overdue", "late": "overdue", "超时": "overdue", "逾期": "overdue",
    # past an SLA warning, not yet breached
    "at-risk": "at_risk", "atrisk": "at_risk", "risk": "at_risk", "warned": "at_risk",
    "风险": "at_risk", "预警": "at_risk", "即将超时": "at_risk",
    "all": "all", "open": "all", "全部": "all",
    "status": "status", "状态": "status",
    "triage": "triage", "unassigned": "triage", "待分配": "triage", "未指派": "triage",
}

# `report by …` / `报表 按分类`: which breakdown follows the figures.
REPORT_BREAKDOWNS: dict[str, str] = {
    "category": "category", "categories": "category", "分类": "category", "类别": "category",
    "agent": "agent", "agents": "agent", "person": "agent", "处理人": "agent", "人员": "agent",
    "priority": "priority", "priorities": "priority", "优先级": "priority",
}
