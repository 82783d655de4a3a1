"""`link me` / `link <code>` / `unlink <messenger>`: one person, an account on each messenger.

The code is given privately on messenger A to the person already known there and said on
messenger B: the account that says it is proven to be theirs too, so both ends are proven.
Messengers are named only by the platform string the adapter gave (`ctx.source`), never here.
"""

from commands.answer import Answer
from commands.context import Context
from commands.messages import LinkCode, LinkMe, Unlink
from workflows.errors import Conflict, InvalidInput, NotAllowed
from workflows.kinds import Source
from workflows.link_codes import LIFETIME, MAX_FAILURES, code_hash, new_code, shown

# Where people are known by handle, not by an account: a code cannot be said from there.
_NO_ACCOUNTS = frozenset({Source.CONSOLE, Source.API, Source.SYSTEM, Source.WEBHOOK})
_MINUTES = int(LIFETIME.total_seconds() // 60)


async def link_me(cmd: LinkMe, ctx: Context) -> Answer:
    now = ctx.clock.now()
    code = new_code()
    async with ctx.uow() as uow:
        await uow.links.issue(ctx.person.id, ctx.source.value, code_hash(code), now,
                              now + LIFETIME)
        await uow.commit()
    # Private: whoever says it elsewhere becomes this person there.
    return Answer("link.code", {"code": shown(code), "minutes": _MINUTES,
                                "here": ctx.source.value}, public=False)


async def link_code(cmd: LinkCode, ctx: Context) -> Answer:
    now = ctx.clock.now()
    platform, account = ctx.source.value, ctx.account
    if ctx.source in _NO_ACCOUNTS or not account:
        raise InvalidInput("link.not_here")
    async with ctx.uow() as uow:
        failures = await uow.links.failures(platform, account, now - LIFETIME)
        if failures >= MAX_FAILURES:
            raise NotAllowed("link.too_many", minutes=_MINUTES)
        digest = code_hash(cmd.code)
        stored = await uow.links.find(digest)
        problem = ("link.wrong" if stored is None else "link.used" if stored.used
                   else "link.expired" if stored.expires_at <= now else None)
        if stored is not None and problem is None and stored.platform == platform:
            # Said where it was given: it proves nothing new. The code stays valid.
            raise InvalidInput("link.same_messenger", here=platform)
        owner = None if stored is None else await uow.people.get(stored.person_id)
        if problem is None and owner is None:
            problem = "link.wrong"  # its person is gone
        if problem is not None or owner is None:
            # Recorded before refusing, so guessing costs tries even though nothing else changed.
            await uow.links.failed(platform, account, now)
            await uow.commit()
            raise InvalidInput(problem or "link.wrong",
                               left=max(MAX_FAILURES - failures - 1, 0), minutes=_MINUTES)
        if owner.id == ctx.person.id:
            await uow.links.use(digest, now)
            await uow.commit()
            return Answer("link.already", {"who": owner.label, "platform": platform},
                          public=False)
        theirs = {external for where, _, external in await uow.people.accounts(owner.id)
                  if where == platform}
        if theirs - {account}:
            raise Conflict("link.has_account", who=owner.label, platform=platform)
        if not await uow.links.use(digest, now):
            raise InvalidInput("link.used", left=MAX_FAILURES - failures, minutes=_MINUTES)
        await uow.people.claim_account(owner.id, ctx.source, account, now)
        await uow.commit()
    return Answer("link.done", {"who": owner.label, "handle": owner.handle,
                                "platform": platform, "from": stored.platform if stored else ""},
                  public=False)


async def unlink(cmd: Unlink, ctx: Context) -> Answer:
    if cmd.platform == ctx.source.value:
        # From the account itself: the next message would make a stranger of its sender.
        raise InvalidInput("unlink.same_messenger", platform=cmd.platform)
    async with ctx.uow() as uow:
        accounts = sorted({where for where, _, _ in await uow.people.accounts(ctx.person.id)})
        if cmd.platform not in accounts:
            raise InvalidInput("unlink.none", platform=cmd.platform, platforms=accounts)
        await uow.people.drop_accounts(ctx.person.id, cmd.platform)
        await uow.commit()
    return Answer("unlink.done", {"platform": cmd.platform}, public=False)
