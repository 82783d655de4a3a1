"""The REST API's tokens as intake credentials: a token with the `intake:write` scope, not
expired nor revoked, may file alerts. Without the API's per-token rate limit: Alertmanager
drops a 429 and then never sends the resolutions of the alerts it carried."""

from bot.bootstrap import App
from bot.intake.routes import TokenCheck
from storage.api_tokens import SqlApiTokens
from storage.engine import session_factory

SCOPE = "intake:write"


def api_token_check(core: App) -> TokenCheck:
    tokens = SqlApiTokens(session_factory(core.engine))

    async def check(text: str) -> bool:
        token = await tokens.verify(text)
        now = core.clock.now()
        if token is None or token.revoked_at is not None or SCOPE not in token.scopes or (
                token.expires_at is not None and now >= token.expires_at):
            return False
        await tokens.touch(token, now)
        return True

    return check
