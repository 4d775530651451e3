"""Conversation variants on one NM build: the follow-up rule's options, side by side.

.venv/bin/python research2/conv_variants.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

from faqbot import conversation  # noqa: E402
from faqbot.embedders import shared_embedder  # noqa: E402
from faqbot.evaluate import evaluate, load_cases  # noqa: E402

ORIGINAL = conversation._agreed


def only_alone(chosen, *others):
    alone = [r for r in others if r.name == "alone" and r.top == chosen.top]
    best = max([chosen.confidence, *(r.confidence for r in alone)])
    return conversation.Reading(chosen.name, chosen.ranked, best)


def own(chosen, *others):
    return chosen


VARIANTS = {"own confidence (before)": own, "max of agreeing": ORIGINAL, "max with alone": only_alone}


def main() -> None:
    embedder = harness.MemoEmbedder(shared_embedder("e5"))
    bot, _ = harness.build("nm", embedder)
    for name, fn in VARIANTS.items():
        conversation._agreed = fn
        for cases in ("conv1", "conv2", "nm_dev4_A"):
            report = evaluate(bot, load_cases(harness.DEV[cases][1]))
            print(harness.line(f"{cases} {name}"[:40], report.metrics))
    embedder.save()


if __name__ == "__main__":
    main()
