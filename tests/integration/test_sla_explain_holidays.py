"""`sla explain` says when its calendar has no holiday data for a year the clocks reach: the
sample's Shanghai calendar and chinese-calendar 1.11, which knows no 2027."""

from tests.support.chat import Chat

EN = ("⚠️ Calendar shanghai has no holiday data for 2027 (china): its holidays count as working "
      "days there until that year's official notice is added to the organisation file.")
ZH = ("⚠️ 日历 shanghai 缺少 2027 年的节假日数据（china）：在组织配置文件中补充当年的官方放假安排"
      "之前，该年的法定假日按工作日计算。")


async def test_explain_warns_about_a_year_without_holiday_data(chat: Chat) -> None:
    p3 = (await chat.user("bob").says("sla explain P3 queue=IT")).text.splitlines()
    assert p3[-1] == EN
    zh = Chat(chat.app, locale="zh-CN")
    assert (await zh.user("bob").says("时效 试算 P3")).text.splitlines()[-1] == ZH


async def test_a_24x7_calendar_needs_no_holiday_data(chat: Chat) -> None:
    p1 = (await chat.user("bob").says("sla explain P1 queue=IT")).text
    assert "holiday data" not in p1
