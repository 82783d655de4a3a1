"""The Dispatcher as the adapters use it: every command counted by type and outcome, and the
ticket it concerned put into the log context."""

import re

from bot import logs
from bot.metrics import ACTIONS
from commands import messages as m
from commands.answer import Answer
from commands.dialogue import Prelude
from commands.dispatcher import Dispatcher

_WORD = re.compile(r"(?<!^)(?=[A-Z])")


def action_name(command: m.Command) -> str:
    return _WORD.sub("_", type(command).__name__).lower()  # SetPreferences -> set_preferences


class ObservedDispatcher(Dispatcher):
    async def execute(self, who: m.Identity, command: m.Command,
                      dedup_key: str | None = None, origin: str | None = None,
                      prelude: Prelude | None = None) -> Answer:
        key = getattr(command, "key", None)
        if isinstance(key, str) and key:
            logs.ticket_id.set(key)
        answer = await super().execute(who, command, dedup_key, origin, prelude)
        if answer.ticket is not None:
            logs.ticket_id.set(answer.ticket.key)
        outcome = "duplicate" if answer.duplicate else "ok" if answer.ok else "refused"
        ACTIONS.labels(action=action_name(command), outcome=outcome).inc()
        return answer
