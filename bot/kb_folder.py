"""Reads the organisation's folder of Markdown articles (`knowledge_base: folder:`) and syncs
it when a file was added, changed or removed (a scheduler tick compares names and mtimes, so an
unchanged folder costs a directory listing and no database work)."""

import logging
import re
from pathlib import Path

from bot.bootstrap import App
from commands.actions.kb_folder import FileArticle, FolderSync, sync_folder
from workflows.knowledge import Visibility

log = logging.getLogger(__name__)
_FRONT = re.compile(r"^---\s*\n(?P<head>.*?)\n---\s*\n", re.S)
_TITLE = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.M)

Signature = tuple[tuple[str, int, int], ...]


def parse_markdown(text: str, name: str) -> FileArticle:
    """`---\\nvisibility: internal\\n---` may open the file; the first `# heading` is the
    title (else the file's name), the rest is the body."""
    visibility = Visibility.PUBLIC
    front = _FRONT.match(text)
    if front:
        for line in front.group("head").splitlines():
            field, _, value = line.partition(":")
            if field.strip().lower() == "visibility" and value.strip().lower() == "internal":
                visibility = Visibility.INTERNAL
        text = text[front.end():]
    heading = _TITLE.search(text)
    if heading:
        title = heading.group("title")
        text = text[:heading.start()] + text[heading.end():]
    else:
        title = Path(name).stem.replace("-", " ").replace("_", " ")
    return FileArticle(name, title.strip(), text.strip(), visibility)


def folder_of(app: App) -> Path | None:
    folder = app.loaded.org.knowledge.folder
    if not folder:
        return None
    path = Path(folder)
    return path if path.is_absolute() else app.loaded.path.parent / path


def signature(folder: Path) -> Signature:
    entries = []
    for p in sorted(folder.rglob("*.md")):
        stat = p.stat()
        entries.append((str(p.relative_to(folder)), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


class FolderWatch:
    def __init__(self) -> None:
        self.seen: Signature | None = None

    async def tick(self, app: App) -> FolderSync | None:
        folder = folder_of(app)
        if folder is None or not folder.is_dir():
            return None
        now_seen = signature(folder)
        if now_seen == self.seen:
            return None
        files = [parse_markdown((folder / name).read_text(encoding="utf-8"), name)
                 for name, _, _ in now_seen]
        report = await sync_folder(app.uow, files, app.clock.now())
        self.seen = now_seen
        if report.added or report.changed or report.retired:
            log.info("knowledge base folder: %d added, %d changed, %d retired",
                     report.added, report.changed, report.retired)
        return report
