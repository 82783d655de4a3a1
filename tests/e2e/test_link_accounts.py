"""`绑定` in a DingTalk group, `link <code>` as a Slack slash command, through both real adapters
and their fakes: the code reaches the asker alone, and the Slack account becomes the same person."""

import re
from pathlib import Path

from sqlalchemy import select

from storage.models import PersonIdentityRow, PersonRow
from tests.e2e.slack_stack import slack_stack
from tests.e2e.test_dingtalk import (  # noqa: F401 (fixtures)
    IT_GROUP,
    LI,
    dingtalk,
    silence,
    template,
)
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock
from tests.support.dingtalk import DingTalk

_CODE = re.compile(r"`([A-Z]{4}-[A-Z]{4})`")


async def test_a_dingtalk_code_said_on_slack_links_the_slack_account(
        dingtalk: DingTalk, database_url: str, tmp_path: Path, clock: FakeClock,  # noqa: F811
        fake_slack: FakeSlack) -> None:
    group = dingtalk.group(IT_GROUP)
    await group.says(LI, "绑定")
    private = dingtalk.private_texts(LI)[-1]
    assert private.startswith("你的绑定码：`") and "分钟内" in private
    code = _CODE.search(private).group(1)  # type: ignore[union-attr]
    assert not any(code in text for text in group.texts())  # never in the group

    (tmp_path / "slack").mkdir()
    async with slack_stack(database_url, tmp_path / "slack", clock, fake_slack) as stack:
        await stack.command("U0LI", "link ABCD-EFGH")
        assert stack.responses()[-1]["text"].startswith("That link code is not right")
        await stack.command("U0LI", f"link {code}")
        assert stack.responses()[-1]["text"] == (
            "Linked: this slack account is now 李雷 (@li). Tickets, notices and history follow "
            "you on every messenger.")
        await stack.command("U0LI", f"link {code}")  # said again: used
        assert stack.responses()[-1]["text"].startswith("That link code has already been used")
        async with stack.core.engine.connect() as conn:
            linked = (await conn.execute(
                select(PersonRow.handle).join(PersonIdentityRow,
                                              PersonIdentityRow.person_id == PersonRow.id)
                .where(PersonIdentityRow.external_id == "U0LI"))).scalars().all()
        assert linked == ["li"]
