"""Fusion variants on the bundled New Mexico FAQ: ranking quality on the tuning and held-out cases.

    .venv/bin/python benchmarks/nm_fusion.py

Ranks every labelled in-scope query (tests/data/nm_tuning.jsonl, nm_heldout.jsonl)
with each fusion variant and prints P@1, MRR and recall@3 (no threshold). The
default was chosen on the tuning cases only; the held-out column is the check.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from faqbot.bot import FAQBot  # noqa: E402
from faqbot.evaluate import ranking_metrics  # noqa: E402
from faqbot.retrieval import Retriever  # noqa: E402
from faqbot.retrieval.spanish import gloss  # noqa: E402


def main() -> int:
    bot = FAQBot.from_corpus()
    default = bot.retriever.config
    variants = {
        "convex (default)": default,
        "convex, BM25 squashed b/(b+6)": replace(default, lexical_norm="squash"),
        "rrf (k=60)": replace(default, method="rrf"),
        "rrf (k=10)": replace(default, method="rrf", rrf_k=10),
        "dense: questions+alternates only": replace(default, w_question=1.0, w_answer=0.0, w_lexical=0.0),
        "dense: answer passages only": replace(default, w_question=0.0, w_answer=1.0, w_lexical=0.0),
        "BM25 only": replace(default, w_question=0.0, w_answer=0.0, w_lexical=1.0),
    }
    sets = {}
    for name in ("tuning", "heldout"):
        cases = [json.loads(line) for line in (ROOT / "tests" / "data" / f"nm_{name}.jsonl").open()]
        cases = [c for c in cases if c["expected"] is not None]
        texts = [gloss(c["query"]) for c in cases]
        sets[name] = (texts, bot.embedder.encode(texts), [c["expected"] for c in cases])
    print("| variant | tuning P@1 | MRR | R@3 | held-out P@1 | MRR | R@3 |")
    print("|---|---|---|---|---|---|---|")
    for label, config in variants.items():
        retriever = Retriever(bot.index, config)
        cells = []
        for texts, vectors, expected in sets.values():
            rankings = [[r.number for r in retriever.rank(t, v, k=None)] for t, v in zip(texts, vectors)]
            m = ranking_metrics(rankings, expected)
            cells += [f"{m['p_at_1']:.3f}", f"{m['mrr']:.3f}", f"{m['recall_at_3']:.3f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
