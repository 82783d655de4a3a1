"""`sla explain` never cuts a timeline silently: it says how many steps it left out and the
command that shows them all (the sample organisation: P1 runs 24x7 with reminders)."""

from tests.support.chat import Chat


async def test_a_long_timeline_says_how_many_steps_are_left_and_how_to_see_them(chat: Chat
                                                                                ) -> None:
    short = (await chat.user("bob").says("sla explain P1")).text.splitlines()
    steps = [line for line in short if line.startswith("  2026-")]
    assert len(steps) == 12
    everything = (await chat.user("bob").says("sla explain P1 all")).text.splitlines()
    all_steps = [line for line in everything if line.startswith("  2026-")]
    left = len(all_steps) - len(steps)
    assert left > 0 and all_steps[:12] == steps
    assert short[-1] == f"… and {left} more steps: send `sla explain P1 all` to see them all"
    assert not everything[-1].startswith("…")
    assert all_steps[-1].endswith("suspended, control channel told")  # the whole story


async def test_the_chinese_timeline_counts_its_steps_too(chat: Chat) -> None:
    chat.catalog = chat.app.catalog("zh-CN")
    text = (await chat.user("bob").says("时效 试算 P1 队列=IT")).text
    assert "还有" in text and "发送「sla explain P1 queue=IT all」查看全部" in text
    assert "（北京时间 UTC+8）" in text
