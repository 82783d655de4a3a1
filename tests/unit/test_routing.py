"""Routing rules: what matches, in which order, and the reason each decision gives."""

import pytest

from bot.orgfile import load_org
from workflows.errors import InvalidInput
from workflows.kinds import TicketType
from workflows.organisation import Organisation, Queue, Team
from workflows.placement import Requested, place
from workflows.priority import Priority
from workflows.routing import Facts, Keyword, Match, Outcome, Rule, compile_pattern, first_match


def rule(name: str, team: str = "it", **match: object) -> Rule:
    if "keywords" in match:
        match["keywords"] = tuple(Keyword.of(k) for k in match["keywords"])  # type: ignore[union-attr]
    if "patterns" in match:
        match["patterns"] = tuple(compile_pattern(p) for p in match["patterns"])  # type: ignore[union-attr]
    return Rule(name, Match(**match), Outcome(team=team))  # type: ignore[arg-type]


@pytest.mark.parametrize(("keyword", "text", "matches"), [
    ("printer", "Printer jammed", True),
    ("printer", "all printers are offline", True),  # plural
    ("print", "printing fails", True),  # -ing
    ("lan", "language pack missing", False),  # whole words only
    ("lan", "LAN port dead", True),
    ("vpn", "ＶＰＮ断了", True),  # full-width letters, then Chinese
    ("wi-fi", "the Wi-Fi is slow", True),
    ("log in", "cannot log  in to Jira", True),  # any spacing
    ("网络", "办公室网络很慢", True),  # Chinese matches inside a sentence
    ("打印机", "打 印 机", False),
])
def test_keywords(keyword: str, text: str, matches: bool) -> None:
    assert (Match(keywords=(Keyword.of(keyword),)).test(Facts(text)) is not None) is matches


def test_a_keyword_in_the_description_says_where_it_was_found() -> None:
    hits = Match(keywords=(Keyword.of("toner"),)).test(Facts("Help", "out of toner on floor 2"))
    assert hits is not None and hits[0].describe() == 'keyword "toner" in the description'


def test_regular_expressions_are_case_insensitive() -> None:
    match = Match(patterns=(compile_pattern(r"\b\d{1,3}(\.\d{1,3}){3}\b"),
                            compile_pattern(r"ERR-\d+")))
    assert match.test(Facts("cannot reach 10.2.0.14")) is not None
    hits = match.test(Facts("Tool says err-42"))
    assert hits is not None and hits[0].describe() == r'regex "ERR-\d+" in the title'
    assert match.test(Facts("cannot reach the server")) is None


def test_every_criterion_of_a_rule_must_hold() -> None:
    match = Match(keywords=(Keyword.of("laptop"),), departments=frozenset({"finance"}),
                  types=frozenset({TicketType.SERVICE_REQUEST}))
    wanted = Facts("New laptop", department="Finance", type=TicketType.SERVICE_REQUEST)
    hits = match.test(wanted)
    assert hits is not None
    assert [h.describe() for h in hits] == [
        'keyword "laptop" in the title', 'department "Finance"', 'type "service_request"']
    assert match.test(Facts("New laptop", department="Sales",
                            type=TicketType.SERVICE_REQUEST)) is None
    assert match.test(Facts("New laptop", department="Finance")) is None  # an incident
    assert match.test(Facts("New phone", department="Finance",
                            type=TicketType.SERVICE_REQUEST)) is None


def test_channel_and_category_criteria() -> None:
    match = Match(channels=frozenset({"#netops"}), categories=frozenset({"network"}))
    assert match.test(Facts("x", channel="#NetOps", category="Network")) is not None
    assert match.test(Facts("x", channel="#general", category="network")) is None
    assert match.test(Facts("x", category="network")) is None  # written to the bot directly


def test_first_match_wins_and_counts_the_rules_tried() -> None:
    rules = (rule("vpn", "network", keywords=("vpn",)), rule("printer", keywords=("printer",)),
             rule("catch-all", "desk"))
    decision = first_match(rules, Facts("VPN printer down"))
    assert (decision.rule and decision.rule.name, decision.checked) == ("vpn", 1)
    decision = first_match(rules, Facts("Printer down"))
    assert (decision.rule and decision.rule.name, decision.checked) == ("printer", 2)
    decision = first_match(rules, Facts("Coffee machine"))
    assert decision.rule is not None and decision.because() == "it matches every ticket"
    assert first_match(rules[:2], Facts("Coffee machine")).rule is None


