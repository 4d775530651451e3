"""Deployment: three `faqbot serve` replicas behind HAProxy, one of them killed under load.

The HAProxy configuration is ``deploy/haproxy.cfg`` itself, used as it ships: its
addresses come from environment variables (``FAQBOT_REPLICA_1..3``, ``FAQBOT_LISTEN``,
``FAQBOT_STATS_SOCKET``, ``FAQBOT_STATS_LISTEN``), which the test points at free
loopback ports. The replicas are plain ``python -m faqbot serve --port P`` processes
sharing the committed index (read only).

The failover test drives a steady load of known questions at ``/api/ask`` through
HAProxy, SIGKILLs one replica mid-run, restarts it later, and asserts what must hold
whatever the machine's speed: no client request failed, every answer names the right
FAQ question, HAProxy marked the dead replica DOWN and the restarted one UP again,
and every replica (the restarted one included) answered. Timings are measured and
printed (and written to a JSON file named in the output), never asserted: this
machine is shared and noisy.

The Dockerfile check (``deploy/check_dockerfile.py``) runs here too: what can be
checked of the image without a Docker daemon.

Loopback only; every process started here is stopped (SIGTERM, then SIGKILL) even
when a test fails.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from web_helpers import START_TIMEOUT, free_port, visible_text

pytestmark = [pytest.mark.slow, pytest.mark.server]

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
HAPROXY_CFG = DEPLOY / "haproxy.cfg"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
REPLICAS = ("r1", "r2", "r3")  # the server names in deploy/haproxy.cfg
RATE = 2  # questions a minute per remote address, per replica (clients on loopback: no limit)
VICTIM = "r2"  # the replica that is killed and restarted

THREADS = 6  # client threads
PACE = 0.3  # seconds each client thread waits between requests (~15-20 requests/s in all)
PHASE_ANSWERS = 60  # answers to collect before the kill, while it is down, after it is back
AFTER_RESTART_MIN = 10  # requests the restarted replica must answer before the load stops
WAIT = 90  # seconds: a bound on each wait for HAProxy to notice a change (not an assertion)
REQUEST_TIMEOUT = 30


# --- processes ------------------------------------------------------------------------


def _stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """SIGTERM, then SIGKILL: the process (one we started) is gone when this returns."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Replica:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
        with open(self.log, "a") as out:
            out.write(f"--- start {self.starts} ---\n")
            out.flush()
            self.proc = subprocess.Popen(
                # a small per-address budget, so the forwarded-address test sees it bite quickly
                [
                    sys.executable,
                    "-m",
                    "faqbot",
                    "serve",
                    "--port",
                    str(self.port),
                    "--rate-limit",
                    str(RATE),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        """Until this replica's own /healthz answers 200 (bounded)."""
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"replica {self.name} exited with {self.proc.returncode}:\n{self.log.read_text()}"
                )
            try:
                if httpx.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"replica {self.name} not ready after {START_TIMEOUT}s")
            time.sleep(0.2)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


