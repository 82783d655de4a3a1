"""Placeholder until retention lands: replaced by the retention job."""

from bot.bootstrap import App


async def retention_tick(app: App) -> dict[str, int]:
    return {}
