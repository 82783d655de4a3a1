"""Guided dialogues in progress (commands/dialogue.py), one row per person and conversation.

Every step reads its row under a lock and writes it back only if no other request took a step
in between (`step`), so two replicas given two messages at once take one answer each, in turn.
"""

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.messages import Mention
from commands.ports import DialogueState
from storage.models import DialogueRow
from workflows.kinds import Source


def _mentions_json(at_users: dict[str, Mention]) -> dict[str, list[str | None]]:
    """The people an adapter read from the typed text, as JSON: [platform, value, name]."""
    return {text: [m.platform.value if m.platform else None, m.value, m.name]
            for text, m in at_users.items()}


def _mentions(stored: dict[str, list[str | None]] | None) -> dict[str, Mention]:
    return {text: Mention(Source(p) if p else None, str(value), name)
            for text, (p, value, name) in (stored or {}).items()}


def _state(row: DialogueRow) -> DialogueState:
    return DialogueState(
        Source(row.platform), row.user, row.conversation, row.command, _mentions(row.at_users),
        row.key, [(str(n), str(v)) for n, v in row.answers or []], list(row.asking or []),
        row.step, row.expires_at)


def _where(state: DialogueState) -> tuple:  # type: ignore[type-arg]
    return (DialogueRow.platform == state.platform.value, DialogueRow.user == state.user,
            DialogueRow.conversation == state.conversation)


class SqlDialogues:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, platform: Source, user: str, conversation: str) -> DialogueState | None:
        row = (await self.session.execute(
            select(DialogueRow).where(
                DialogueRow.platform == platform.value, DialogueRow.user == user,
                DialogueRow.conversation == conversation)
            .with_for_update().execution_options(populate_existing=True))).scalar_one_or_none()
        return None if row is None else _state(row)

    async def start(self, state: DialogueState, now: datetime) -> None:
        await self.session.execute(delete(DialogueRow).where(*_where(state)))
        self.session.add(DialogueRow(
            platform=state.platform.value, user=state.user, conversation=state.conversation,
            command=state.command, at_users=_mentions_json(state.at_users), key=state.key,
            answers=[list(a) for a in state.answers], asking=state.asking, step=state.step,
            expires_at=state.expires_at, created_at=now))
        await self.session.flush()

    async def advance(self, state: DialogueState) -> bool:
        result = await self.session.execute(
            update(DialogueRow).where(*_where(state), DialogueRow.step == state.step - 1)
            .values(answers=[list(a) for a in state.answers], asking=state.asking,
                    step=state.step, expires_at=state.expires_at)
            .execution_options(synchronize_session=False))
        return bool(result.rowcount)

    async def end(self, state: DialogueState) -> bool:
        result = await self.session.execute(
            delete(DialogueRow).where(*_where(state), DialogueRow.step == state.step)
            .execution_options(synchronize_session=False))
        return bool(result.rowcount)
