"""A large knowledge base's index kept between runs: a new process answers from it at once,
and start-up never waits for a build."""

from pathlib import Path

import pytest

from storage.kb import KbSearch
from tests.support.chat import Chat


async def test_a_restart_answers_from_the_kept_index(chat: Chat, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.kb.INLINE_REBUILD_LIMIT", 1)  # every index counts as large
    kept = tmp_path / "kb-index.pickle"
    search = chat.app.uow.kb_search
    search.snapshot = kept
    bob, alice = chat.user("bob"), chat.user("alice")
    await bob.says("kb new VPN disconnects every hour -- Update the VPN client.")
    await alice.says("kb vpn disconnects")  # starts the build, apart
    assert search._rebuilding is not None
    await search._rebuilding
    assert kept.exists()

    # The next run: its index comes from the file; nothing is segmented or built again.
    restarted = KbSearch(search.sessions, snapshot=kept)
    chat.app.uow.kb_search = restarted
    built: list[int] = []
    monkeypatch.setattr(KbSearch, "_build", lambda self, docs, *_: built.append(len(docs)))
    assert (await alice.says("kb vpn disconnects")).text.startswith("No article fits")
    assert restarted._rebuilding is not None
    await restarted._rebuilding
    assert "KB-1 · VPN disconnects every hour" in (await alice.says("kb vpn disconnects")).text
    assert built == []


async def test_a_torn_file_is_rebuilt_not_trusted(chat: Chat, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("storage.kb.INLINE_REBUILD_LIMIT", 1)
    kept = tmp_path / "kb-index.pickle"
    kept.write_bytes(b"\x80\x05not a whole index")
    search = chat.app.uow.kb_search
    search.snapshot = kept
    await chat.user("bob").says("kb new VPN disconnects every hour -- Update the VPN client.")
    await chat.user("alice").says("kb vpn disconnects")
    assert search._rebuilding is not None
    await search._rebuilding
    assert "KB-1" in (await chat.user("alice").says("kb vpn disconnects")).text
