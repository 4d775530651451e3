"""Test doubles shared by the test modules (``conftest.py`` makes them fixtures).

``HashEmbedder`` is a real ``Embedder`` (it goes through the base class's batching
and thread handling) whose "model" hashes words into a 64-number vector: instant,
deterministic, and close enough to a model for texts that share words. It stands
in for the real model wherever the model itself is not under test.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from faqbot.embedders import Embedder, ModelInfo, Role

DIM = 64


class HashEmbedder(Embedder):
    """Bag of hashed words -> unit vector; counts the texts it encodes."""

    def __init__(self) -> None:
        digest = hashlib.sha256(b"hash-words").hexdigest()
        super().__init__(ModelInfo(backend="hash", name="hash-words", path=Path("."), sha256=digest))
        self.encoded = 0

    def _load(self) -> object:
        return object()

    @property
    def dimension(self) -> int:
        return DIM

    def _threads(self, n: int):
        return nullcontext()

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        self.encoded += len(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[row, h % DIM] += 1.0 if (h >> 16) & 1 else -1.0
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return out
