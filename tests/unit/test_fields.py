"""A ticket type's own fields: values typed by people are read by kind, refused with what the
field takes, and the organisation file's `fields:` and `template:` are checked with file:line."""

from datetime import UTC
from pathlib import Path

import pytest

from bot.orgfile import OrgFileError, load_org
from commands import messages as m
from commands.grammar import Grammar
from commands.tokens import ParseError
from notifications.text import Catalog
from workflows.errors import InvalidInput
from workflows.fields import (
    FieldDef,
    FieldKind,
    Form,
    changes,
    fill,
    missing_required,
    parse_value,
    read_values,
    with_defaults,
)
from workflows.kinds import Source, TicketType

RISK = FieldDef("risk", FieldKind.CHOICE, {"en": "Risk", "zh-CN": "风险"}, required=True,
                choices=("low", "medium", "high"))
FORM = Form((RISK, FieldDef("window", FieldKind.DATE), FieldDef("hosts", FieldKind.NUMBER),
             FieldDef("apps", FieldKind.MULTI_CHOICE, choices=("erp", "crm", "mail")),
             FieldDef("owner", FieldKind.PERSON), FieldDef("outage", FieldKind.YES_NO,
                                                           default=False)))


@pytest.mark.parametrize(("field", "typed", "value"), [
    (RISK, "HIGH", "high"),
    (FieldDef("window", FieldKind.DATE), "2026-12-12", "2026-12-12"),
    (FieldDef("n", FieldKind.NUMBER), "1,200", 1200),
    (FieldDef("n", FieldKind.NUMBER), "2.5", 2.5),
    (FORM.fields[3], "crm，erp, crm", ["crm", "erp"]),
    (FieldDef("owner", FieldKind.PERSON), "@alice", "alice"),
    (FieldDef("ok", FieldKind.YES_NO), "是", True),
    (FieldDef("ok", FieldKind.YES_NO), "no", False),
    (FieldDef("why", FieldKind.LONG_TEXT), "  because  ", "because"),
])
def test_a_typed_value_is_read_by_the_fields_kind(field: FieldDef, typed: str, value) -> None:  # type: ignore[no-untyped-def]
    assert parse_value(field, typed) == value


