"""Small HTTP helpers for the web tests: Gradio's call and queue protocols, raw.

``gradio_client`` encodes requests as strict UTF-8 and so cannot send some of the
bad input a browser can (a lone surrogate from a broken emoji); these helpers send
ASCII-escaped JSON and read the server-sent events themselves. Loopback only.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 240  # seconds; a bound on waiting for a busy 2-core machine, not an assertion


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_base(url: str) -> str:
    return url.rstrip("/") + "/gradio_api"


def _post_json(client: httpx.Client, url: str, payload: Any) -> httpx.Response:
    # ensure_ascii: lone surrogates travel as \\udcff escapes, as a browser's JSON.stringify sends them
    return client.post(url, content=json.dumps(payload), headers={"content-type": "application/json"})


def api_ask(
    url: str, question: Any, timeout: float = 120, headers: dict[str, str] | None = None
) -> tuple[str, Any]:
    """Call the /ask endpoint: ("complete", answer dict) | ("error", message) | ("http", (status, body))."""
    base = api_base(url)
    with httpx.Client(timeout=timeout, headers=headers) as c:
        r = _post_json(c, f"{base}/call/ask", {"data": [question]})
        if r.status_code != 200:
            return "http", (r.status_code, r.text)
        event_id = r.json()["event_id"]
        r = c.get(f"{base}/call/ask/{event_id}")
    return parse_call_stream(r.text)


def parse_call_stream(text: str) -> tuple[str, Any]:
    """The last event of a /call/... stream: ("complete", data[0]) or ("error", message)."""
    event, data = None, None
    for line in text.splitlines():
        if line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data = line[5:].strip()
    if event == "complete":
        return "complete", json.loads(data)[0]
    if event == "error":
        payload = json.loads(data) if data and data != "null" else None
        return "error", (payload or {}).get("error") if isinstance(payload, dict) else payload
    return str(event), data


def chat_dependency(url: str) -> tuple[int, int, int]:
    """(fn_index, trigger id, number of inputs) of the chat box's submit handler, from the page config."""
    with urllib.request.urlopen(url.rstrip("/") + "/config", timeout=30) as r:
        config = json.load(r)
    for i, dep in enumerate(config["dependencies"]):
        targets = dep.get("targets") or []
        if dep.get("api_name") == "respond" and targets and targets[0][1] == "submit":
            return dep.get("id", i), targets[0][0], len(dep.get("inputs") or [])
    raise AssertionError("no chat submit handler ('respond') in the page config")


def chat_submit(
    url: str, question: Any, timeout: float = 120, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """Type ``question`` into the chat box and press Enter, as the page does over the queue.

    Returns the final queue message (``process_completed`` with ``success`` and ``output``).
    ``headers`` go with every request (``X-Forwarded-For`` makes a loopback test look remote).
    """
    fn_index, trigger, n_inputs = chat_dependency(url)
    base = api_base(url)
    session = uuid.uuid4().hex[:11]
    body = {
        "data": [question] + [None] * (n_inputs - 1),  # the box; then state and the page's language
        "fn_index": fn_index,
        "trigger_id": trigger,
        "session_hash": session,
        "event_data": None,
    }
    with httpx.Client(timeout=timeout, headers=headers) as c:
        r = _post_json(c, f"{base}/queue/join", body)
        if r.status_code != 200:
            return {"msg": "http", "status": r.status_code, "body": r.text}
        last: dict[str, Any] = {}
        with c.stream("GET", f"{base}/queue/data", params={"session_hash": session}) as s:
            for line in s.iter_lines():
                if not line.startswith("data:"):
                    continue
                last = json.loads(line[5:])
                if last.get("msg") in ("process_completed", "unexpected_error", "close_stream"):
                    if last.get("msg") != "close_stream":
                        return last
    return last


def visible_text(content: str) -> str:
    """What a person sees of a message's HTML: tags dropped, entities decoded."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", content))


def message_texts(messages: list[dict[str, Any]]) -> list[str]:
    """The content (HTML) of each chat message (Gradio sends content as a list of parts)."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            out.append("".join(str(p.get("text", "")) for p in content if isinstance(p, dict)))
        else:
            out.append(str(content))
    return out


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for pid {pid}")


def server_pid(port: int) -> int | None:
    """The pid of the `faqbot serve --port PORT` process (found through /proc), if any."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in argv and b"--port" in argv and str(port).encode() in argv:
            return int(entry.name)
    return None


def wait_until_serving(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise AssertionError(
                f"faqbot serve exited with {proc.returncode}:\n{log.read_text(errors='replace')}"
            )
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(
                f"faqbot serve not ready after {START_TIMEOUT}s:\n{log.read_text(errors='replace')}"
            )
        time.sleep(0.5)


@contextlib.contextmanager
def running_server(
    *args: str, log: Path, env: dict | None = None, cwd: Path = ROOT
) -> Iterator[tuple[subprocess.Popen, str]]:
    """`python -m faqbot serve --port FREE ARGS...`, stopped (terminate, then kill) on exit."""
    port = free_port()
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False", **(env or {}))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "faqbot", "serve", "--port", str(port), *args],
            cwd=cwd,
            env=full_env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_until_serving(url, proc, log)
            yield proc, url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
