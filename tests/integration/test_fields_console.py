"""A change request's own fields in the console: typed inline in `new`, refused with what the
field takes (nothing saved), defaulted, stored on the ticket row, shown on the card (`card:
true`), in `show` and in the history."""

from pathlib import Path

from sqlalchemy import func, select

from bot.bootstrap import App, build_app
from bot.orgfile import SAMPLE
from bot.settings import Settings
from storage.models import TicketRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def rows(app: App) -> int:
    async with app.engine.connect() as connection:
        return (await connection.execute(select(func.count()).select_from(TicketRow))).scalar_one()


async def fields_of(app: App, key: str) -> dict | None:  # type: ignore[type-arg]
    async with app.engine.connect() as connection:
        return (await connection.execute(
            select(TicketRow.fields).where(TicketRow.key == key))).scalar_one()


async def test_fields_typed_inline_are_stored_and_shown(chat: Chat, app: App) -> None:
    created = await chat.user("alice").says(
        'new type:change risk=high window=2026-12-12 rollback_plan="restore the saved config" '
        "Upgrade the core switch")
    assert created.ok, created.text
    key = created.answer.ticket.key
    assert created.answer.ticket.title == "Upgrade the core switch"
    assert await fields_of(app, key) == {"risk": "high", "window": "2026-12-12",
                                          "rollback_plan": "restore the saved config"}
    assert "│ Risk: high" in created.card and "│ Change window: 2026-12-12" in created.card
    assert "Rollback plan" not in created.card  # not a card field

    shown = await chat.user("bob").says(f"show {key}")
    assert "│ Risk: high" in shown.card
    assert shown.text.splitlines()[0] == "Rollback plan: restore the saved config"

    zh = Chat(app, "zh-CN")
    assert (await zh.user("erin").says("language zh-CN")).ok
    zh_shown = await zh.user("erin").says(f"show {key}")
    assert "│ 风险：high" in zh_shown.card and "│ 变更窗口：2026-12-12" in zh_shown.card
    assert zh_shown.text.splitlines()[0] == "回退方案：restore the saved config"

    history = (await chat.user("bob").says(f"history {key}")).text
    assert " · risk: high · window: 2026-12-12 · rollback_plan: restore the saved config" in history



async def test_a_default_fills_in_and_other_types_have_no_fields(chat: Chat, app: App) -> None:
    created = await chat.user("alice").says("new type:change Replace the core router")
    assert created.ok, created.text
    assert await fields_of(app, created.answer.ticket.key) == {"risk": "medium"}
    assert "│ Risk: medium" in created.card
    plain = await chat.user("alice").says("new Monitor flickers")
    assert await fields_of(app, plain.answer.ticket.key) is None


async def test_bad_field_values_are_refused_and_nothing_is_saved(chat: Chat, app: App) -> None:
    before = await rows(app)
    wrong = await chat.user("alice").says("new type:change risk=extreme Upgrade the core switch")
    assert not wrong.ok
    assert wrong.text == "risk must be one of low, medium, high (not “extreme”)."
    date = await chat.user("alice").says("new type:change window=12/12 Upgrade the core switch")
    assert date.text == "window must be a date such as 2026-12-12 (not “12/12”)."
    unknown = await chat.user("alice").says("new colour=red Monitor flickers")
    assert unknown.text == ("colour is not a field of this ticket type, which has no fields of "
                            "its own.")
    quote = await chat.user("alice").says('new type:change rollback_plan="never closed Upgrade')
    assert not quote.ok and "rollback_plan" in quote.text
    zh = Chat(app, "zh-CN")
    assert (await zh.user("alice").says("language zh-CN")).ok
    zh_wrong = await zh.user("alice").says("新建 类型:变更 risk=extreme 升级核心交换机")
    assert zh_wrong.text == "risk 须为以下之一：low、medium、high（而不是“extreme”）。"
    assert await rows(app) == before


def org_needing_a_plan(tmp_path: Path) -> Path:
    """The sample, with a change's resolve requiring its rollback plan."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "requires: [resolution]}", "requires: [resolution, rollback_plan]}")
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_set_changes_fields_and_a_transition_waits_for_what_it_requires(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    app = await build_app(Settings(_env_file=None, database_url=database_url,
                                   org_file=org_needing_a_plan(tmp_path), locale="en",
                                   timezone="UTC"), clock=clock)
    try:
        chat = Chat(app)
        key = (await chat.user("alice").says("new type:change Upgrade the core switch")
               ).answer.ticket.key
        assert (await chat.user("bob").says(f"claim {key}")).ok
        # The console asks for what is missing (commands/dialogue.py); cancelled, nothing moves.
        asked = await chat.user("bob").says(f"resolve {key} switch upgraded")
        assert asked.text == (f"To resolve {key} I need 1 more answer (type `cancel` to stop).\n"
                              "Rollback plan? (some text)")
        assert (await chat.user("bob").says("cancel")).text == f"Cancelled: {key} was not changed."
        assert "Resolved" not in (await chat.user("bob").says(f"show {key}")).card

        outsider = await chat.user("frank").says(f"set {key} risk=low")
        assert not outsider.ok and outsider.text.startswith("Only the people on")
        bad = await chat.user("bob").says(f"set {key} risk=extreme")
        assert bad.text == "risk must be one of low, medium, high (not “extreme”)."
        assert await fields_of(app, key) == {"risk": "medium"}

        done = await chat.user("bob").says(f'set {key} risk=high rollback_plan="restore it"')
        assert done.text == f"{key}: risk, rollback_plan are set."
        assert "│ Risk: high" in done.card
        assert await fields_of(app, key) == {"risk": "high", "rollback_plan": "restore it"}
        same = await chat.user("bob").says(f"set {key} risk=high")
        assert same.text == f"{key} already has those values: nothing changed."

        resolved = await chat.user("bob").says(f"resolve {key} switch upgraded")
        assert resolved.ok, resolved.text
        history = (await chat.user("bob").says(f"history {key}")).text
        assert "Bob  Fields changed · risk: medium → high · rollback_plan: — → restore it" in history
        assert history.count("Fields changed") == 1  # the unchanged `set` wrote nothing
    finally:
        await app.aclose()


async def test_a_types_template_shapes_the_title_and_fills_an_empty_description(
        database_url: str, tmp_path: Path, clock: FakeClock) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "    fields:\n      - {name: risk,",
        '    template: {title: "[Change] {title}", description: "Risk: {risk}. Rollback: '
        '{rollback_plan}"}\n    fields:\n      - {name: risk,', 1)
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=path,
                                   locale="en", timezone="UTC"), clock=clock)
    try:
        chat = Chat(app)
        made = (await chat.user("alice").says("new type:change risk=high Core switch")).answer
        assert (made.ticket.title, made.ticket.description) == (
            "[Change] Core switch", "Risk: high. Rollback:")
        own = (await chat.user("alice").says("new type:change Router -- on Saturday")).answer
        assert (own.ticket.title, own.ticket.description) == ("[Change] Router", "on Saturday")
        plain = (await chat.user("alice").says("new Monitor flickers")).answer
        assert plain.ticket.title == "Monitor flickers"
    finally:
        await app.aclose()
