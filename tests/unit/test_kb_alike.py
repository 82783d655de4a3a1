"""Titles that differ in their key term are two problems; paraphrases are one."""

import subprocess
import sys

import pytest

from storage.kb_alike import key_terms_differ
from storage.kb_index import Terms, similarity
from storage.kb_synonyms import synonyms
from storage.kb_text import words
from workflows.knowledge_settings import KnowledgeSettings

DUPLICATE = KnowledgeSettings().duplicate_score


def score(a: str, b: str) -> float:
    return similarity(Terms.of(words(a)), Terms.of(words(b)))


@pytest.mark.parametrize(("a", "b"), [
    ("Outage: DNS", "Outage: mail"),
    ("Printer on floor 2 offline", "Printer on floor 3 offline"),
    ("VPN down in Berlin", "VPN down in Shanghai"),
    ("二楼打印机脱机", "三楼打印机脱机"),
])
def test_a_different_key_term_is_a_different_problem(a: str, b: str) -> None:
    assert key_terms_differ(a, b) and key_terms_differ(b, a)


def test_the_reported_pair_scores_as_a_duplicate_without_the_rule() -> None:
    assert score("Outage: DNS", "Outage: mail") >= DUPLICATE  # why the score alone misled


@pytest.mark.parametrize(("a", "b"), [
    ("Printer on floor 2 offline", "printer on floor 2 is offline again"),  # words added
    ("Outage: mail", "Outage: email"),  # a synonym
    ("Outlook not syncing", "Outlok not syncing!"),  # a typo
    ("打印机脱机", "打印机又脱机了"),
    ("Outage: DNS", "OUTAGE - dns"),
])
def test_paraphrases_stay_alike(a: str, b: str) -> None:
    assert not key_terms_differ(a, b) and not key_terms_differ(b, a)


ENGLISH_ONLY = """
import sys
from storage.kb_alike import key_terms_differ
from storage.kb_synonyms import synonyms
assert key_terms_differ("Outage: DNS", "Outage: mail")
assert not key_terms_differ("mail down on floor 3", "email down on floor 3")
assert synonyms()["laptop"] >= {"comput", "notebook"}
print("jieba" in sys.modules)
"""


def test_english_titles_are_compared_without_loading_jieba() -> None:
    # jieba's dictionary costs a second and 70 MB: an English-only process's first creation
    # (the duplicate check reads the thesaurus) must not load it.
    out = subprocess.run([sys.executable, "-c", ENGLISH_ONLY], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_the_thesaurus_gains_its_chinese_words_once_chinese_is_read() -> None:
    assert key_terms_differ("打印机 坏了", "邮箱 满了")
    assert "电脑" in synonyms()["laptop"]
    assert not key_terms_differ("laptop is slow", "电脑 is slow")
