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
