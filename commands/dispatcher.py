"""Text or command in, Answer out: parse, identify the user, run the use case, map errors."""

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from types import TracebackType
from typing import Any

from commands import messages as m
from commands.actions import (
    approvals,
    assets,
    away,
    checklist,
    claim,
    collaborate,
    comment,
    create,
    export,
    fields,
    finish,
    handover,
    help,
    identity_links,
    kb,
    listing,
    preferences,
    priority,
    read,
    relate,
    report,
    route,
    schedules,
    search,
    sla,
    urge,
    waiting,
)
from commands.answer import Answer
from commands.context import Context
from commands.dialogue import Dialogues, Prelude, Shape
from commands.grammar import Grammar
from commands.notify import NotifyConfig
from commands.people import identify, zone_of
from commands.ports import Clock, Duplicate, StorageUnavailable, UnitOfWork, UnitOfWorkFactory
from commands.visibility import kept_private
from workflows.errors import Conflict, DomainError, InvalidInput, NotAllowed, NotFound
from workflows.organisation import Organisation

log = logging.getLogger(__name__)

Handler = Callable[[Any, Context], Awaitable[Answer]]

HANDLERS: dict[type, Handler] = {
    m.Create: create.create,
    m.Claim: claim.claim,
    m.Assign: handover.assign,
    m.BulkAssign: handover.bulk_assign,
    m.Transfer: handover.transfer,
    m.AddCollaborators: collaborate.add_collaborators,
    m.Reply: comment.reply,
    m.Note: comment.note,
    m.Pend: waiting.pend,
    m.Resume: waiting.resume,
    m.Suspend: waiting.suspend,
    m.SetPriority: priority.set_priority,
    m.Resolve: finish.resolve,
    m.Reopen: finish.reopen,
    m.Close: finish.close,
    m.Cancel: finish.cancel,
    m.Rate: finish.rate,
    m.Urge: urge.urge,
    m.Link: relate.link,
    m.LinkMe: identity_links.link_me,
    m.LinkCode: identity_links.link_code,
    m.Unlink: identity_links.unlink,
    m.Merge: relate.merge,
    m.Show: read.show,
    m.SetFields: fields.set_fields,
    m.History: read.history,
    m.May: read.may,
    m.ListTickets: listing.list_tickets,
    m.SearchTickets: search.search,
    m.Mute: preferences.mute,
    m.SetPreferences: preferences.set_preferences,
    m.SetAway: away.set_away,
    m.Back: away.back,
    m.ExplainRoute: route.explain,
    m.SlaStatus: sla.sla_status,
    m.SlaExplain: sla.sla_explain,
    m.Report: report.report,
    m.Export: export.export,
    m.Help: help.help_,
    m.ScheduleAdd: schedules.add,
    m.ScheduleList: schedules.list_schedules,
    m.ScheduleNext: schedules.next_occurrences,
    m.ScheduleChange: schedules.change,
    m.Check: checklist.check,
    m.AssetShow: assets.show_asset,
    m.KbSearch: kb.search,
    m.KbShow: kb.show,
    m.KbNew: kb.new,
    m.KbSave: kb.save,
    m.KbEdit: kb.edit,
    m.KbRetire: kb.retire,
    m.KbHistory: kb.history,
    m.SolvedBy: kb.solved_by,
    m.Approve: approvals.approve,
    m.Reject: approvals.reject,
}

# Commands that change something: the dispatcher claims their inbound id once for the whole
# request, in its transaction, before the use case runs. De-duplication belongs to the request:
# a bulk command changing three tickets claims one id, and a redelivery changes none of them.
CLAIMS_INBOUND: frozenset[type] = frozenset({
    m.Create, m.Claim, m.Assign, m.BulkAssign, m.Transfer, m.AddCollaborators, m.Reply, m.Note,
    m.Pend, m.Resume, m.Suspend, m.SetPriority, m.Resolve, m.Reopen, m.Close, m.Cancel, m.Rate,
    m.Urge, m.Link, m.Merge, m.ScheduleAdd, m.ScheduleChange, m.Check,
    m.Urge, m.Link, m.Merge, m.KbNew, m.KbSave, m.KbEdit, m.KbRetire, m.SolvedBy,
    m.Approve, m.Reject, m.LinkMe, m.LinkCode, m.Unlink, m.WithFields,
})


