"""Generalisation check for the subject list: drop every subject that dev A's near misses
named (seen before the list was written) and re-run the harness on A and the held-aside B.

    .venv/bin/python research2/ablation_seen.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

from faqbot import engine_data, nearmiss  # noqa: E402
from faqbot.retrieval import names  # noqa: E402

SEEN = {
    "hospital", "landlord", "irs", "health clinic", "post office", "consulate", "hipaa", "census",
    "greyhound", "amtrak", "uber", "school", "school district", "ada", "employer", "pharmacy",
    "taxi company", "cobra",
}  # fmt: skip

KEPT = tuple(s for s in engine_data.other_subjects() if engine_data.bare_subject(s).lower() not in SEEN)


def other_subjects() -> tuple[str, ...]:
    return KEPT


engine_data.other_subjects = other_subjects  # type: ignore[assignment]
nearmiss.other_subjects = other_subjects  # type: ignore[assignment]
engine_data.subject_keys.cache_clear()
names._subject_pattern.cache_clear()

if __name__ == "__main__":
    print(f"subjects kept: {len(KEPT)}", file=sys.stderr)
    raise SystemExit(harness.main(["--sets", "nm_dev4_A,transit_A", "--check", "--tag", "ablation_seen"]))
