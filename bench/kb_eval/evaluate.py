"""Quality of the knowledge-base search on the labelled set (bench/kb_eval/dataset.json),
beside a plain keyword match on the same set. Searches as a requester sees (public articles).

recall@3: share of the answerable queries with an answering article among the first three.
false suggestions: share of the "nothing" queries for which anything is suggested at all.

    .venv/bin/python -m bench.kb_eval.evaluate [--every N]
"""

import argparse
import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from storage.kb_index import Doc, KbIndex

DATASET = Path(__file__).with_name("dataset.json")
Search = Callable[[str], list[int]]


def load() -> dict:
    return json.loads(DATASET.read_text(encoding="utf-8"))


def bm25_search(articles: Sequence[dict]) -> Search:
    index = KbIndex([Doc(a["id"], a["title"], a["body"], a["visibility"] == "public")
                     for a in articles])
    return lambda q: [h.id for h in index.search(q, limit=3)]


def keyword_search(articles: Sequence[dict]) -> Search:
    """The baseline: how many of the query's words (a Chinese run counts as one) appear in the
    article's text; any match is suggested, most matches first."""
    texts = [(a["id"], (a["title"] + " " + a["body"]).lower()) for a in articles
             if a["visibility"] == "public"]

    def search(query: str) -> list[int]:
        words = re.findall(r"[a-z0-9]+|[\u3400-\u9fff]+", query.lower())
        scored = [(sum(w in text for w in words), i) for i, text in texts]
        return [i for s, i in sorted(scored, key=lambda x: -x[0]) if s > 0][:3]
    return search


def score(search: Search, queries: Sequence[dict]) -> dict:
    answerable = [q for q in queries if q["relevant"]]
    nothing = [q for q in queries if not q["relevant"]]
    by_kind: dict[str, list[bool]] = {}
    hits = 0
    for q in answerable:
        hit = bool(set(search(q["query"])) & set(q["relevant"]))
        hits += hit
        by_kind.setdefault(q["kind"], []).append(hit)
    false = sum(bool(search(q["query"])) for q in nothing)
    return {"recall@3": hits / len(answerable) if answerable else 0.0,
            "false_suggestions": false / len(nothing) if nothing else 0.0,
            "by_kind": {k: sum(v) / len(v) for k, v in sorted(by_kind.items())},
            "answerable": len(answerable), "nothing": len(nothing)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--every", type=int, default=1, help="take every Nth query")
    args = parser.parse_args()
    data = load()
    queries = data["queries"][::args.every]
    for name, make in (("bm25 (jieba + snowball + grams)", bm25_search),
                       ("keyword match", keyword_search)):
        started = time.perf_counter()
        result = score(make(data["articles"]), queries)
        took = time.perf_counter() - started
        kinds = ", ".join(f"{k} {v:.2f}" for k, v in result["by_kind"].items())
        print(f"{name}: recall@3 {result['recall@3']:.3f} ({kinds}); false suggestions "
              f"{result['false_suggestions']:.3f} on {result['nothing']} 'nothing' queries; "
              f"{result['answerable']} answerable; {took:.1f}s")


if __name__ == "__main__":
    main()
