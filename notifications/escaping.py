"""Per-platform escaping of everything a template interpolates, so text a user typed
(`<!channel>`, `<@U123>`, markdown, `{{ … }}`) is shown literally and pings nobody."""

import re
from collections.abc import Callable
from typing import Any

_DINGTALK_MARKDOWN = re.compile(r"([\\`*_~#<>\[\]|])")


class Raw(str):
    """Markup the code built on purpose (a mention, a link): interpolated without escaping."""


def slack(text: str) -> str:
    # Slack mrkdwn: only these three are control characters; `<!channel>` becomes inert text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dingtalk(text: str) -> str:
    return _DINGTALK_MARKDOWN.sub(r"\\\1", text)


def plain(text: str) -> str:
    return text


ESCAPES: dict[str, Callable[[str], str]] = {"slack": slack, "dingtalk": dingtalk}


def finalizer(escape: Callable[[str], str]) -> Callable[[Any], Any]:
    def finalize(value: Any) -> Any:
        if value is None or isinstance(value, Raw):
            return value
        return escape(str(value))
    return finalize
