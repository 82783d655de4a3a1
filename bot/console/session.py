"""The console loop: read a line, run it as the current identity, print the reply and the card."""

import contextlib
import sys
from collections.abc import AsyncIterable, Callable, Mapping

from bot.answer_files import has_files, send_answer_files
from bot.bootstrap import App
from bot.console.actions import TEMPLATES, command_for
from bot.logs import log_context, new_request_id
from bot.senders.console import ConsoleSender
from bot.senders.factory import webhook_sender
from commands.actions.autoclose import close_stale_resolved
from commands.actions.sla_sweep import sweep
from commands.answer import Answer
from commands.messages import Identity
from notifications.senders import Sender
from notifications.text import Catalog
from workflows.actions import Action
from workflows.kinds import Source

CONSOLE_HELP = """Console: type commands as you would in chat (try `help`).
  /as <name>   act as someone else (e.g. /as bob)
  /whoami      who you are acting as
  /in <chan>   write as if in a channel (routing rules may match it); /in alone: direct chat
  <n> [args]   run action n of the last card, e.g. `2 @carol reason: needs network`
  /quit        leave"""


class ConsoleSession:
    def __init__(self, app: App, user: str, catalog: Catalog,
                 write: Callable[[str], None], senders: Mapping[str, Sender] | None = None
                 ) -> None:
        """`senders`: other destinations than this terminal (the webhooks, see
        `console_senders`), delivered after each line like the console's own messages."""
        self.app = app
        self.user = user.lower()
        self.catalog = catalog
        self.write = write
        self.last_key: str | None = None
        self.channel: str | None = None
        self.last_actions: tuple[Action, ...] = ()
        self.files = ConsoleSender(write)  # exports land in a folder; their paths are shown
        self.relay = app.relay({**(senders or {}), Source.CONSOLE.value: self.files}, pacing={})

    async def run(self, lines: AsyncIterable[str], echo: bool) -> None:
        self.write(CONSOLE_HELP)
        async for raw in lines:
            line = raw.strip()
            if echo and line:
                self.write(f"{self.user}> {line}")
            if not await self.handle(line):
                break

    async def handle(self, line: str) -> bool:
        """Run one line; False when the session should end."""
        if not line or line.startswith("#"):
            return True
        if line in ("/quit", "/exit", "/q"):
            return False
        if line == "/help":
            self.write(CONSOLE_HELP)
            return True
        if line == "/whoami":
            self.write(f"You are {self.user}.")
            return True
        if line == "/in" or line.startswith("/in "):
            self.channel = line[3:].strip() or None
            self.write(f"You are now writing in {self.channel}." if self.channel
                       else "You are now writing to the bot directly.")
            return True
        if line.startswith("/as"):
            name = line[3:].strip().lstrip("@").lower()
            if not name:
                self.write("Usage: /as <name>")
            else:
                self.user = name
                self.write(f"You are now {self.user}.")
            return True
        text = self._expand_number(line)
        if text is None:
            return True
        # The console has no scheduler: the periodic jobs run before each line instead.
        await close_stale_resolved(self.app.uow, self.app.loaded.org, self.app.clock,
                                   self.app.notify)
        await sweep(self.app.uow, self.app.loaded.org, self.app.clock, self.app.notify)
        with log_context(platform="console", request_id=new_request_id(), ticket_id=None):
            answer = await self.app.dispatcher.handle_text(
                Identity(Source.CONSOLE, self.user, channel=self.channel), text)
            self.show(answer)
            if has_files(answer):
                await send_answer_files(self.files, answer, "console", self.user, answer.zone,
                                        labels=self.catalog)
            await self.deliver()
        return True

    async def deliver(self) -> None:
        """Show the notifications the last command queued (who would be told what)."""
        while await self.relay.run_once():
            pass

    def _expand_number(self, line: str) -> str | None:
        head, _, args = line.partition(" ")
        if not head.isdigit():
            return line
        index = int(head) - 1
        if self.last_key is None or not 0 <= index < len(self.last_actions):
            self.write("There is no such action on the last card.")
            return None
        return command_for(self.last_actions[index], self.last_key, args)

    def show(self, answer: Answer) -> None:
        text = self.catalog.answer(answer)
        self.write(("⚠ " if not answer.ok else "") + text if text else "")
        if answer.ticket is None:
            return
        self.write(self.catalog.card(answer.ticket, answer.zone))
        self.last_key = answer.ticket.key
        self.last_actions = answer.actions
        for number, action in enumerate(answer.actions, start=1):
            label = self.catalog.text(f"action.{action.value}")
            usage = TEMPLATES[action].format(key=answer.ticket.key)
            self.write(f"  [{number}] {label:<18} {usage}")


async def console_senders(app: App, stack: contextlib.AsyncExitStack) -> dict[str, Sender]:
    """The webhooks, of the organisation file and of the API: the console is a whole local
    ticketbot, so what it changes reaches the subscribers as under `serve`."""
    return {Source.WEBHOOK.value: await webhook_sender(stack, app.clock, app.loaded,
                                                        app.uow.webhooks)}


def stdout_writer(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
