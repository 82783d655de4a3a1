"""The search index of a large knowledge base, kept in a file between runs.

Segmenting 50,000 articles takes minutes and building the BM25 index over them a minute more;
a process that starts again should not spend that before its suggestions work. After a large
build the index and each article's words are written to the file (atomically: a crash leaves
the previous one); at start-up they are read back in a thread and answer at once, a generation
behind at worst (search results are read back from the rows, so nothing retired or made
internal since is shown), while a rebuild that segments only the articles changed since runs
apart. The file is this process's own cache: one written by another version is ignored.
"""

import logging
import os
import pickle
from pathlib import Path

from storage.kb_index import KbIndex

log = logging.getLogger(__name__)
FORMAT = "ticketbot-kb-index-1"
Analysed = dict[tuple[int, int], tuple[list[str], frozenset[str]]]


def save_snapshot(path: Path, index: KbIndex, analysed: Analysed) -> None:
    """Blocking: called from the rebuild's thread."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as out:
            pickle.dump((FORMAT, index, analysed), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    except OSError as error:
        log.warning("could not keep the knowledge-base index in %s: %s", path, error)


def load_snapshot(path: Path) -> tuple[KbIndex, Analysed] | None:
    """Blocking. None when there is none, or it is not this version's or not whole."""
    try:
        with path.open("rb") as given:
            kind, index, analysed = pickle.load(given)
    except FileNotFoundError:
        return None
    except Exception as error:  # a torn or foreign file is rebuilt, never trusted
        log.warning("ignoring the knowledge-base index in %s: %s", path, error)
        return None
    if kind != FORMAT or not isinstance(index, KbIndex):
        return None
    return index, analysed