class Dispatcher:
    def __init__(self, uow: UnitOfWorkFactory, org: Organisation, clock: Clock,
                 notify: NotifyConfig | None = None) -> None:
        self.uow = uow
        self.org = org
        self.clock = clock
        self.notify = notify or NotifyConfig()
        self.grammar = Grammar(org.default_queue, org.parse_type)
        self.dialogues = Dialogues(uow, org, clock, self.grammar, self._execute_with)

    async def handle_text(self, who: m.Identity, text: str,
                          at_users: Mapping[str, m.Mention] | None = None,
                          dedup_key: str | None = None, origin: str | None = None,
                          conversation: str | None = None, shape: Shape | None = None
                          ) -> Answer:
        """Run what a person wrote. On a guided platform a message may answer the question
        of their dialogue in this `conversation` (default: `who.channel`, else the direct
        chat); `shape` adjusts a parsed command as the adapter does (a group's origin)."""
        if who.platform in self.notify.guided_platforms:
            where = conversation if conversation is not None else who.channel or ""
            try:
                return await self.dialogues.handle(who, text, at_users, dedup_key, origin,
                                                   where, shape)
            except DomainError as error:
                return _refusal(error)
            except StorageUnavailable:
                return Answer("error.storage", {}, public=False, ok=False)
        try:
            command = self.grammar.parse(text, at_users)
        except DomainError as error:
            return _refusal(error)
        if shape is not None:
            command = shape(command)
        return await self.execute(who, command, dedup_key, origin)

    async def _execute_with(self, who: m.Identity, command: m.Command, dedup_key: str | None,
                            origin: str | None, prelude: Prelude | None) -> Answer:
        return await self.execute(who, command, dedup_key, origin, prelude)

    async def execute(self, who: m.Identity, command: m.Command,
                      dedup_key: str | None = None, origin: str | None = None,
                      prelude: Prelude | None = None) -> Answer:
        """Run one command. Expected failures become friendly answers; nothing is half-written.

        `dedup_key` is the platform's id for this inbound action (Slack event_id, DingTalk
        msgId, …): a second delivery of it changes nothing and answers `duplicate`. `origin` is
        the channel or group the request came from: a ticket created there has its card there.
        """
        opened: _Opened | None = None
        zone: str | None = None
        language: str | None = None
        try:
            # One transaction for the whole request: the look-ups below and the use case's
            # work share it (the use case commits or, on a refusal, everything rolls back).
            async with self.uow() as uow:
                claims = dedup_key is not None and type(command) in CLAIMS_INBOUND
                if (dedup_key is not None and not claims
                        and await uow.inbound.seen(who.platform, dedup_key)):
                    return DUPLICATE
                person, new = await identify(uow, who, self.clock.now())
                if new:  # someone seen for the first time, or on another messenger, stays so
                    await uow.commit()
                if claims and dedup_key is not None:
                    # Committed with the use case's change, rolled back with its refusal; a
                    # concurrent redelivery waits on this row, then finds it taken (Duplicate).
                    await uow.inbound.remember(who.platform, dedup_key, self.clock.now())
                if prelude is not None:  # in the same transaction (a dialogue's end)
                    await prelude(uow)
                # The reader's zone: every time in the answer is shown in it, named.
                zone = str(await zone_of(uow, self.org, person, self.notify.tz))
                language = await uow.people.own_locale(person.id) or ""
                opened = _Opened(uow)
                ctx = Context(opened, self.org, self.clock, person, who.platform,
                              self.notify, dedup_key, origin or who.channel, who.user_id,
                              who.conversation or origin or who.channel)
                answer = kept_private(await HANDLERS[type(command)](command, ctx), self.org)
                # Read again only if the command changed it (`language …`): then in the new one.
                language = await uow.people.own_locale(person.id) or ""
                return replace(answer, zone=answer.zone or zone, language=language)
        except Duplicate:
            return DUPLICATE
        except DomainError as error:
            return replace(_refusal(error), zone=zone, language=language)
        except StorageUnavailable:
            log.warning("storage unavailable while handling %s", type(command).__name__)
            # "Nothing was changed" only if the use case committed nothing.
            key = "error.storage_partial" if opened and opened.committed else "error.storage"
            return Answer(key, {}, public=False, ok=False)
        except Exception:
            ref = uuid.uuid4().hex[:8]
            log.exception("unexpected error handling %s (ref %s)", type(command).__name__, ref)
            key = "error.internal_partial" if opened and opened.committed else "error.internal"
            return Answer(key, {"ref": ref}, public=False, ok=False)


async def _with_fields(cmd: m.WithFields, ctx: Context) -> Answer:
    """Set the type's fields, then make the transition, in the request's one transaction."""
    held = _Held(ctx.uow)
    inner = replace(ctx, uow=held)
    if cmd.fields or cmd.field_people:
        await fields.set_fields(m.SetFields(cmd.key, cmd.fields, cmd.field_people), inner)
    answer = await HANDLERS[type(cmd.then)](cmd.then, inner)
    async with ctx.uow() as uow:
        await uow.commit()
    return answer


HANDLERS[m.WithFields] = _with_fields


class _Held:
    """The request's unit of work for use cases that run in a row: their commits wait for
    the caller's; on a refusal the dispatcher rolls the whole request back."""

    def __init__(self, opened: UnitOfWorkFactory) -> None:
        self._opened = opened

    def __call__(self) -> "_Held":
        return self

    async def __aenter__(self) -> UnitOfWork:
        return _NoCommit(await self._opened().__aenter__())

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        return None


class _NoCommit:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    async def commit(self) -> None:
        return None


class _Opened:
    """A unit-of-work factory handing out the request's open unit of work. Leaving it rolls
    back what was not committed, as closing a unit of work does; the dispatcher closes it."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.committed = False  # whether the use case committed anything (see execute)

    def __call__(self) -> "_Opened":
        return self

    async def __aenter__(self) -> UnitOfWork:
        return _Committing(self._uow, self)

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        try:
            await self._uow.rollback()
        except Exception:
            if exc is None:
                raise  # otherwise the error already on its way out is the one that counts


class _Committing:
    """The request's unit of work, noting on its `_Opened` that a commit went through."""

    def __init__(self, uow: UnitOfWork, opened: _Opened) -> None:
        self._uow, self._opened = uow, opened

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    async def commit(self) -> None:
        await self._uow.commit()
        self._opened.committed = True


DUPLICATE = Answer("duplicate", {}, public=False, ok=True, duplicate=True)


_KINDS: tuple[tuple[type[DomainError], str], ...] = (
    (NotFound, "not_found"), (NotAllowed, "not_allowed"), (InvalidInput, "invalid_input"),
    (Conflict, "conflict"))


def _refusal(error: DomainError) -> Answer:
    kind = next((name for cls, name in _KINDS if isinstance(error, cls)), "generic")
    return Answer(error.message_key, dict(error.params), public=False, ok=False, refusal=kind)
