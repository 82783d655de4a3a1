"""`asset show UPS-1` (资产): a registered asset and the newest tickets that name it.

Agents and admins only: the list names other people's tickets.
"""

from commands.answer import Answer
from commands.context import Context
from commands.messages import AssetShow
from workflows.confidential import shield_for
from workflows.errors import InvalidInput, NotAllowed

SHOWN = 20


async def show_asset(cmd: AssetShow, ctx: Context) -> Answer:
    if not ctx.org.is_agent(ctx.person.handle):
        raise NotAllowed("error.asset_not_allowed")
    async with ctx.uow() as uow:
        asset = await uow.assets.get(cmd.name)
        if asset is None:
            raise InvalidInput("error.unknown_asset", asset=cmd.name[:100])
        # A confidential ticket naming it is listed to its insiders only.
        rows, total = await uow.assets.tickets(asset.name, SHOWN,
                                               shield_for(ctx.org, ctx.person))
    tickets = [{"key": key, "title": title, "status": status, "at": at}
               for key, title, status, at in rows]
    return Answer("asset.show", {"name": asset.name, "type": asset.type,
                                 "location": asset.location, "owner": asset.owner,
                                 "serial": asset.serial, "tickets": tickets, "total": total},
                  public=False)
