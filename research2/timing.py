"""Warm ``ask()`` against the model's bare encode, interleaved query by query (so a busy
machine slows both alike), one thread, on the bundled FAQ.

    .venv/bin/python research2/timing.py [N]
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from faqbot.bot import FAQBot  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 130
    lines = (ROOT / "research2" / "_work" / "nm_dev4_A.jsonl").read_text().splitlines()
    queries = [json.loads(x)["query"] for x in lines][:n]
    bot = FAQBot.from_corpus()
    bot.warm()
    encode, ask = [], []
    for q in queries * 2:
        t = time.perf_counter()
        bot.embedder.encode_one(q, role="query")
        encode.append(time.perf_counter() - t)
        t = time.perf_counter()
        bot.ask(q)
        ask.append(time.perf_counter() - t)
    e50, a50 = statistics.median(encode) * 1000, statistics.median(ask) * 1000
    e90 = statistics.quantiles(encode, n=10)[-1] * 1000
    a90 = statistics.quantiles(ask, n=10)[-1] * 1000
    print(
        f"bare encode p50 {e50:.1f} ms p90 {e90:.1f} ms | ask p50 {a50:.1f} ms p90 {a90:.1f} ms | "
        f"ratio p50 {a50 / e50:.2f} ({len(encode)} questions)"
    )


if __name__ == "__main__":
    main()
