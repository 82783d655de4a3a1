"""DingTalk markdown shows a backslash escape as it is (`\\*`), so user text is made inert without
backslashes: what would format becomes its full-width twin; identifiers keep their underscores."""

from zoneinfo import ZoneInfo

from notifications.escaping import dingtalk
from notifications.text import Catalog


def test_user_markdown_is_inert_and_shows_no_backslash() -> None:
    typed = r"VPN *down* <font color=red>x</font> [click](http://x) # title > quote `c` ~~s~~ _it_"
    shown = dingtalk(typed)
    assert "\\" not in shown
    assert not set(shown) & set("*[]<>#`~")
    assert shown.startswith("VPN ＊down＊ ＜font color=red＞x＜/font＞ ［click］(http://x)")
    assert "＿it＿" in shown


def test_identifiers_and_a_users_own_backslash_stay_as_they_are() -> None:
    assert dingtalk("service_request staff_li C:\\temp") == "service_request staff_li C:\\temp"


def test_a_chinese_reply_on_dingtalk_has_no_backslash() -> None:
    catalog = Catalog("zh-CN", ZoneInfo("Asia/Shanghai"), escape=dingtalk, platform="dingtalk")
    text = catalog.text("notify.create", requester="李雷", priority="P2", key="IT-1",
                        title="打印机*无法*联网 [急]", claim=True)
    assert text == ("李雷 提交了 P2 工单 IT-1：打印机＊无法＊联网 ［急］ · 未指派，"
                    "发送 `claim IT-1` 领取")
