"""The guided dialogue (引导式对话): a `new …` or a transition that lacks required fields asks for
them one at a time in the chat, then runs as typed with the answers, in one transaction.

Transport-free: the dispatcher feeds it text on the platforms that have no forms (console,
DingTalk, Feishu) and the adapters render the answers it returns like any other.

- The state is a `dialogues` row per person and conversation (storage/dialogues.py), so every
  replica continues it; each answer moves it one `step`, and the last one deletes it inside the
  original command's transaction, so the ticket is made once even if two replicas race.
- Each answer is read by its field's kind (workflows/fields.py `parse_value`); a bad one is
  asked again with the reason and changes nothing.
- `cancel` / `取消` ends it: nothing is created or changed.
- A dialogue left alone expires (`EXPIRY` after its last answer); the next message is then
  read as a command, as if there had been none. Retention deletes expired rows.
- A dialogue about a confidential ticket (its queue or team is; a `new` filed to a confidential
  queue) started in a group is asked in the person's direct chat with the bot instead: the
  question is private, and the answers are read from the direct chat (`DIRECT`, the one
  conversation adapters name a direct chat), so the group never hears of the ticket.
- Another command typed instead of an answer is run, and ends the dialogue, when the field
  asked is not free text and the message is not a value of its kind but reads as a command
  (`list mine` while asked a risk). For a text field every message is the answer.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from commands import messages as m
from commands.answer import Answer
from commands.grammar import Grammar
from commands.ports import Clock, DialogueState, Duplicate, UnitOfWork, UnitOfWorkFactory
from workflows.confidential import is_confidential, ticket_is_confidential
from workflows.errors import DomainError, InvalidInput
from workflows.fields import FieldDef, FieldKind, parse_value
from workflows.organisation import Organisation

EXPIRY = timedelta(minutes=15)
DIRECT = ""  # the conversation of a person's direct chat with the bot, on every messenger
CANCEL_WORDS = frozenset({"cancel", "取消", "/cancel", "stop", "算了"})
_FREE_TEXT = (FieldKind.TEXT, FieldKind.LONG_TEXT)

Prelude = Callable[[UnitOfWork], Awaitable[None]]
Execute = Callable[[m.Identity, m.Command, str | None, str | None, Prelude | None],
                   Awaitable[Answer]]
Shape = Callable[[m.Command], m.Command]


def _field(spec: Mapping[str, Any]) -> FieldDef:
    return FieldDef(str(spec["name"]), FieldKind(spec.get("kind") or "text"),
                    dict(spec.get("labels") or {}), choices=tuple(spec.get("choices") or ()))


def _spec(f: FieldDef) -> dict[str, Any]:
    return {"name": f.name, "labels": dict(f.labels), "kind": f.kind.value,
            "choices": list(f.choices)}


def _question(state: DialogueState, first: bool) -> Answer:
    return Answer("dialogue.ask", {
        "field": state.asking[0], "first": first, "total": len(state.asking),
        "key": state.key, "action": state.asking[0].get("action")}, public=True, ok=True)


class Dialogues:
    def __init__(self, uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                 grammar: Grammar, execute: Execute, expiry: timedelta = EXPIRY) -> None:
        self.uow, self.org, self.clock, self.grammar = uow, org, clock, grammar
        self.execute, self.expiry = execute, expiry

    async def handle(self, who: m.Identity, text: str, at_users: Mapping[str, m.Mention] | None,
                     dedup_key: str | None, origin: str | None, conversation: str,
                     shape: Shape | None) -> Answer:
        at_users = dict(at_users or {})
        now = self.clock.now()
        async with self.uow() as uow:
            state = await uow.dialogues.get(who.platform, who.user_id, conversation)
            if state is not None and state.expires_at <= now:
                await uow.dialogues.end(state)  # expired: this message is a command of its own
                await uow.commit()
                state = None
            if state is not None:
                if dedup_key is not None and await uow.inbound.seen(who.platform, dedup_key):
                    return Answer("duplicate", {}, public=False, ok=True, duplicate=True)
                outcome = await self._answer(uow, state, text, at_users, dedup_key)
                if isinstance(outcome, Answer):
                    return outcome
                state, command = outcome
        if state is not None:
            if command is not None:  # another command instead of an answer: the dialogue ended
                return await self.execute(who, _shaped(command, shape), dedup_key, origin, None)
            return await self._finish(who, state, dedup_key, origin, shape)
        command = self.grammar.parse(text, at_users)  # a refusal: the dispatcher says it
        answer = await self.execute(who, _shaped(command, shape), dedup_key, origin, None)
        missing = await self._missing(answer)
        if missing is None:
            return answer
        key, asking, secret = missing
        if isinstance(command, m.Create) or key is not None:
            secret = secret or (isinstance(command, m.Create) and is_confidential(
                self.org, command.queue or self.org.default_queue, None))
            for spec in asking:  # what the questions say they are for ("To resolve IT-4 …")
                spec["action"] = answer.params.get("action")
            state = DialogueState(who.platform, who.user_id, DIRECT if secret else conversation,
                                  text, at_users, key, [], asking, 0, now + self.expiry)
            async with self.uow() as uow:
                await uow.dialogues.start(state, now)
                await uow.commit()
            question = _question(state, first=True)
            return replace(question, public=False) if secret else question
        return answer

    async def _missing(self, answer: Answer
                       ) -> tuple[str | None, list[dict[str, Any]], bool] | None:
        """The fields a refusal says are missing, as the questions to ask, and whether the
        ticket they are for is confidential; None otherwise."""
        if answer.key == "error.fields_missing":
            return None, [_spec(_field(f)) for f in answer.params.get("fields") or []], False
        if answer.key != "error.transition_needs_fields":
            return None
        key = str(answer.params.get("key") or "")
        async with self.uow() as uow:
            ticket = await uow.tickets.get(key)  # the refusal came after the person saw it
        form = self.org.form_for(ticket.kind)
        defs = [form.get(name) for name in answer.params.get("fields") or []]
        asking = [_spec(f) for f in defs if f is not None]
        return (key, asking, ticket_is_confidential(self.org, ticket)) if asking else None

    async def _answer(self, uow: UnitOfWork, state: DialogueState, text: str,
                      at_users: dict[str, m.Mention], dedup_key: str | None
                      ) -> Answer | tuple[DialogueState, m.Command | None]:
        """Take one message as the answer to the question asked: the next question, a
        re-asked one, the end of the dialogue, or (state, command) for the caller to run."""
        if text.strip().casefold() in CANCEL_WORDS:
            await uow.dialogues.end(state)
            await uow.commit()
            return Answer("dialogue.cancelled", {"key": state.key}, public=True, ok=True)
        f = _field(state.asking[0])
        try:
            parse_value(f, text)
        except InvalidInput as error:
            if f.kind not in _FREE_TEXT:
                try:
                    command = self.grammar.parse(text, at_users)
                except DomainError:
                    command = None
                if command is not None:
                    await uow.dialogues.end(state)
                    await uow.commit()
                    return state, command
            return Answer("dialogue.reask", {
                "reason_key": error.message_key, "reason": dict(error.params),
                "question": _question(state, first=False).params}, public=True, ok=True)
        now = self.clock.now()
        state.answers.append((f.name, text.strip()))
        state.asking = state.asking[1:]
        state.step += 1
        state.expires_at = now + self.expiry
        if not state.asking:
            return state, None  # the caller runs the command, ending the dialogue inside it
        if not await uow.dialogues.advance(state):
            return Answer("duplicate", {}, public=False, ok=True, duplicate=True)
        if dedup_key is not None:
            await uow.inbound.remember(state.platform, dedup_key, now)
        await uow.commit()
        return _question(state, first=False)

    async def _finish(self, who: m.Identity, state: DialogueState, dedup_key: str | None,
                      origin: str | None, shape: Shape | None) -> Answer:
        """The command as first typed, with the answers, in one transaction that also ends
        the dialogue (a replica that ended it first makes this one a duplicate)."""
        typed = self.grammar.parse(state.command, state.at_users)
        answers = tuple(state.answers)
        command: m.Command
        if isinstance(typed, m.Create):
            command = replace(typed, fields=typed.fields + answers)
        else:
            command = m.WithFields(state.key or "", answers, typed)
        ending = replace(state, step=state.step - 1)

        async def end(uow: UnitOfWork) -> None:
            if not await uow.dialogues.end(ending):
                raise Duplicate(dedup_key or "dialogue")

        answer = await self.execute(who, _shaped(command, shape), dedup_key, origin, end)
        if not answer.ok and not answer.duplicate:
            async with self.uow() as uow:  # refused for another reason: said, and over
                await uow.dialogues.end(ending)
                await uow.commit()
        return answer


def _shaped(command: m.Command, shape: Shape | None) -> m.Command:
    return shape(command) if shape is not None else command
