"""BM25 over whole entries (question + alternates + answer), with bm25s.

English stop words are dropped and words are stemmed (Snowball, via PyStemmer),
so "keeping", "kept" and "keep" meet. Scores are raw BM25; ``fusion.py`` decides
how to scale them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

_STEMMER = Stemmer.Stemmer("english")
# bm25s.tokenize's own rules, applied directly to one query: that function builds a
# vocabulary, two progress bars and a stop-word set per call (~40 us); this gives the
# same tokens (checked against it) in a few microseconds.
_WORDS = re.compile(r"(?u)\b\w\w+\b").findall
_STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN)
logging.getLogger("bm25s").setLevel(logging.ERROR)  # it logs routine steps as warnings


def _tokenize(texts: Sequence[str]) -> bm25s.tokenization.Tokenized:
    """bm25s tokens with the vocabulary numbered in sorted order: bm25s numbers it in set
    order, which changes with Python's hash seed, so the same FAQ would build different
    index bytes on every run."""
    tokens = bm25s.tokenize(list(texts), lower=True, stopwords="en", stemmer=_STEMMER, show_progress=False)
    old_to_token = {i: t for t, i in tokens.vocab.items()}
    vocab = {t: i for i, t in enumerate(sorted(tokens.vocab))}
    ids = [[vocab[old_to_token[i]] for i in doc] for doc in tokens.ids]
    return bm25s.tokenization.Tokenized(ids=ids, vocab=vocab)


class LexicalSearch:
    """BM25 scores of every entry for a query."""

    def __init__(self, model: bm25s.BM25):
        self.model = model
        indptr = np.asarray(model.scores["indptr"])
        # documents holding each vocabulary id (the CSC matrix has one column per term)
        self._df = np.diff(indptr, append=indptr[-1])

    @classmethod
    def build(cls, documents: Sequence[str]) -> LexicalSearch:
        model = bm25s.BM25()
        model.index(_tokenize(documents), show_progress=False)
        return cls(model)

    @classmethod
    def load(cls, folder: Path) -> LexicalSearch:
        return cls(bm25s.BM25.load(str(folder), mmap=False, allow_pickle=False))

    def save(self, folder: Path) -> None:
        self.model.save(str(folder), allow_pickle=False)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of each document (entry) for the query, in document order."""
        tokens = query_tokens(query)
        vocab = self.model.vocab_dict
        known = [t for t in tokens if t in vocab]
        if not known:
            return np.zeros(self.model.scores["num_docs"], dtype=np.float32)
        return np.asarray(self.model.get_scores(known), dtype=np.float32)

    def knows(self, text: str) -> bool:
        """Whether any BM25 token of ``text`` occurs in some entry (a vocabulary lookup)."""
        vocab = self.model.vocab_dict
        return any(t in vocab for t in query_tokens(text))

    def query_idf(self, query: str) -> float:
        """Total IDF of the query's BM25 tokens; a word no entry has counts at the highest IDF.

        Dividing an entry's BM25 score by it gives the share of the query's
        informative words the entry matches, on the same scale for any corpus size.
        """
        n = float(self.model.scores["num_docs"])
        vocab = self.model.vocab_dict
        df = np.array(
            [
                self._df[vocab[t]] if vocab.get(t, len(self._df)) < len(self._df) else 0
                for t in query_tokens(query)
            ],
            dtype=np.float64,
        )
        return float(np.log1p((n - df + 0.5) / (df + 0.5)).sum())


def query_tokens(query: str) -> list[str]:
    """The stemmed BM25 tokens of a query, exactly as ``bm25s.tokenize`` makes them."""
    return _STEMMER.stemWords([w for w in _WORDS(query.lower()) if w not in _STOPWORDS])
