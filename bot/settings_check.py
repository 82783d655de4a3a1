"""Half a messenger configuration stops the start-up, in one sentence that names the setting.

A bot that starts with half its credentials looks alive and answers nobody, so these are
refused before anything connects; `ticketbot serve` exits 2 with the sentence.
"""

from urllib.parse import urlsplit

from bot.settings import Settings


class IncompleteSettings(Exception):
    """The sentence that says which setting is missing and why it is needed."""


def incomplete_settings(settings: Settings) -> str | None:
    """The first problem found, or None when every configured messenger has what it needs."""
    if settings.slack_app_token and not settings.slack_bot_token:
        return ("SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Socket Mode receives events "
                "with the app token, and the bot token (xoxb-…) is needed to answer them.")
    if settings.slack_app_token and not settings.slack_app_token.startswith("xapp-"):
        return ("SLACK_APP_TOKEN must be an app-level token (xapp-…), from Basic Information → "
                "App-Level Tokens.")
    if settings.slack_bot_token and not settings.slack_bot_token.startswith("xoxb-"):
        return "SLACK_BOT_TOKEN must be a bot token (xoxb-…), from OAuth & Permissions."
    if settings.slack_bot_token and not settings.slack_app_token and not settings.slack_signing_secret:
        return ("SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: in HTTP mode every request "
                "from Slack is verified with it (or set SLACK_APP_TOKEN for Socket Mode).")
    if settings.dingtalk_client_id and not settings.dingtalk_client_secret:
        return ("DINGTALK_CLIENT_ID is set but DINGTALK_CLIENT_SECRET is not: both are the DingTalk "
                "app's credentials.")
    if settings.dingtalk_client_secret and not settings.dingtalk_client_id:
        return ("DINGTALK_CLIENT_SECRET is set but DINGTALK_CLIENT_ID is not: both are the DingTalk "
                "app's credentials.")
    if settings.dingtalk_cards == "on" and not settings.dingtalk_card_template_id:
        return ("TICKETBOT_DINGTALK_CARDS is on but DINGTALK_CARD_TEMPLATE_ID is not set: interactive "
                "cards need the template's id from the card builder (or set TICKETBOT_DINGTALK_CARDS=auto).")
    if settings.dingtalk_card_template_id and not settings.dingtalk_client_id:
        return "DINGTALK_CARD_TEMPLATE_ID is set but DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET are not."
    return _feishu(settings)


def _origin(url: str) -> bool:
    """What lark-oapi's client accepts as its domain (a trailing slash is cut off first)."""
    parts = urlsplit(url.rstrip("/"))
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
    return ((parts.scheme == "https" or loopback) and bool(parts.netloc) and "@" not in parts.netloc
            and not (parts.path or parts.query or parts.fragment))


def _feishu(settings: Settings) -> str | None:
    if settings.feishu_app_id and not settings.feishu_app_secret:
        return ("FEISHU_APP_ID is set but FEISHU_APP_SECRET is not: both are the Feishu app's "
                "credentials (凭证与基础信息).")
    if settings.feishu_app_secret and not settings.feishu_app_id:
        return ("FEISHU_APP_SECRET is set but FEISHU_APP_ID is not: both are the Feishu app's "
                "credentials (凭证与基础信息).")
    if settings.feishu_enabled and not _origin(settings.feishu_openapi_endpoint):
        return ("FEISHU_OPENAPI_ENDPOINT must be an https origin such as https://open.feishu.cn "
                "(no path; http only for 127.0.0.1 or localhost): lark-oapi refuses others.")
    if settings.feishu_verification_token and not settings.feishu_enabled:
        return ("FEISHU_VERIFICATION_TOKEN is set but FEISHU_APP_ID and FEISHU_APP_SECRET are not: "
                "the event endpoint answers with the app's credentials.")
    if settings.feishu_encrypt_key:
        return ("FEISHU_ENCRYPT_KEY is set, but encrypted Feishu events are not supported yet: "
                "clear the Encrypt Key in 事件与回调 → 加密策略 and unset FEISHU_ENCRYPT_KEY "
                "(the long connection needs neither it nor a Verification Token).")
    return None


def require_complete(settings: Settings) -> None:
    problem = incomplete_settings(settings)
    if problem is not None:
        raise IncompleteSettings(problem)
