"""Held-aside halves of nm_dev4 and transit_cases (written once, before any change was measured).

Stratified by (style, in/out of scope), seed 0: the same split as the previous research
round (``/work/wt-quality/research/lib.py: split_half``), so half B is data that round
never tuned on either. Half A is development data; half B is looked at only for the
final checks.

    .venv/bin/python research2/split.py   -> research2/_work/{nm_dev4,transit}_{A,B}.jsonl
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
WORK = Path(__file__).resolve().parent / "_work"
ALLOWED = {"nm_dev4.jsonl", "transit_cases.jsonl"}


def read_jsonl(path: Path) -> list[dict]:
    assert path.name in ALLOWED, path
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split_half(cases: list[dict], seed: int = 0) -> tuple[list[dict], list[dict]]:
    groups: dict = defaultdict(list)
    for i, c in enumerate(cases):
        groups[(c.get("style"), c["expected"] is None)].append(i)
    rng = random.Random(seed)
    a, b = [], []
    for key in sorted(groups, key=str):
        idx = groups[key][:]
        rng.shuffle(idx)
        half = (len(idx) + 1) // 2
        a += idx[:half]
        b += idx[half:]
    return [cases[i] for i in sorted(a)], [cases[i] for i in sorted(b)]


def main() -> None:
    WORK.mkdir(exist_ok=True)
    for source, stem in (("nm_dev4.jsonl", "nm_dev4"), ("transit_cases.jsonl", "transit")):
        halves = split_half(read_jsonl(DATA / source))
        for name, cases in zip("AB", halves):
            out = WORK / f"{stem}_{name}.jsonl"
            out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), encoding="utf-8")
            print(out, len(cases))


if __name__ == "__main__":
    main()