@dataclass
class Balancer:
    port: int
    stats_port: int
    socket_path: Path
    log: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, replicas: list[Replica]) -> dict[str, str]:
        env = dict(
            os.environ,
            FAQBOT_LISTEN=f"127.0.0.1:{self.port}",
            FAQBOT_STATS_LISTEN=f"127.0.0.1:{self.stats_port}",
            FAQBOT_STATS_SOCKET=str(self.socket_path),
        )
        for i, r in enumerate(replicas, 1):
            env[f"FAQBOT_REPLICA_{i}"] = f"127.0.0.1:{r.port}"
        return env

    def start(self, replicas: list[Replica]) -> None:
        # -db: stay in the foreground (no daemon), so the process we hold is HAProxy itself.
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(HAPROXY_CFG)],
                env=self.env(replicas),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 30
        while not self.socket_path.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"haproxy did not start:\n{self.log.read_text()}")
            time.sleep(0.1)

    def stats(self) -> dict[tuple[str, str], dict[str, str]]:
        """HAProxy's `show stat`, keyed by (proxy, server)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(self.socket_path))
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        rows = csv.DictReader([lines[0].lstrip("# ")] + [line for line in lines[1:] if line])
        return {(r["pxname"], r["svname"]): r for r in rows}

    def status(self, server: str, backend: str = "faqbot_api") -> str:
        return self.stats()[(backend, server)]["status"]

    def answered(self, backend: str = "faqbot_api") -> dict[str, int]:
        """Requests each replica answered (2xx responses) in ``backend``."""
        stats = self.stats()
        return {r: int(stats[(backend, r)]["hrsp_2xx"] or 0) for r in REPLICAS}

    def wait_status(self, server: str, wanted: str, bound: float = WAIT) -> float:
        """Seconds until ``server`` shows ``wanted`` (exactly: not "UP 1/2"); polled every 50 ms."""
        started = time.monotonic()
        while True:
            status = self.status(server)
            if status == wanted:
                return time.monotonic() - started
            if time.monotonic() - started > bound:
                raise AssertionError(f"{server} still {status!r}, not {wanted!r}, after {bound}s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            _stop(self.proc)


@dataclass
class Cluster:
    replicas: dict[str, Replica]
    lb: Balancer


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    if not Path(HAPROXY).exists():
        pytest.skip("needs HAProxy (Debian: apt-get install haproxy; .ci/run installs it)")
    work = tmp_path_factory.mktemp("deploy")
    replicas = {name: Replica(name, free_port(), work / f"replica-{name}.log") for name in REPLICAS}
    lb = Balancer(free_port(), free_port(), work / "haproxy.sock", work / "haproxy.log")
    with contextlib.ExitStack() as stack:
        for r in replicas.values():
            stack.callback(r.stop)
            r.start()
        stack.callback(lb.stop)
        lb.start(list(replicas.values()))  # before the replicas are ready: HAProxy sees them come UP
        for r in replicas.values():
            r.wait_ready()
        for name in REPLICAS:
            lb.wait_status(name, "UP", bound=START_TIMEOUT)
        yield Cluster(replicas, lb)


def test_shipped_config_is_valid():
    if not Path(HAPROXY).exists():
        pytest.skip("needs HAProxy (Debian: apt-get install haproxy; .ci/run installs it)")
    out = subprocess.run([HAPROXY, "-c", "-f", str(HAPROXY_CFG)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Warnings were found" not in out.stdout + out.stderr, out.stdout + out.stderr


# --- the chat: a browser session stays on one replica ------------------------------------


def _chat_handler(client: httpx.Client) -> tuple[int, int]:
    """(fn_index, trigger id) of the chat box's submit handler, from the page config
    (fetched with the browser's cookie, as the page does)."""
    config = client.get("/config").json()
    for i, dep in enumerate(config["dependencies"]):
        targets = dep.get("targets") or []
        if dep.get("api_name") == "respond" and targets and targets[0][1] == "submit":
            return dep.get("id", i), targets[0][0]
    raise AssertionError("no chat submit handler ('respond') in the page config")


def _chat_turn(client: httpx.Client, question: str) -> dict[str, Any]:
    """One chat turn as the page sends it (join the queue, read its event stream), with
    ``client``'s cookies: what a browser does after loading the page."""
    fn_index, trigger = _chat_handler(client)
    session = os.urandom(6).hex()
    body = {
        "data": [question, None],
        "fn_index": fn_index,
        "trigger_id": trigger,
        "session_hash": session,
        "event_data": None,
    }
    r = client.post("/gradio_api/queue/join", json=body)
    assert r.status_code == 200, r.text
    last: dict[str, Any] = {}
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as s:
        for line in s.iter_lines():
            if line.startswith("data:"):
                last = json.loads(line[5:])
                if last.get("msg") in ("process_completed", "unexpected_error"):
                    break
    return last


def test_chat_session_is_sticky_and_each_session_works(cluster):
    """Each browser (its own cookie jar) gets a FAQBOT_REPLICA cookie with the page, and its
    chat turns, over Gradio's queue (join on one request, the answer on another), work
    through the balancer. New sessions are spread over the replicas."""
    question = "How long does New Mexico keep the data it shares with ICE?"
    assigned = []
    for _ in range(6):
        with httpx.Client(base_url=cluster.lb.url, timeout=REQUEST_TIMEOUT) as browser:
            page = browser.get("/")
            assert page.status_code == 200
            replica = browser.cookies.get("FAQBOT_REPLICA")
            assert replica in REPLICAS, page.headers.get("set-cookie")
            assigned.append(replica)
            for _turn in range(2):
                done = _chat_turn(browser, question)
                assert done.get("msg") == "process_completed" and done.get("success"), done
                reply = visible_text(json.dumps(done["output"]["data"][0], ensure_ascii=False))
                assert "Question 9" in reply, reply[:500]
            assert browser.cookies.get("FAQBOT_REPLICA") == replica  # the session never moved
    assert len(set(assigned)) >= 2, assigned  # round robin for new sessions
    print(f"\nchat sessions: cookies assigned {assigned}")


def test_without_the_cookie_a_chat_turn_breaks(cluster):
    """The control for the test above: the same turn with its two requests sent to two
    different replicas (by cookie) does not complete. So the stickiness is what makes
    the chat work through the balancer, not luck."""
    with (
        httpx.Client(
            base_url=cluster.lb.url, timeout=REQUEST_TIMEOUT, cookies={"FAQBOT_REPLICA": "r1"}
        ) as one,
        httpx.Client(
            base_url=cluster.lb.url, timeout=REQUEST_TIMEOUT, cookies={"FAQBOT_REPLICA": "r3"}
        ) as other,
    ):
        fn_index, trigger = _chat_handler(one)
        session = os.urandom(6).hex()
        body = {"data": ["How long is my data kept?", None], "fn_index": fn_index, "trigger_id": trigger,
                "session_hash": session, "event_data": None}  # fmt: skip
        assert one.post("/gradio_api/queue/join", json=body).status_code == 200
        try:
            r = other.get("/gradio_api/queue/data", params={"session_hash": session})
        except httpx.HTTPError as exc:  # the replica that never saw the session cuts the stream
            outcome = f"{type(exc).__name__}: {exc}"
        else:
            assert "process_completed" not in r.text, r.text[:300]
            outcome = f"HTTP {r.status_code} {r.text[:120]!r}"
        print(f"\nqueue/data on another replica than queue/join: {outcome}")


def test_gradio_client_works_through_the_balancer(cluster):
    """gradio_client's two-step call (POST /call/ask, then GET its event stream) needs both
    steps on one replica: it keeps the first response's cookie, so it works through HAProxy."""
    from gradio_client import Client

    for _ in range(3):  # three clients, three sessions: round robin would split the two steps
        client = Client(cluster.lb.url + "/", verbose=False)
        assert client.cookies.get("FAQBOT_REPLICA") in REPLICAS, client.cookies
        for _ in range(2):
            result = client.predict(
                "How long does New Mexico keep the data it shares with ICE?", api_name="/ask"
            )
            assert result["question_number"] == 9


def test_the_balancer_forwards_the_client_address_and_drops_a_forged_one(cluster):
    """Each replica limits questions per client address, which it reads from the
    X-Forwarded-For HAProxy sends. A client's own X-Forwarded-For is dropped at the
    front door, so nobody can pose as another address (or spread over fake ones)."""
    forged = {"X-Forwarded-For": "203.0.113.50"}
    question = {"question": "How long does New Mexico keep the data it shares with ICE?"}
    direct = cluster.replicas["r1"].url + "/api/ask"  # control: the replica honours the header
    codes = [
        httpx.post(direct, json=question, headers=forged, timeout=60).status_code for _ in range(RATE + 1)
    ]
    assert codes == [200] * RATE + [429]
    through = [
        httpx.post(cluster.lb.url + "/api/ask", json=question, headers=forged, timeout=60).status_code
        for _ in range(4 * RATE * len(REPLICAS))
    ]
    assert through == [200] * len(through)  # seen as this machine's address: never limited


# --- the JSON API: a replica dies under load ---------------------------------------------


@dataclass
class Case:
    question: str
    history: list[Any]
    expected: int


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: int = 0
    answered: int = 0
    failed: int = 0
    wrong: int = 0
    during_outage: int = 0  # requests sent between the kill and HAProxy marking the replica UP again
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def _cases(lb: str) -> list[Case]:
    """Known questions with known answers: each FAQ question as written (it must come back
    as its own number), alone, after an earlier question (a string), and after an earlier
    answer (the dict the API returned), so the requests carry conversation state too."""
    with httpx.Client(base_url=lb, timeout=REQUEST_TIMEOUT) as c:
        entries = c.get("/api/entries").json()["entries"]
        assert len(entries) >= 3
        first = c.post("/api/ask", json={"question": entries[0]["question"]}).json()
    cases = []
    for i, e in enumerate(entries):
        previous = entries[i - 1]["question"]
        cases.append(Case(e["question"], [], e["number"]))
        cases.append(Case(e["question"], [previous], e["number"]))
        cases.append(Case(e["question"], [first], e["number"]))
    return cases


def _ask(client: httpx.Client, case: Case) -> str | None:
    """None when the answer is right, else what went wrong."""
    r = client.post("/api/ask", json={"question": case.question, "history": case.history})
    if r.status_code != 200:
        return f"HTTP {r.status_code}: {r.text[:200]}"
    got = r.json().get("question_number")
    return None if got == case.expected else f"wrong: {case.question!r} -> {got}, expected {case.expected}"


def test_replica_killed_under_load_no_client_sees_an_error(cluster, tmp_path, capsys):
    lb, victim = cluster.lb, cluster.replicas[VICTIM]
    cases = _cases(lb.url)
    with httpx.Client(base_url=lb.url, timeout=REQUEST_TIMEOUT) as c:  # every case, once, before the load
        problems = [p for case in cases if (p := _ask(c, case))]
    assert not problems, f"the engine answers these wrong even with all replicas up: {problems[:5]}"

    tally = Tally()
    stop = threading.Event()
    outage = threading.Event()  # set from the kill until HAProxy shows the replica UP again

    def client_thread(k: int) -> None:
        with httpx.Client(base_url=lb.url, timeout=REQUEST_TIMEOUT) as c:
            while not stop.is_set():
                case = cases[k % len(cases)]
                k += THREADS
                in_outage = outage.is_set()
                started = time.perf_counter()
                try:
                    problem = _ask(c, case)
                except httpx.HTTPError as exc:
                    problem = f"{type(exc).__name__}: {exc}"
                elapsed = time.perf_counter() - started
                with tally.lock:
                    tally.sent += 1
                    tally.during_outage += in_outage
                    if problem is None:
                        tally.answered += 1
                        tally.latencies.append(elapsed)
                    elif problem.startswith("wrong"):
                        tally.wrong += 1
                        tally.failures.append(problem)
                    else:
                        tally.failed += 1
                        tally.failures.append(problem)
                stop.wait(PACE)

    def wait_answers(n: int, bound: float = WAIT) -> None:
        with tally.lock:
            target = tally.answered + tally.failed + tally.wrong + n
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            with tally.lock:
                if tally.answered + tally.failed + tally.wrong >= target:
                    return
            time.sleep(0.05)
        raise AssertionError(f"the load stalled: {tally.sent} sent, {tally.answered} answered")

    numbers: dict[str, Any] = {"threads": THREADS, "pace_s": PACE, "questions": len(cases)}
    stats_before = lb.stats()
    answered_before = lb.answered()
    threads = [threading.Thread(target=client_thread, args=(k,), daemon=True) for k in range(THREADS)]
    load_started = time.monotonic()
    try:
        for t in threads:
            t.start()
        wait_answers(PHASE_ANSWERS)

        # SIGKILL one replica mid-run: no goodbye, in-flight requests cut off.
        outage.set()
        killed_at = time.monotonic()
        victim.kill()
        numbers["seconds_to_mark_down"] = round(lb.wait_status(VICTIM, "DOWN"), 2)
        wait_answers(PHASE_ANSWERS)  # the load goes on with two replicas

        restarted_at = time.monotonic()
        victim.start()
        victim.wait_ready()
        numbers["seconds_restart_to_ready"] = round(time.monotonic() - restarted_at, 2)
        numbers["seconds_ready_to_mark_up"] = round(lb.wait_status(VICTIM, "UP"), 2)
        outage.clear()
        numbers["seconds_outage_kill_to_up"] = round(time.monotonic() - killed_at, 2)
        back_from = lb.answered()[VICTIM]

        # Until the restarted replica has answered its share again (bounded).
        deadline = time.monotonic() + WAIT
        while lb.answered()[VICTIM] - back_from < AFTER_RESTART_MIN and time.monotonic() < deadline:
            time.sleep(0.1)
        wait_answers(PHASE_ANSWERS // 2)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=REQUEST_TIMEOUT + 5)
    numbers["load_seconds"] = round(time.monotonic() - load_started, 1)

    stats_after = lb.stats()
    answered_after = lb.answered()
    per_replica = {r: answered_after[r] - answered_before[r] for r in REPLICAS}
    backend_before, backend_after = (
        stats_before[("faqbot_api", "BACKEND")],
        stats_after[("faqbot_api", "BACKEND")],
    )
    lat = sorted(tally.latencies)
    numbers.update(
        {
            "requests_sent": tally.sent,
            "requests_failed": tally.failed,
            "answers_checked": tally.answered + tally.wrong,
            "answers_wrong": tally.wrong,
            "requests_sent_during_outage": tally.during_outage,
            "answered_per_replica": per_replica,
            "victim_answered_after_restart": answered_after[VICTIM] - back_from,
            "haproxy_retries": int(backend_after["wretr"] or 0) - int(backend_before["wretr"] or 0),
            "haproxy_redispatches": int(backend_after["wredis"] or 0) - int(backend_before["wredis"] or 0),
            "times_marked_down": {
                r: int(stats_after[("faqbot_api", r)]["chkdown"] or 0)
                - int(stats_before[("faqbot_api", r)]["chkdown"] or 0)
                for r in REPLICAS
            },
            "latency_ms": {
                "p50": round(1000 * statistics.median(lat), 1) if lat else None,
                "p95": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
                "max": round(1000 * lat[-1], 1) if lat else None,
            },
            "failures": tally.failures[:20],
        }
    )
    out = tmp_path / "deploy_failover.json"
    out.write_text(json.dumps(numbers, indent=2))
    if os.environ.get("FAQBOT_FAILOVER_REPORT"):  # `make test-deploy`: the README quotes this file
        _write_failover_report(Path(os.environ["FAQBOT_FAILOVER_REPORT"]), numbers)
    with capsys.disabled():
        print("\n--- replica failover behind HAProxy (deploy/haproxy.cfg) ---")
        for key, value in numbers.items():
            if key != "failures":
                print(f"  {key}: {value}")
        print(f"  numbers written to {out}")

    assert tally.failed == 0, tally.failures[:10]
    assert tally.wrong == 0, tally.failures[:10]
    assert tally.answered > 2 * PHASE_ANSWERS
    assert tally.during_outage > 0  # the load really ran while the replica was dead
    assert all(n > 0 for n in per_replica.values()), per_replica
    assert answered_after[VICTIM] - back_from >= AFTER_RESTART_MIN, "the restarted replica got no traffic"
    assert numbers["times_marked_down"][VICTIM] >= 1
    assert lb.status(VICTIM) == "UP"


def _write_failover_report(path: Path, numbers: dict[str, Any]) -> None:
    """The failover run's figures as Markdown (a generated file, written aside then renamed)."""
    from faqbot._files import write_atomic

    rows = [(k, v) for k, v in numbers.items() if k != "failures"]
    lines = [
        "# Replica failover behind HAProxy",
        "",
        "Generated by `make test-deploy` (tests/test_deploy.py, "
        "`test_replica_killed_under_load_no_client_sees_an_error`) on "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; do not edit by hand.",
        f"{len(REPLICAS)} `faqbot serve` replicas behind Debian's HAProxy with deploy/haproxy.cfg; "
        f"{THREADS} client threads ask known questions at `/api/ask`; replica {VICTIM} is killed "
        "with SIGKILL mid-run and restarted.",
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| {k.replace('_', ' ')} | {json.dumps(v)} |" for k, v in rows),
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, "\n".join(lines).encode("utf-8"))


# --- the container image: what can be checked without a Docker daemon -----------------------


def test_dockerfile_compose_and_image_steps():
    """deploy/check_dockerfile.py: static checks of the Dockerfile, .dockerignore and
    compose.yaml, hadolint when installed, and the image's build and run steps as a plain
    script (a fresh venv, the build context, `faqbot build --if-stale`, the CMD as a
    non-root user, the HEALTHCHECK). Offline: pip resolves nothing from the network here."""
    out = subprocess.run(
        [sys.executable, str(DEPLOY / "check_dockerfile.py"), "--run"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(out.stdout)
    assert out.returncode == 0, out.stdout + out.stderr
    assert not [line for line in out.stdout.splitlines() if line.startswith("FAIL")]
