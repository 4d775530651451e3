"""Score fusion: how dense and BM25 evidence combine into one score per entry.

Two methods, both measured on the tuning cases (``faqbot eval``):

* ``convex`` (default): ``w_question * q + w_answer * a + w_lexical * b`` where
  ``q`` is the best cosine of the query with the entry's question or alternate
  phrasings, ``a`` the best cosine with one of its answer passages (plus a
  small share of the second best), and ``b`` the entry's BM25 score squashed
  into 0..1 by ``b / (b + lexical_half)``. Absolute, not per-query, scaling
  keeps scores comparable across queries, which the confidence needs.
* ``rrf``: reciprocal-rank fusion of the three rankings,
  ``sum 1 / (rrf_k + rank)``; rank-only, so it is blind to how close a match is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionConfig:
    """Weights of the fused entry score (see the module docstring)."""

    method: str = "convex"
    w_question: float = 0.55
    w_answer: float = 0.25
    w_lexical: float = 0.20
    second_passage_share: float = 0.1
    lexical_half: float = 6.0
    rrf_k: int = 60


def squash_lexical(bm25: np.ndarray, half: float) -> np.ndarray:
    """BM25 scores mapped into 0..1; ``half`` is the raw score that maps to 0.5."""
    bm25 = np.maximum(bm25, 0.0)
    return bm25 / (bm25 + half)


def fuse(
    question_sim: np.ndarray,
    answer_sim: np.ndarray,
    bm25: np.ndarray,
    config: FusionConfig,
) -> np.ndarray:
    """One fused score per candidate entry (arrays aligned by candidate)."""
    if config.method == "convex":
        return (
            config.w_question * question_sim
            + config.w_answer * answer_sim
            + config.w_lexical * squash_lexical(bm25, config.lexical_half)
        )
    if config.method == "rrf":
        total = np.zeros(len(question_sim), dtype=np.float64)
        for scores in (question_sim, answer_sim, bm25):
            ranks = np.empty(len(scores), dtype=np.float64)
            ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
            total += 1.0 / (config.rrf_k + ranks)
        return total
    raise ValueError(f"unknown fusion method {config.method!r} (expected 'convex' or 'rrf')")
