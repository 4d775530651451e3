"""Server start: from `faqbot serve` to its first answer, the first answers, and memory.

For each backend, ``faqbot serve`` (one process, chat and JSON API) is started
on a free port several times, backends alternating. Each time: the seconds from
starting the process to the first ``200`` from ``/healthz`` (the server loads
and warms the bot before it listens) and to the first answer of ``POST
/api/ask``; the first and the second answer's latency (different questions);
the server's RSS, peak RSS and PSS after those two answers; and whether the
process mapped libtorch.
"""

from __future__ import annotations

import statistics
import time

from .cold import HEAVY
from .context import Backend, available
from .measure import (
    hwm_mb,
    importtime,
    loads_library,
    log,
    pss_mb,
    ratio,
    rss_mb,
    running_server,
    show_server_cmd,
)
from .questions import FIRST_QUESTIONS


def one_start(b: Backend) -> dict:
    with running_server(b.cli_args()) as s:
        first_ms, first = s.ask(FIRST_QUESTIONS[0])
        to_first_answer = time.perf_counter() - s.started
        second_ms, _ = s.ask(FIRST_QUESTIONS[1])
        return {
            "cmd": show_server_cmd(s.cmd),
            "ready_s": s.ready_s,
            "first_answer_s": to_first_answer,
            "first_ms": first_ms,
            "second_ms": second_ms,
            "first_kind": first["kind"],
            "rss_mb": rss_mb(s.pid),
            "hwm_mb": hwm_mb(s.pid),
            "pss_mb": pss_mb(s.pid),
            "torch_loaded": loads_library(s.pid, "libtorch"),
        }


def import_profile(b: Backend) -> dict:
    """One more start under ``python -X importtime``: what the server imports before it listens."""
    with running_server(b.cli_args(), python_flags=["-X", "importtime"]) as s:
        ready = s.ready_s
    prof = importtime(s.extra["stderr"], HEAVY)
    return {"cmd": show_server_cmd(s.cmd), "ready_s": ready, **prof}


def section(backends: dict[str, Backend], quick: bool) -> dict:
    starts = 1 if quick else 3
    runs: dict[str, list[dict]] = {b.name: [] for b in available(backends)}
    for r in range(starts):
        order = available(backends)
        for b in order[r % len(order) :] + order[: r % len(order)]:
            log(f"server start: {b.name} ({r + 1}/{starts})")
            runs[b.name].append(one_start(b))
    out: dict = {"starts": starts, "questions": list(FIRST_QUESTIONS), "backends": {}}
    for name, rs in runs.items():
        med = {
            k: statistics.median(r[k] for r in rs)
            for k in ("ready_s", "first_answer_s", "first_ms", "second_ms", "rss_mb", "hwm_mb", "pss_mb")
        }
        out["backends"][name] = {
            "cmd": rs[0]["cmd"],
            "runs": rs,
            **med,
            "first_over_second": ratio(med["first_ms"], med["second_ms"]),
            "torch_loaded": any(r["torch_loaded"] for r in rs),
        }
    for b in [] if quick else available(backends):
        log(f"server start: import profile, {b.name}")
        out["backends"][b.name]["importtime"] = import_profile(b)
    return out
