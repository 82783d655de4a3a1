"""Articles kept as Markdown files in the folder the organisation file names: added, changed
and removed files become new, next and retired versions; an unchanged folder costs nothing."""

from pathlib import Path

from sqlalchemy import select

from bot.bootstrap import build_app
from bot.kb_folder import FolderWatch, parse_markdown
from bot.orgfile import SAMPLE
from bot.settings import Settings
from storage.models import KbArticleRow, KbRevisionRow
from tests.support.chat import Chat
from tests.support.clock import FakeClock


def test_a_markdown_file_reads_as_an_article() -> None:
    article = parse_markdown("---\nvisibility: internal\n---\n# Reset a token\n\nOpen the console.\n",
                             "vpn/reset-token.md")
    assert (article.title, article.body, article.visibility.value) == (
        "Reset a token", "Open the console.", "internal")
    assert parse_markdown("打印机脱机时重新添加。", "打印机-脱机.md").title == "打印机 脱机"


async def test_the_folder_is_synced_when_it_changes(tmp_path: Path, database_url: str,
                                                   clock: FakeClock) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(SAMPLE.read_text(encoding="utf-8") + "\nknowledge_base:\n  folder: kb\n",
                   encoding="utf-8")
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "vpn.md").write_text("# VPN will not connect\nReinstall the VPN client.\n",
                                   encoding="utf-8")
    (folder / "printer.md").write_text("# 打印机脱机\n从 print01 重新添加打印机。\n", encoding="utf-8")
    app = await build_app(Settings(_env_file=None, database_url=database_url, org_file=org,
                                   locale="en", timezone="UTC"), clock=clock)
    try:
        watch = FolderWatch()
        first = await watch.tick(app)
        assert first is not None and (first.added, first.changed, first.retired) == (2, 0, 0)
        assert await watch.tick(app) is None  # nothing changed: not even a database query
        alice = Chat(app).user("alice")
        assert "VPN will not connect" in (await alice.says("kb vpn does not connect")).text

        (folder / "vpn.md").write_text("# VPN will not connect\nInstall client 6.1.\n",
                                       encoding="utf-8")
        (folder / "printer.md").unlink()
        second = await FolderWatch().tick(app)  # another replica, or a restart: same outcome
        assert second is not None and (second.changed, second.retired) == (1, 1)
        assert (await FolderWatch().tick(app)).changed == 0  # type: ignore[union-attr]
        shown = (await alice.says("kb vpn does not connect")).text
        assert "Install client 6.1." in shown
        assert (await alice.says("知识库 打印机脱机")).text.startswith("No article fits")
        async with app.engine.connect() as conn:
            actions = (await conn.execute(select(KbRevisionRow.action)
                                          .order_by(KbRevisionRow.at, KbRevisionRow.version))).scalars()
            assert sorted(actions) == ["load", "load", "reload", "retire"]
            files = (await conn.execute(select(KbArticleRow.source_file))).scalars()
            assert sorted(files) == ["printer.md", "vpn.md"]
    finally:
        await app.aclose()
