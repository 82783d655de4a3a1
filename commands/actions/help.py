from commands.answer import Answer
from commands.context import Context
from commands.messages import Help
from commands.vocabulary import USAGE, VERBS


async def help_(cmd: Help, ctx: Context) -> Answer:
    if cmd.topic:
        aliases = sorted(a for a, v in VERBS.items() if v == cmd.topic and a != cmd.topic)
        return Answer("help.topic", {"verb": cmd.topic, "usage": USAGE[cmd.topic],
                                     "aliases": aliases}, public=False)
    return Answer("help.all", {"usages": list(USAGE.values()), "verbs": list(USAGE)},
                  public=False)
