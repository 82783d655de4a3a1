"""The asker's own language preference rides on every answer, read with the request's look-up
(no statement of its own), and as it stands after the command: an adapter renders the answer
in it without asking the database again."""

from sqlalchemy import event

from bot.bootstrap import App
from tests.support.chat import Chat


async def test_the_answer_carries_the_askers_language_as_of_after_the_command(
        app: App, chat: Chat) -> None:
    alice = chat.user("alice")
    assert (await alice.says("help")).answer.language == ""  # none chosen
    changed = await alice.says("language zh-CN")
    assert changed.answer.ok and changed.answer.language == "zh-CN"  # the new one already
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(app.engine.sync_engine, "before_cursor_execute", seen)
    try:
        refused = await alice.says("claim IT-999")
    finally:
        event.remove(app.engine.sync_engine, "before_cursor_execute", seen)
    assert not refused.answer.ok and refused.answer.language == "zh-CN"  # refusals too
    assert not [s for s in statements if "preferences" in s and "people" not in s]
