"""Card and App Home buttons: quick actions run at once; the others open their modal."""

import json
import re
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck

from bot.slack.bot import SlackBot
from bot.slack.cards import ACTION_PREFIX
from bot.slack.modals import STEP_MODALS, step_modal
from commands import messages as m
from workflows.actions import Action

QUICK = {"claim": m.Claim, "urge": m.Urge, "resume": m.Resume, "reopen": m.Reopen,
         "close": m.Close}


def register(bot: SlackBot) -> None:
    @bot.app.action(re.compile(f"^{ACTION_PREFIX}"))
    async def card_button(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        action = body["actions"][0]
        step = action["action_id"].removeprefix(ACTION_PREFIX)
        value = json.loads(action.get("value") or "{}")
        key, version = value.get("key", ""), value.get("v")
        user = body["user"]["id"]
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id")
        if step in QUICK:
            # One click on one card version is one action: a double click is a duplicate.
            dedup = f"button:{user}:{key}:v{version}:{step}"
            answer = await bot.run(user, QUICK[step](key), dedup)
            if not answer.ok:
                await bot.ephemeral(channel, user, answer)
            return
        if step in STEP_MODALS:
            check = await bot.run(user, m.May(key, Action(step)), None)
            if not check.ok:
                await bot.ephemeral(channel, user, check)
                return
            view = step_modal(step, bot.catalog, bot.core.loaded.org, key, {"channel": channel})
            await bot.client.views_open(trigger_id=body["trigger_id"], view=view)
