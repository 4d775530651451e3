"""Print before/after tables from two final_eval.sh output folders.

.venv/bin/python research2/table.py research2/_work/final_before research2/_work/final_after
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

KEYS = [
    ("p_at_1", "P@1"),
    ("mrr", "MRR"),
    ("recall_at_3", "R@3"),
    ("answer_accuracy", "right"),
    ("false_decline_rate", "in-decl"),
    ("decline_recall", "out-decl"),
    ("faq_turn_accuracy", "FAQ turns"),
]


def fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def main() -> None:
    before, after = (Path(a) for a in sys.argv[1:3])
    names = sorted(p.stem for p in after.glob("*.json"))
    order = [
        "nm_tuning",
        "nm_heldout",
        "nm_heldout2",
        "nm_heldout3",
        "nm_dev4_A",
        "nm_dev4_B",
        "nm0_heldout3",
        "nm0_dev4_A",
        "nm0_dev4_B",
        "transit_A",
        "transit_B",
        "conv1",
        "conv2",
    ]
    names = [n for n in order if n in names]
    print("| set | " + " | ".join(label for _, label in KEYS) + " |")
    print("|---|" + "---|" * len(KEYS))
    styles = {}
    for name in names:
        b = json.loads((before / f"{name}.json").read_text())
        a = json.loads((after / f"{name}.json").read_text())
        cells = [
            f"{fmt(b.get(k))} → {fmt(a.get(k))}"
            for k, _ in KEYS
            if a.get(k) is not None or b.get(k) is not None
        ]
        used = [label for k, label in KEYS if a.get(k) is not None or b.get(k) is not None]
        print(f"| {name} | " + " | ".join(f"{label} {c}" for label, c in zip(used, cells)) + " |")
        if a.get("by_style"):
            styles[name] = (b.get("by_style", {}), a["by_style"])
    for name, (b, a) in styles.items():
        print(
            f"\n{name}, answered as labelled by style (in scope: right; out of scope: declined), before → after"
        )
        print("| style | n | before | after |")
        print("|---|---|---|---|")
        for style, v in a.items():
            print(f"| {style} | {v['n']} | {fmt(b.get(style, {}).get('correct'))} | {fmt(v['correct'])} |")


if __name__ == "__main__":
    main()
