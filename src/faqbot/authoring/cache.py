"""An Embedder that remembers what it encoded, so authoring tools encode each text once.

``lint`` rebuilds the bot several times in memory (once per cross-validation
fold) and ``report`` searches questions it has already encoded for grouping;
wrapping the bot's embedder in ``CachedEmbedder`` makes every rebuild and search
after the first a lookup. Vectors are keyed by (role, text) exactly as given;
the wrapped model, its name and its digest are unchanged, so an index built
through the cache is the index the wrapped embedder would build. ``seed``
fills the cache from a saved index of the same model, whose vectors are exactly
what the model returns for those texts in the passage role (the role the build
encodes every chunk in; a model such as e5 encodes a question differently as a
query, so those are never taken from the index).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

import numpy as np

from ..embedders import Embedder, Role

if TYPE_CHECKING:
    from ..index import SearchIndex


class CachedEmbedder(Embedder):
    """Wraps ``inner``; each distinct (role, text) is encoded by it once."""

    def __init__(self, inner: Embedder):
        super().__init__(inner.info)
        self.inner = inner
        self._vectors: dict[tuple[str, str], np.ndarray] = {}
        self.misses = 0  # texts actually sent to the model

    def _load(self) -> object:
        return self.inner.model

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def _threads(self, n: int) -> AbstractContextManager[None]:
        return nullcontext()

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        return self.inner.encode(texts, role=role)

    def encode(self, texts: Sequence[str], role: Role = "query", show_progress: bool = False) -> np.ndarray:
        """Unit vectors, one row per text; only texts not seen before reach the model."""
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if (role, t) not in self._vectors))
        if missing:
            vectors = self.inner.encode(missing, role=role, show_progress=show_progress)
            self.misses += len(missing)
            for text, vector in zip(missing, vectors):
                self._vectors[(role, text)] = vector
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._vectors[(role, t)] for t in texts]).astype(np.float32, copy=False)

    def seed(self, index: SearchIndex) -> int:
        """Take every passage vector of a loaded index built with this model; return how many."""
        if index.manifest.get("model", {}).get("sha256") != self.info.sha256:
            return 0
        vectors = index.dense.vectors(np.arange(len(index.chunk_text)))
        for text, vector in zip(index.chunk_text, vectors):
            self._vectors.setdefault(("passage", text), np.asarray(vector, dtype=np.float32))
        return len(index.chunk_text)
