"""The Embedder interface every backend implements, and what it shares.

An Embedder turns texts into unit-length float32 rows. Texts have a *role*:
``"query"`` for things people ask (a user's question, a FAQ question, its
alternate phrasings) and ``"passage"`` for text that answers (a FAQ answer's
passages); a model that reads both alike ignores the role. Many texts are
encoded longest first, in slices, on every core, with an optional progress bar;
one or a few texts run on one thread (a short query is fastest that way on a
small machine, and it leaves the other cores to other requests).
"""

from __future__ import annotations

import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ..limits import MAX_ENCODE_CHARS

Role = Literal["query", "passage"]

QUERY_THREADS = 1
BATCH_MIN_TEXTS = 32  # from this many texts on, encode in slices on every core
SLICE = 256  # texts per slice of a large batch (one progress-bar step)


@dataclass(frozen=True)
class ModelInfo:
    """Which model: its backend, a name, the folder or file it loads from, and its digest."""

    backend: str  # "e5" or "sentence-transformers"
    name: str
    path: Path
    sha256: str


def batch_threads() -> int:
    """Threads for encoding many texts at once: one per core (at most 4)."""
    return max(1, min(os.cpu_count() or 1, 4))


class Embedder(ABC):
    """Encodes text into unit vectors with one model, loaded once on first use."""

    def __init__(self, info: ModelInfo):
        self.info = info
        self._model: object | None = None
        self._load_lock = threading.Lock()

    # --- what a backend provides ------------------------------------------------

    @abstractmethod
    def _load(self) -> object:
        """Load the model (raise ModelError with the path when it cannot be)."""

    @abstractmethod
    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        """Unit float32 rows for a few texts, on the current thread setting."""

    @abstractmethod
    def _threads(self, n: int) -> AbstractContextManager[None]:
        """Run the model's arithmetic on ``n`` threads inside the block."""

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of each vector."""

    # --- shared ---------------------------------------------------------------------

    @property
    def model(self) -> object:
        """The loaded model (loaded now if it was not yet)."""
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def warm(self) -> None:
        """Load the model and run it once, so the first real question is not the slow one."""
        self.encode_one("warm up")

    def encode(self, texts: Sequence[str], role: Role = "query", show_progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text.

        Large inputs are encoded longest first in slices (similar lengths batch with
        little padding) on every core; ``show_progress`` draws a tqdm bar on stderr.
        """
        texts = [t[:MAX_ENCODE_CHARS] for t in texts]
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        _ = self.model  # load outside the thread setting
        if len(texts) < BATCH_MIN_TEXTS and not show_progress:
            with self._threads(QUERY_THREADS):
                return self._encode(texts, role)
        from tqdm.auto import tqdm

        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        with (
            self._threads(batch_threads()),
            tqdm(
                total=len(texts),
                unit="text",
                desc="embedding",
                disable=not show_progress,
                dynamic_ncols=True,
                leave=False,
            ) as bar,
        ):
            for start in range(0, len(texts), SLICE):
                ids = order[start : start + SLICE]
                out[ids] = self._encode([texts[i] for i in ids], role)
                bar.update(len(ids))
        return out

    def encode_one(self, text: str, role: Role = "query") -> np.ndarray:
        """One vector, shape (dimension,)."""
        return self.encode([text], role)[0]
