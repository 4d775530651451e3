"""Shared fixtures: the real model and the default bot are loaded once per test session.

``fake_embedder`` (``fakes.HashEmbedder``) stands in for the model wherever the
model itself is not under test, so those tests run in milliseconds.
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


@pytest.fixture(scope="session", autouse=True)
def _train_each_classifier_once():
    """Memoise the two classifiers' ``train``, pure functions of their arguments.

    Fitting them is most of an index build's time, and the index tests rebuild the same
    small indexes many times (each fault test rebuilds one): each distinct input is
    fitted for real once per session, and every later build with the same input gets
    the same (frozen) classifier back.
    """
    import hashlib

    import numpy as np

    from faqbot.retrieval.classifier import PhrasingClassifier
    from faqbot.smalltalk import IntentClassifier

    def memoised(fit):
        memo: dict[str, object] = {}

        def train(cls, *args, **kwargs):
            key = hashlib.sha256()
            for a in (*args, *(x for item in sorted(kwargs.items()) for x in item)):
                if isinstance(a, np.ndarray):
                    key.update(np.ascontiguousarray(a).tobytes() + repr(a.shape).encode())
                else:
                    key.update(repr(a).encode())
            digest = key.hexdigest()
            if digest not in memo:
                memo[digest] = fit(cls, *args, **kwargs)
            return memo[digest]

        return classmethod(train)

    with pytest.MonkeyPatch.context() as mp:
        for trained in (PhrasingClassifier, IntentClassifier):
            mp.setattr(trained, "train", memoised(trained.train.__func__))
        yield


@pytest.fixture(scope="session")
def embedder():
    """The real default model, loaded once."""
    from faqbot.embedders import shared_embedder

    emb = shared_embedder()
    emb.warm()  # load now, so the first test does not pay for it
    return emb


@pytest.fixture()
def fake_embedder():
    """An instant, deterministic stand-in for the model (hashed words)."""
    from fakes import HashEmbedder

    return HashEmbedder()


@pytest.fixture(scope="session")
def bot(embedder):
    """The default bot over the bundled FAQ and the committed index (shared, read-only)."""
    from faqbot import default_bot

    return default_bot()


@pytest.fixture(scope="session")
def corpus():
    from faqbot import load_corpus

    return load_corpus(DEFAULT_CORPUS)


# --- web chat: one real `faqbot serve` per session, one headless chromium ------------


@pytest.fixture(scope="session")
def ui_server(tmp_path_factory):
    """`python -m faqbot serve --port FREE` in a subprocess; yields ``.url``, ``.log``, ``.port``.

    Waits (bounded) until the page answers, and stops the server at session end.
    """
    import types
    from urllib.parse import urlparse

    from web_helpers import running_server

    log_path = tmp_path_factory.mktemp("ui_server") / "ui_server.log"
    with running_server(log=log_path) as (_proc, url):
        yield types.SimpleNamespace(url=url, log=log_path, port=urlparse(url).port)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium, headless, driven by playwright (no browser download).

    Module-scoped: playwright's sync API keeps an event loop running while it is
    open, which would stop other modules' tests from using ``asyncio.run``.
    """
    if not CHROMIUM.exists():
        pytest.skip(
            "real-browser tests need Debian's chromium at /usr/bin/chromium "
            "(apt-get install chromium; .ci/run installs it)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
