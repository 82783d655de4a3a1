"""Search latency with a large knowledge base, and the cost of comparing a new ticket with the
open ones, in-process (what a creation adds to its answer).

Articles: the labelled set's 312, then recombined into N (sentences of several articles, with
asset tags, sites and error codes, so the vocabulary grows as a real one does). Queries: the
labelled set's 300, as a requester (public articles only).

    .venv/bin/python -m bench.kb_search_perf [--articles 50000] [--titles 500]

Start-up: with --snapshot FILE, the built index is written where TICKETBOT_KB_INDEX_FILE would
keep it (storage/kb_snapshot.py) and read back, timed: what a restarted process spends, in a
thread and apart from the requests, before its searches find articles again. Similar-ticket
look-ups against 1,000,000 tickets: bench/kb_similar_perf.py.
"""

import argparse
import random
import resource
import statistics
import time
from pathlib import Path

from bench.kb_eval.evaluate import load
from storage.kb_index import Doc, KbIndex, Terms, analyse, similarity
from storage.kb_snapshot import load_snapshot, save_snapshot
from storage.kb_text import warm, words

SITES = ["Shanghai", "Beijing", "Shenzhen", "Berlin", "Austin", "Tokyo", "二号楼", "研发中心", "仓库"]


def articles(n: int, seed: int = 7) -> list[Doc]:
    data = load()["articles"]
    rng = random.Random(seed)
    sentences = [s for a in data for s in a["body"].replace("。", "。|").replace(". ", ".|").split("|")
                 if s.strip()]
    docs = [Doc(a["id"], a["title"], a["body"], a["visibility"] == "public") for a in data]
    while len(docs) < n:
        base = rng.choice(data)
        extra = " ".join(rng.sample(sentences, 3))
        tag = f"asset A{rng.randint(10000, 99999)} error 0x{rng.randint(0, 0xFFFFFF):06X}"
        docs.append(Doc(len(docs) + 1, f"{base['title']} ({rng.choice(SITES)} {len(docs)})",
                        f"{base['body']} {extra} {tag}", rng.random() < 0.8))
    return docs


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def keep_and_read(index: KbIndex, analysed: dict[int, tuple[list[str], frozenset[str]]],
                  path: Path) -> None:
    words_by_version = {(i, 1): found for i, found in analysed.items()}
    t, c = time.perf_counter(), cpu()
    save_snapshot(path, index, words_by_version)
    saved, saved_cpu = time.perf_counter() - t, cpu() - c
    t, c = time.perf_counter(), cpu()
    loaded = load_snapshot(path)
    read, read_cpu = time.perf_counter() - t, cpu() - c
    assert loaded is not None and len(loaded[0]) == len(index)
    print(f"index kept in {path.stat().st_size / 2**20:.0f} MB: written in {saved:.1f} s "
          f"({saved_cpu:.1f} s CPU), read back in {read:.1f} s ({read_cpu:.1f} s CPU)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--titles", type=int, default=500, help="open tickets compared")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--snapshot", type=Path, default=None,
                        help="time keeping the index in this file and reading it back")
    args = parser.parse_args()
    warm()
    docs = articles(args.articles)
    started = time.perf_counter()
    analysed = {d.id: analyse(d) for d in docs}
    segmented = time.perf_counter() - started
    started = time.perf_counter()
    index = KbIndex(docs, analysed=lambda d: analysed[d.id])  # a rebuild: words remembered
    built = time.perf_counter() - started
    if args.snapshot is not None:
        keep_and_read(index, analysed, args.snapshot)
    queries = [q["query"] for q in load()["queries"]]
    times: list[float] = []
    for _ in range(args.rounds):
        for q in queries:
            t = time.perf_counter()
            index.search(q, limit=3)
            times.append((time.perf_counter() - t) * 1000)
    print(f"{len(docs)} articles: segmented in {segmented:.0f}s (once per process, then only "
          f"what changes), index (re)built in {built:.1f}s; search over {len(times)} queries: "
          f"median {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
          f"max {max(times):.1f} ms")
    # Similar tickets: the latest `titles` open tickets' words are cached per process; a new
    # ticket's title is segmented once and compared with each.
    rng = random.Random(3)
    titles = [Terms.of(words(rng.choice(docs).title)) for _ in range(args.titles)]
    cmp_times = []
    for q in queries:
        t = time.perf_counter()
        terms = Terms.of(words(q))
        sorted((similarity(terms, other) for other in titles), reverse=True)[:3]
        cmp_times.append((time.perf_counter() - t) * 1000)
    print(f"similar tickets against {args.titles} cached open titles: median "
          f"{statistics.median(cmp_times):.2f} ms, p95 {percentile(cmp_times, 0.95):.2f} ms")


if __name__ == "__main__":
    main()
