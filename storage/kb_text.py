"""Words for the knowledge-base search: Chinese segmented by jieba, English stemmed by Snowball.

Everything is local: jieba's dictionary ships inside its wheel. Loading it takes about a second
and 70 MB, so it happens once per process and only where Chinese is met: at start-up when the
bot speaks Chinese (`warm()`, bot/bootstrap.py) or the index holds Chinese text, else with the
first Chinese text searched. English text never loads it.
"""

import re
import threading
import unicodedata
from functools import lru_cache
from types import ModuleType
from typing import Any

import snowballstemmer

_LOCK = threading.Lock()
_JIEBA: ModuleType | None = None
_STEM = snowballstemmer.stemmer("english")
_RUNS = re.compile(r"[a-z0-9][a-z0-9+#._-]*|[\u3400-\u9fff]+")
# Words too common to say anything about which article fits.
_EN_WORDS = """a an and are as at be been but by can cannot could do does doesn't don't
for from get gets getting got had has have help how i i'm if in into is isn't it it's its me my
no not of on or our please should so still than that the their them then there this to too try
trying us was we were what when where which who why will with won't would you your
need needs want wants request apply submit company today anyone somebody someone"""
_ZH_WORDS = """的 了 吗 呢 吧 啊 我 我的 你 您 他 她 是 在 和 与 或 就 都 也 还 又 很 怎么 怎样
如何 为什么 什么 请问 一下 一个 这个 那个 有 没有 不 能 可以 无法 不能 不了 要 会 让 把 被 给 到 时 后
请 帮 帮忙 问题 一直 申请 公司 时候 什么时候 提交 需要 想 想要 今天 哪里 谁"""
_EN_STOP = frozenset(_EN_WORDS.split())
_ZH_STOP = frozenset(_ZH_WORDS.split())
# Shorter English words get no character grams: too few to tell a typo from another word.
_GRAM_MIN = 5


def warm() -> ModuleType:
    """jieba, with its dictionary loaded (now, if it was not yet)."""
    global _JIEBA
    if _JIEBA is not None:
        return _JIEBA
    with _LOCK:
        if _JIEBA is None:
            import jieba

            jieba.setLogLevel(60)  # its start-up chatter is not ours to log
            jieba.initialize()
            _JIEBA = jieba
    return _JIEBA


def is_warm() -> bool:
    """Whether jieba is loaded: some Chinese text has been segmented, or `warm()` was called."""
    return _JIEBA is not None


def _segment(run: str) -> list[Any]:
    return list(warm().lcut(run, HMM=True))


def fold(text: str) -> str:
    """Full-width to half-width, lower case: ＶＰＮ is vpn."""
    return unicodedata.normalize("NFKC", text).lower()


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return _STEM.stemWord(word)


def grams(word: str) -> list[str]:
    """Character trigrams of a longer English word (marked `~`): a typo (`pritner`) still
    shares most of them with the word it meant."""
    padded = f"^{word}$"
    return ["~" + padded[i:i + 3] for i in range(len(padded) - 2)]


def words(text: str, with_grams: bool = True) -> list[str]:
    """The search terms of a text, in order, repeats kept (BM25 counts them)."""
    out: list[str] = []
    for run in _RUNS.findall(fold(text)):
        if run[0].isascii():
            word = run.strip("._-")
            if not word or word in _EN_STOP:
                continue
            out.append(_stem(word))
            if with_grams and len(word) >= _GRAM_MIN and word.isalpha():
                out.extend(grams(word))
            continue
        for piece in _segment(run):
            if piece not in _ZH_STOP:
                out.append(piece)
        # Single characters of a run make up for a segmentation that cut the query and the
        # article differently (打印机 / 打印 机); marked so they weigh as partial evidence.
        if with_grams:
            out.extend("~" + ch for ch in run if ch not in _ZH_STOP)
    return out


def is_partial(term: str) -> bool:
    return term.startswith("~")


def near_words(word: str) -> frozenset[str]:
    """The stems of the words one slip from `word`: two neighbouring letters swapped, or one
    letter too many. (Typed words are compared as their stems, so both are tried.)"""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    drops = {word[:i] + word[i + 1:] for i in range(len(word))}
    near = (swaps | drops) - {word}
    return frozenset(near | {_stem(w) for w in near})
