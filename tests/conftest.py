"""Shared fixtures: the real model and the default bot are loaded once per test session.

Helpers for other areas add their fixtures below (append only; edit in place).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
DEFAULT_CORPUS = ROOT / "corpus" / "new-mexico-benefits-data-ice.txt"


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2, loaded once."""
    from faqbot.embedder import shared_embedder

    emb = shared_embedder()
    emb.model  # load now, so the first test does not pay for it
    return emb


@pytest.fixture(scope="session")
def bot(embedder):
    """The default bot over the bundled FAQ and the committed index (shared, read-only)."""
    from faqbot import default_bot

    return default_bot()


@pytest.fixture(scope="session")
def corpus():
    from faqbot import load_corpus

    return load_corpus(DEFAULT_CORPUS)


# --- web chat (issue 3): one real `faqbot serve` per session --------------------------

SERVER_START_TIMEOUT = 180  # seconds; model load + Gradio import on a busy 2-core machine


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory):
    """`python -m faqbot serve --port FREE` in a subprocess; yields ``.url`` and ``.log`` (its output).

    Waits (bounded) until the page answers, and stops the server at session end.
    """
    import subprocess
    import sys
    import time
    import types
    import urllib.request

    port = _free_port()
    log_path = tmp_path_factory.mktemp("ui_server") / "ui_server.log"
    env = dict(os.environ, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "faqbot", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"faqbot serve exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"faqbot serve not ready after {SERVER_START_TIMEOUT}s:\n{log_path.read_text()}")
            time.sleep(0.5)
        yield types.SimpleNamespace(url=url, log=log_path, port=port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
