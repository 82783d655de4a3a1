"""Articles kept as Markdown files in the organisation's folder: the folder is the truth for
them. A new file adds an article, a changed one is its next version, a removed one retires it.
Comparing contents (not times) makes a sync idempotent: replicas syncing at once change the
same article once (its row is locked), and a second run finds nothing to do."""

from dataclasses import dataclass, replace
from datetime import datetime

from commands.ports import ArticleDraft, UnitOfWorkFactory
from workflows.knowledge import ArticleStatus, Visibility, check_text


@dataclass(frozen=True, slots=True)
class FileArticle:
    path: str  # relative to the folder: the article's identity
    title: str
    body: str
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True)
class FolderSync:
    added: int = 0
    changed: int = 0
    retired: int = 0


async def sync_folder(uow_factory: UnitOfWorkFactory, files: list[FileArticle],
                      now: datetime) -> FolderSync:
    added = changed = retired = 0
    async with uow_factory() as uow:
        known = await uow.kb.by_source_file()
        seen = set()
        for f in files:
            seen.add(f.path)
            title, body = check_text(f.title, f.body)
            article = known.get(f.path)
            if article is None:
                await uow.kb.add(ArticleDraft(title, body, f.visibility, source_file=f.path),
                                 None, now, action="load")
                added += 1
                continue
            wanted = replace(article, title=title, body=body, visibility=f.visibility,
                             status=ArticleStatus.ACTIVE)
            if wanted != article:
                await uow.kb.change(wanted, "reload", None, now)
                changed += 1
        for path, article in known.items():
            if path not in seen and article.status is ArticleStatus.ACTIVE:
                await uow.kb.change(replace(article, status=ArticleStatus.RETIRED), "retire",
                                    None, now)
                retired += 1
        await uow.commit()
    return FolderSync(added, changed, retired)
