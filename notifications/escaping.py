"""Per-platform escaping of everything a template interpolates, so text a user typed
(`<!channel>`, `<@U123>`, markdown, `{{ … }}`) is shown literally and pings nobody."""

import re
from collections.abc import Callable
from typing import Any

# DingTalk's markdown knows no backslash escapes: `\*` is shown with its backslash. So each
# character that would format (bold, links, headings, quotes, its <font> HTML, code) becomes its
# full-width twin, which reads the same and formats nothing. An underscore inside a word
# (service_request, staff ids) formats nothing and stays.
_DINGTALK_TWINS = str.maketrans({"*": "＊", "[": "［", "]": "］", "<": "＜", ">": "＞", "#": "＃",
                                 "`": "｀", "~": "～", "|": "｜"})
_LOOSE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


class Raw(str):
    """Markup the code built on purpose (a mention, a link): interpolated without escaping."""


def slack(text: str) -> str:
    # Slack mrkdwn: only these three are control characters; `<!channel>` becomes inert text.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def dingtalk(text: str) -> str:
    return _LOOSE_UNDERSCORE.sub("＿", text.translate(_DINGTALK_TWINS))


def plain(text: str) -> str:
    return text


ESCAPES: dict[str, Callable[[str], str]] = {"slack": slack, "dingtalk": dingtalk}


def finalizer(escape: Callable[[str], str]) -> Callable[[Any], Any]:
    def finalize(value: Any) -> Any:
        if value is None or isinstance(value, Raw):
            return value
        return escape(str(value))
    return finalize
