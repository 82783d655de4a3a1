"""A whole chat in zh-CN, then the same chat in English: every reply, card and notification is in
the reader's language, with no catalog key said as its name. Replies are rendered as each person
reads them; notifications through the outbox in the language each person chose (`language …`)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.bootstrap import App, build_app
from bot.settings import Settings
from tests.support.chat import Chat
from tests.support.clock import FakeClock
from tests.support.leaks import chinese, english_words, missing_keys
from tests.support.senders import RecordingSender
from tests.support.zh_org import ZH_ORG

NAMES = frozenset({"赵敏", "李强", "张三", "王五", "管理员", "IT 支持", "IT 服务台"})
# Org data a reader sees as it is: a rule, a category and a policy named in the file.
DATA = frozenset({"printer", "office", "it", "frobnicate"})  # and what someone mistyped

# (who, command) with {words} filled in the reader's language: what people type is theirs.
TRANSCRIPT = [
    ("zhaomin", "new P3 {printer} -- {floor}"),
    ("liqiang", "claim IT-1"),
    ("liqiang", "transfer IT-1 @zhangsan reason: {why}"),
    ("zhangsan", "note IT-1 {note}"),
    ("zhangsan", "reply IT-1 {question}"),
    ("zhangsan", "pend IT-1 {waiting}"),
    ("zhangsan", "resume IT-1"),
    ("wangwu", "suspend IT-1 {parked}"),
    ("wangwu", "resume IT-1"),
    ("zhangsan", "priority IT-1 P2 {why}"),
    ("zhangsan", "resolve IT-1 {fixed}"),
    ("zhaomin", "reopen IT-1 {again}"),
    ("zhangsan", "resolve IT-1 {fixed}"),
    ("zhaomin", "close IT-1"),
    ("zhaomin", "rate IT-1 5 {thanks}"),
    ("zhangsan", "history IT-1"),
    ("zhangsan", "show IT-1"),
    ("zhaomin", "new P2 {vpn}"),
    ("wangwu", "list all"),
    ("wangwu", "list team"),
    ("zhaomin", "list requests"),
    ("zhangsan", "help"),
    ("zhangsan", "help pend"),
    ("zhangsan", "help suspend"),
    ("zhangsan", "route explain {printer}"),
    ("zhangsan", "sla IT-1"),
    ("zhangsan", "sla IT-2"),
    ("zhangsan", "sla explain P2"),
    ("zhangsan", "claim IT-99"),           # an unknown ticket
    ("zhaomin", "claim IT-1"),             # a closed ticket
    ("liqiang", "urge IT-2"),              # only the requester urges
    ("zhaomin", "list team"),              # agents only
    ("zhaomin", "rate IT-2 9"),
    ("zhaomin", "transfer IT-2"),          # usage
    ("zhaomin", "frobnicate IT-2"),
    ("zhangsan", "history IT-2"),
]
WORDS = {
    "zh-CN": {"printer": "打印机卡纸", "floor": "三楼的打印机", "why": "他负责三楼",
              "note": "需要换硒鼓", "question": "请问型号？", "waiting": "等提单人回复型号",
              "parked": "等采购", "fixed": "已更换硒鼓", "again": "还是卡纸", "thanks": "很好",
              "vpn": "VPN 无法连接"},
    "en": {"printer": "Printer jammed", "floor": "the printer on floor 3",
           "why": "he looks after floor 3", "note": "needs a new toner", "question": "Which model?",
           "waiting": "waiting for the model", "parked": "waiting for purchasing",
           "fixed": "toner replaced", "again": "still jammed", "thanks": "great",
           "vpn": "VPN down"},
}


@asynccontextmanager
async def zh_org_app(database_url: str, tmp_path: Path, clock: FakeClock,
                     default_locale: str) -> AsyncIterator[App]:
    org = tmp_path / "org.yaml"
    org.write_text(ZH_ORG, encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=org,
                                   locale=default_locale, timezone="Asia/Shanghai"), clock=clock)
    try:
        yield app
    finally:
        await app.aclose()


async def replay(app: App, locale: str) -> tuple[list[str], list[str]]:
    """The replies as their readers see them, and every notification the outbox delivered to a
    person (the deployment's language is the other one, so each person's choice is what counts)."""
    chat = Chat(app, locale)
    for person in ("zhaomin", "liqiang", "zhangsan", "wangwu"):
        assert (await chat.user(person).says(f"language {locale}")).ok
    replies = []
    for who, command in TRANSCRIPT:
        reply = await chat.user(who).says(command.format(**WORDS[locale]))
        replies.append(reply.text + ("\n" + reply.card if reply.card else ""))
    sender = RecordingSender()
    relay = app.relay({"console": sender}, pacing={})
    while await relay.run_once():
        pass
    # Channels read the deployment's language (TICKETBOT_LOCALE); people read their own.
    return replies, [m.text for m in sender.sent if not m.address.startswith("#")]


async def test_a_chinese_chat_reads_chinese_throughout(database_url: str, tmp_path: Path,
                                                       clock: FakeClock) -> None:
    async with zh_org_app(database_url, tmp_path, clock, "en") as app:
        replies, notices = await replay(app, "zh-CN")
    assert notices, "the outbox delivered nothing"
    for text in replies + notices:
        assert english_words(text, DATA) == [], text
        assert missing_keys(text) == [], text
    everything = "\n".join(replies + notices)
    # Names, not handles; a name is not said twice; both pauses explained apart.
    assert "liqiang" not in everything and "zhangsan" not in everything
    assert "李强 将 IT-1（打印机卡纸）转派给 张三，原因：他负责三楼" in notices
    history = replies[TRANSCRIPT.index(("zhangsan", "history IT-1"))]
    assert "处理人：李强 → 张三" in history and "原因：命中路由规则 printer" in history
    assert "原因：轮流分派" in history
    help_text = replies[TRANSCRIPT.index(("zhangsan", "help"))]
    assert "等待（pend）" in help_text and "挂起（suspend）" in help_text


async def test_the_same_chat_in_english_has_no_chinese(database_url: str, tmp_path: Path,
                                                       clock: FakeClock) -> None:
    async with zh_org_app(database_url, tmp_path, clock, "zh-CN") as app:
        replies, notices = await replay(app, "en")
    assert notices, "the outbox delivered nothing"
    for text in replies + notices:
        assert chinese(text, NAMES) == [], text
        assert missing_keys(text) == [], text
    assert "Li Qiang" not in notices  # (names are the org's, in Chinese: allowed above)
    assert "李强 transferred IT-1 (Printer jammed) to 张三: he looks after floor 3" in notices