ORG = Organisation(
    teams={"it": Team("it", "IT", frozenset({"dave"}), frozenset({"bob"})),
           "network": Team("network", "Network", frozenset({"erin"}), frozenset({"frank"}))},
    queues={"IT": Queue("IT", "Help desk", "it"), "HR": Queue("HR", "People", "it")},
    routing=(Rule("vpn", Match(keywords=(Keyword.of("vpn"),)),
                  Outcome(team="network", category="vpn", priority=Priority.P2,
                          type=TicketType.INCIDENT, skills=frozenset({"vpn"}))),
             Rule("payroll", Match(keywords=(Keyword.of("payroll"), Keyword.of("工资"))),
                  Outcome(queue="HR", type=TicketType.SERVICE_REQUEST))),
    category_skills={"network": frozenset({"network"})},
)


def test_a_rule_fills_in_what_the_requester_did_not_say() -> None:
    placement = place(ORG, Requested("VPN down on floor 3"), None)
    assert (placement.queue, placement.team, placement.category, placement.priority,
            placement.skills) == ("IT", "network", "vpn", Priority.P2, frozenset({"vpn"}))
    assert placement.changes == {"team": ["it", "network"], "category": [None, "vpn"],
                                 "priority": ["P3", "P2"], "skills": [None, "vpn"]}
    assert placement.reason() == 'routed to network by rule vpn: keyword "vpn" in the title'


def test_what_the_requester_said_wins_over_the_rule() -> None:
    asked = Requested("VPN down", priority=Priority.P1, category="network",
                      type=TicketType.SERVICE_REQUEST)
    placement = place(ORG, asked, None)
    assert (placement.team, placement.priority, placement.category, placement.type) == (
        "network", Priority.P1, "network", TicketType.SERVICE_REQUEST)
    # The category the requester chose brings its own skills; the rule adds its own.
    assert placement.skills == {"vpn", "network"}
    assert placement.changes == {"team": ["it", "network"], "skills": ["network", "network, vpn"]}


def test_a_rule_may_choose_the_queue_and_the_team_follows_it() -> None:
    placement = place(ORG, Requested("工资条有误"), None)
    assert (placement.queue, placement.team, placement.type) == (
        "HR", "it", TicketType.SERVICE_REQUEST)
    assert placement.changes == {"queue": ["IT", "HR"], "type": ["incident", "service_request"]}
    assert placement.reason() == 'routed to it by rule payroll: keyword "工资" in the title'


def test_no_rule_no_reason_and_unknown_queues_are_refused() -> None:
    placement = place(ORG, Requested("Coffee machine"), None)
    assert (placement.team, placement.changes, placement.reason()) == ("it", {}, None)
    with pytest.raises(InvalidInput) as caught:
        place(ORG, Requested("x", queue="OPS"), None)
    assert caught.value.message_key == "error.unknown_queue"


@pytest.mark.parametrize(("title", "rule_name", "team"), [
    ("VPN down on floor 3", "vpn", "network"),
    ("AnyConnect keeps asking for my token", "vpn", "network"),
    ("Wifi drops in room 5", "network", "network"),
    ("cannot ping 10.20.1.7", "network", "network"),
    ("Forgot my password", "password", "it"),
    ("Account locked out after holiday", "password", "it"),
    ("Need access to the finance share", "account", "it"),
    ("Printer on floor 2 jams", "printer", "it"),
    ("Laptop battery weak", "laptop", "it"),
    ("Chair broken", "repair", "it"),
    ("远程接入用不了", "vpn", "network"),
    ("三楼网络断了", "network", "network"),
    ("会议室无线上不了网", "network", "network"),
    ("忘记密码，需要重置", "password", "it"),
    ("申请开通 Jira 权限", "account", "it"),
    ("打印机卡纸", "printer", "it"),
    ("笔记本蓝屏", "laptop", "it"),
    ("报修：空调不制冷", "repair", "it"),
    ("Coffee machine empty", None, "it"),
])
def test_the_shipped_rules_classify_common_requests(title: str, rule_name: str | None,
                                                    team: str) -> None:
    placement = place(load_org().org, Requested(title), None)
    assert (placement.decision.rule.name if placement.decision.rule else None) == rule_name
    assert placement.team == team


def test_the_shipped_netops_channel_sends_anything_to_network() -> None:
    placement = place(load_org().org, Requested("Something odd", channel="#netops"), None)
    assert placement.team == "network"
    assert placement.reason() == 'routed to network by rule netops-channel: channel "#netops"'
