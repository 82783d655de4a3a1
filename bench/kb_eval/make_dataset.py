"""Build bench/kb_eval/dataset.json from the hand-written topics (bench/kb_eval/topics.py).

Per topic and variant, three public articles (English, Chinese, and a short bilingual one as
many teams keep) and one internal service-desk procedure; per topic, its queries with the
variant filled in round-robin, a typo of one English query, and the "nothing" queries.

    .venv/bin/python -m bench.kb_eval.make_dataset
"""

import json
import re
from pathlib import Path

from bench.kb_eval.topics import NOTHING, TOPICS

OUT = Path(__file__).with_name("dataset.json")
_INTERNAL = ("Service desk procedure. Ask for the device name and the exact message first. "
             "Check the monitoring dashboard for a known incident before troubleshooting. {body} "
             "If none of this helps within 30 minutes, escalate to the {team} team with the "
             "steps already tried. 处理人员：先确认是否有已知故障，再按上述步骤处理。")
_TEAMS = {"vpn": "network", "wifi": "network", "printer": "workplace", "email": "messaging",
          "shared": "messaging", "phishing": "security", "erp": "business applications"}


def typo(text: str) -> str | None:
    """Swap two letters inside the query's longest word (what fast typing does)."""
    words = re.findall(r"[A-Za-z]{6,}", text)
    if not words:
        return None
    word = max(words, key=len)
    i = len(word) // 2
    wrong = word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]
    return text.replace(word, wrong, 1)


def build() -> dict:
    articles: list[dict] = []
    queries: list[dict] = []
    for topic in TOPICS:
        team = next((t for p, t in _TEAMS.items() if topic["id"].startswith(p)), "workplace")
        by_variant: list[list[int]] = []
        for v, vz in topic["variants"]:
            ids = []
            en_title, en_body = (x.format(v=v, vz=vz) for x in topic["en"])
            zh_title, zh_body = (x.format(v=v, vz=vz) for x in topic["zh"])
            forms = [(en_title, en_body, "public"), (zh_title, zh_body, "public"),
                     (f"{en_title} / {zh_title}", en_body.split(". ")[0] + ". "
                      + zh_body.split("。")[0] + "。", "public"),
                     (f"Service desk: {en_title}", _INTERNAL.format(body=en_body, team=team),
                      "internal")]
            for title, body, visibility in forms:
                articles.append({"id": len(articles) + 1, "title": title, "body": body,
                                 "visibility": visibility, "topic": topic["id"], "variant": v})
                ids.append(len(articles))
            by_variant.append(ids)
        everything = [i for ids in by_variant for i in ids]
        turn = 0
        for kind, lang, texts in (("paraphrase", "en", topic["q_en"]),
                                  ("paraphrase", "zh", topic["q_zh"]),
                                  ("mixed", "mixed", topic["q_mix"])):
            for text in texts:
                index = turn % len(topic["variants"])
                turn += 1
                v, vz = topic["variants"][index]
                named = "{v}" in text or "{vz}" in text
                queries.append({"query": text.format(v=v, vz=vz), "lang": lang, "kind": kind,
                                "topic": topic["id"],
                                "relevant": by_variant[index] if named else everything})
        wrong = typo(topic["q_en"][1 if len(topic["q_en"]) > 1 else 0].format(
            v=topic["variants"][0][0], vz=""))
        if wrong:
            queries.append({"query": wrong, "lang": "en", "kind": "typo", "topic": topic["id"],
                            "relevant": everything})
    for text in NOTHING:
        queries.append({"query": text, "lang": "zh" if not text.isascii() else "en",
                        "kind": "nothing", "topic": None, "relevant": []})
    return {"articles": articles, "queries": queries}


def main() -> None:
    data = build()
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for q in data["queries"]:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    print(f"{len(data['articles'])} articles, {len(data['queries'])} queries {kinds}")


if __name__ == "__main__":
    main()