@pytest.mark.parametrize(("field", "typed"), [
    (RISK, "extreme"), (FieldDef("w", FieldKind.DATE), "12/12/2026"),
    (FieldDef("n", FieldKind.NUMBER), "many"), (FieldDef("n", FieldKind.NUMBER), "nan"),
    (FieldDef("ok", FieldKind.YES_NO), "maybe"), (FieldDef("p", FieldKind.PERSON), "a b!"),
    (FieldDef("t", FieldKind.TEXT), "   "),
])
def test_a_wrong_value_is_refused(field: FieldDef, typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_value(field, typed)
    assert caught.value.message_key == "error.field_value"


def test_the_refusal_says_what_the_field_takes_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_value(RISK, "extreme")
    en = Catalog("en", UTC).text(caught.value.message_key, **caught.value.params)
    zh = Catalog("zh-CN", UTC).text(caught.value.message_key, **caught.value.params)
    assert en == "risk must be one of low, medium, high (not “extreme”)."
    assert zh == "risk 须为以下之一：low、medium、high（而不是“extreme”）。"


def test_an_unknown_field_is_refused_with_the_fields_there_are() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_values(FORM, [("colour", "red")])
    assert Catalog("en", UTC).text(caught.value.message_key, **caught.value.params) == (
        "colour is not a field of this ticket type; its fields are risk, window, hosts, apps, "
        "owner, outage.")


def test_defaults_fill_in_and_required_fields_are_missing_until_given() -> None:
    values = with_defaults(FORM, read_values(FORM, [("window", "2026-12-12")]))
    assert values == {"outage": False, "window": "2026-12-12"}
    assert [f.name for f in missing_required(FORM, values)] == ["risk"]
    assert [f.name for f in missing_required(FORM, values, also=("owner",))] == ["risk", "owner"]
    assert missing_required(FORM, {**values, "risk": "low"}) == []


def test_templates_fill_in_and_changes_name_each_field() -> None:
    assert fill("[Change] {title} ({risk})", {"title": "Core switch", "risk": "high"}) == (
        "[Change] Core switch (high)")
    assert fill("Apps: {apps}; outage: {outage}", {"apps": ["erp", "crm"]}) == "Apps: erp, crm; outage: "
    assert changes({"risk": "low"}, {"risk": "high", "window": "2026-12-12"}) == {
        "field:risk": ["low", "high"], "field:window": [None, "2026-12-12"]}


@pytest.mark.parametrize(("text", "fields", "title"), [
    ("new type:change risk=high window=2026-12-12 Upgrade the core switch",
     (("risk", "high"), ("window", "2026-12-12")), "Upgrade the core switch"),
    ('new type:change rollback_plan="restore the saved config" P2 Upgrade',
     (("rollback_plan", "restore the saved config"),), "Upgrade"),
    ("new risk=“very high” 换交换机", (("risk", "very high"),), "换交换机"),
    ("new Printer jam risk=high", (), "Printer jam risk=high"),  # only before the title
])
def test_new_takes_fields_inline_before_the_title(text: str, fields, title: str) -> None:  # type: ignore[no-untyped-def]
    command = Grammar("IT").parse(text)
    assert isinstance(command, m.Create)
    assert command.fields == fields
    assert command.title == title


@pytest.mark.parametrize(("text", "key"), [
    ('new rollback_plan="never closed Upgrade', "error.field_quote"),
    ("new risk= Upgrade", "error.field_empty"),
])
def test_a_broken_inline_field_is_a_friendly_error(text: str, key: str) -> None:
    with pytest.raises(ParseError) as caught:
        Grammar("IT").parse(text)
    assert caught.value.message_key == key


BASE = """\
default_queue: IT
people:
  - {handle: alice, name: Alice}
teams:
  - {key: it, name: IT Support, leads: [alice], members: [alice]}
queues:
  - {key: IT, name: Help desk, default_team: it}
workflows:
  - name: cab
    base: change
    types: [change_request]
    transitions:
      - {action: resolve, from: [in_progress], to: resolved, who: [assignee], requires: [risk]}
"""


def load(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return load_org(path)


def test_the_file_gives_a_type_its_fields_and_template(tmp_path: Path) -> None:
    loaded = load(tmp_path, BASE + """\
    fields:
      - {name: risk, kind: choice, choices: [low, high], default: low, required: true,
         card: true, label: {en: Risk, zh-CN: 风险}}
    template: {title: "[Change] {title}", description: "Risk: {risk}"}
""")
    form = loaded.org.form_for(TicketType.CHANGE_REQUEST)
    assert form.fields == (FieldDef("risk", FieldKind.CHOICE, {"en": "Risk", "zh-CN": "风险"},
                                    True, "low", True, ("low", "high")),)
    assert (form.title_template, form.description_template) == ("[Change] {title}", "Risk: {risk}")
    assert loaded.org.form_for(TicketType.INCIDENT).fields == ()


def test_every_mistake_in_fields_and_templates_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(OrgFileError) as caught:
        load(tmp_path, BASE + """\
    fields:
      - {name: risk, kind: choice, label: {en: Risk}}
      - {name: when, kind: moment, label: {en: When, zh-CN: 时间}}
      - {name: hosts, kind: number, default: many, label: {en: Hosts, zh-CN: 主机}}
      - {name: hosts, label: {en: Hosts, zh-CN: 主机}}
    template: {title: "[Change] {title} {owner}", description: "Risk: {risk"}
""")
    text = "\n".join(caught.value.problems)
    assert ("org.yaml:15: workflows[0].fields[0].choices: field 'risk' is a choice and needs "
            "its choices") in text
    assert "'moment' is not a kind of field" in text
    assert "workflows[0].fields[2].default: the default 'many' is not a number value" in text
    assert "field 'hosts' is declared twice" in text
    assert "the template uses field 'owner', which is not defined" in text
    assert "the template has an unmatched { or }" in text


def test_card_fields_travel_in_the_snapshot_to_slack_and_dingtalk() -> None:
    import json
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.dingtalk.cards import markdown_card
    from bot.slack.cards import ticket_card
    from commands.notify import card_snapshot
    from notifications.catalogs import Catalogs
    from workflows.people import Person
    from workflows.priority import Priority
    from workflows.status import Status
    from workflows.ticket import Ticket

    org = load_org().org  # the sample: a change request's risk and window show on its card
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ticket = Ticket(key="IT-7", queue="IT", number=7, title="Upgrade the core switch",
                    description="-", type=TicketType.CHANGE_REQUEST, priority=Priority.P3,
                    status=Status.NEW, requester=Person(1, "alice", "Alice"), team="it",
                    source=Source.CONSOLE, created_at=now, updated_at=now,
                    fields={"risk": "high", "rollback_plan": "restore *it*"})
    card = json.loads(json.dumps(card_snapshot(ticket, org)))
    assert card["fields"] == [{"name": "risk", "labels": {"en": "Risk", "zh-CN": "风险"},
                               "value": "high", "card": True}]
    catalogs = Catalogs(ZoneInfo("Asia/Shanghai"))
    blocks = json.dumps([b.to_dict() for b in ticket_card(card, catalogs.get("en", "slack"))],
                        ensure_ascii=False)
    assert "*Risk*\\nhigh" in blocks and "restore" not in blocks
    assert "**风险**：high" in markdown_card(card, catalogs.get("zh-CN", "dingtalk"))


def test_every_kind_gets_a_valid_slack_input() -> None:
    from zoneinfo import ZoneInfo

    from bot.slack.modals import field_block
    from notifications.catalogs import Catalogs
    from tests.e2e.slack_stack import assert_valid_blocks

    catalog = Catalogs(ZoneInfo("UTC")).get("zh-CN", "slack")
    kinds = {f.name: f for f in FORM.fields} | {
        "notes": FieldDef("notes", FieldKind.LONG_TEXT, {"zh-CN": "备注"}, default="无")}
    blocks = [field_block(f, catalog).to_dict() for f in kinds.values()]
    assert_valid_blocks(blocks)
    elements = {b["block_id"]: b["element"]["type"] for b in blocks}
    assert elements == {"field:risk": "static_select", "field:window": "datepicker",
                        "field:hosts": "number_input", "field:apps": "multi_static_select",
                        "field:owner": "users_select", "field:outage": "radio_buttons",
                        "field:notes": "plain_text_input"}
    outage = blocks[5]["element"]
    assert [o["text"]["text"] for o in outage["options"]] == ["是", "否"]
    assert outage["initial_option"]["value"] == "no"  # the default
    assert blocks[0]["label"]["text"] == "风险" and blocks[0]["optional"] is False
    assert blocks[6]["element"]["initial_value"] == "无"
