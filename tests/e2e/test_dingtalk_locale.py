"""DingTalk speaks zh-CN by default: a whole chat against the fake gateway, markdown tickets
(no card template), reads Chinese throughout, with names not handles and no backslash escapes."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.dingtalk_gateway import FakeDingTalkGateway
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk, Member, running
from tests.support.leaks import english_words, missing_keys
from tests.support.zh_org import ZH_ORG

ZHAO, LI = Member("staff-zhaomin", "赵敏"), Member("staff-liqiang", "李强")
ZHANG, WANG = Member("staff-zhangsan", "张三"), Member("staff-wangwu", "王五")
DATA = frozenset({"printer", "office", "it"})


@pytest.fixture
async def dingtalk(database_url: str, tmp_path: Path, clock: FakeClock,
                   fake_dingtalk_gateway: FakeDingTalkGateway,
                   monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DingTalk]:
    org = tmp_path / "org.yaml"
    org.write_text(ZH_ORG, encoding="utf-8")
    async with running(fake_dingtalk_gateway, database_url, org, clock, monkeypatch,
                       template=None) as world:
        yield world


async def test_a_dingtalk_chat_reads_chinese_without_backslashes(dingtalk: DingTalk) -> None:
    steps = [
        (ZHAO, "new P3 打印机*卡纸* [三楼]"),
        (LI, "claim IT-1"),
        (LI, "transfer IT-1 @zhangsan reason: 他负责_三楼_"),
        (ZHANG, "pend IT-1 等提单人回复型号"),
        (ZHANG, "resume IT-1"),
        (WANG, "suspend IT-1 等采购"),
        (WANG, "resume IT-1"),
        (ZHANG, "resolve IT-1 已更换硒鼓"),
        (ZHAO, "reopen IT-1 还是卡纸"),
        (ZHANG, "history IT-1"),
        (ZHANG, "help"),
        (ZHANG, "help pend"),
        (ZHANG, "route explain 打印机卡纸"),
        (ZHANG, "sla IT-1"),
        (ZHANG, "claim IT-9"),
        (ZHAO, "urge IT-1"),
        (LI, "urge IT-1"),
    ]
    for member, text in steps:
        await dingtalk.private(member).says(text)
    texts = [t for m in (ZHAO, LI, ZHANG, WANG) for t in dingtalk.private_texts(m)]
    assert len(texts) > len(steps)  # answers and the outbox's notifications
    for text in texts:
        assert english_words(text, DATA) == [], text
        assert missing_keys(text) == [], text
        assert "\\" not in text, text
        assert "liqiang" not in text and "zhangsan" not in text, text
    everything = "\n".join(texts)
    assert "打印机＊卡纸＊ ［三楼］" in everything
    assert "李强 将 IT-1（打印机＊卡纸＊ ［三楼］）转派给 张三，原因：他负责＿三楼＿" in everything
    assert "处理人：李强 → 张三" in everything
    assert "挂起（suspend）：由组长或管理员暂时搁置工单" in everything


async def test_a_group_reads_its_own_language_and_the_asker_theirs(dingtalk: DingTalk) -> None:
    """Zhao chose English: what she reads alone is English, what the group reads stays
    Chinese (commands/reader_language.py), as the outbox's group messages do."""
    await dingtalk.private(ZHAO).says("language en")
    group = dingtalk.group("cidGroupOffice==")
    await group.says(ZHAO, "new 打印机坏了")
    assert group.texts()[-1].startswith("@赵敏 已为 赵敏 创建工单 IT-1"), group.texts()
    await group.says(ZHAO, "claim IT-9")  # a refusal: to her alone, in her words
    assert dingtalk.private_texts(ZHAO)[-1] == "There is no ticket IT-9. Try `list` to see yours."
    assert len(group.texts()) == 1
