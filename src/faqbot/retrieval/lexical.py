"""BM25 over whole entries (question + alternates + answer), with bm25s.

English stop words are dropped and words are stemmed (Snowball, via PyStemmer),
so "keeping", "kept" and "keep" meet. Scores are raw BM25; ``fusion.py`` decides
how to scale them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Sequence

import bm25s
import numpy as np
import Stemmer

_STEMMER = Stemmer.Stemmer("english")
logging.getLogger("bm25s").setLevel(logging.ERROR)  # it logs routine steps as warnings


def _tokenize(texts: Sequence[str]):
    return bm25s.tokenize(
        list(texts), lower=True, stopwords="en", stemmer=_STEMMER, show_progress=False
    )


class LexicalSearch:
    """BM25 scores of every entry for a query."""

    def __init__(self, model: bm25s.BM25):
        self.model = model

    @classmethod
    def build(cls, documents: Sequence[str]) -> "LexicalSearch":
        model = bm25s.BM25()
        model.index(_tokenize(documents), show_progress=False)
        return cls(model)

    @classmethod
    def load(cls, folder: Path) -> "LexicalSearch":
        return cls(bm25s.BM25.load(str(folder), mmap=False, allow_pickle=False))

    def save(self, folder: Path) -> None:
        self.model.save(str(folder), allow_pickle=False)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of each document (entry) for the query, in document order."""
        tokens = bm25s.tokenize(
            [query], lower=True, stopwords="en", stemmer=_STEMMER, show_progress=False,
            return_ids=False,
        )[0]
        vocab = self.model.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)
