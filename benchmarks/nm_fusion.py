"""Fusion variants on the bundled New Mexico FAQ: ranking quality on every labelled set.

    .venv/bin/python benchmarks/nm_fusion.py

Ranks every labelled in-scope query with each fusion variant and prints P@1 and
MRR (no threshold) on the three development sets (tests/data/nm_tuning.jsonl,
nm_heldout.jsonl, nm_heldout2.jsonl) and the clean held-out set nm_heldout3.jsonl,
which is reported here, never used to choose a variant.
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


def main() -> int:
    bot = FAQBot.from_corpus()
    default = bot.retriever.config
    alone = replace(default, w_question=0.0, w_answer=0.0, w_lexical=0.0, w_classifier=0.0, w_outside=0.0)
    variants = {
        "convex (default, with the classifier)": default,
        "convex without the classifier": replace(default, w_classifier=0.0, w_outside=0.0),
        "convex, BM25 squashed b/(b+6)": replace(default, lexical_norm="squash"),
        "rrf (k=60)": replace(default, method="rrf"),
        "classifier only": replace(alone, w_classifier=1.0),
        "dense: questions+alternates only": replace(alone, w_question=1.0),
        "dense: answer passages only": replace(alone, w_answer=1.0),
        "BM25 only": replace(alone, w_lexical=1.0),
    }
    sets = {}
    for name in ("tuning", "heldout", "heldout2", "heldout3"):
        cases = [json.loads(line) for line in (ROOT / "tests" / "data" / f"nm_{name}.jsonl").open()]
        cases = [c for c in cases if c["expected"] is not None]
        texts = [c["query"] for c in cases]
        sets[name] = (texts, bot.embedder.encode(texts), [c["expected"] for c in cases])
    print("| variant | " + " | ".join(f"{n} P@1 | MRR" for n in sets) + " |")
    print("|---|" + "---|---|" * len(sets))
    for label, config in variants.items():
        retriever = bot.retriever.variant(config)
        cells = []
        for texts, vectors, expected in sets.values():
            rankings = [[r.number for r in retriever.rank(t, v, k=None)] for t, v in zip(texts, vectors)]
            m = ranking_metrics(rankings, expected)
            cells += [f"{m['p_at_1']:.3f}", f"{m['mrr']:.3f}"]
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
