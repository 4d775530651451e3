"""Score fusion: how dense and BM25 evidence combine into one score per entry.

Two methods, both measured on the tuning cases (``faqbot eval``):

* ``convex`` (default): ``w_question * q + w_answer * a + w_lexical * b`` where
  ``q`` is the best cosine of the query with the entry's question or alternate
  phrasings, or with several phrasings ``(best + s * second) / (1 + s)`` with
  ``s = second_question_share`` (two phrasings that agree are better evidence
  than one; the mean keeps a FAQ without alternates on the same scale), ``a`` the best cosine with one of
  its answer passages (plus ``second_passage_share`` of the second best), and
  ``b`` the entry's BM25 score scaled into 0..1 (``lexical_norm``):
  ``"query"`` (default) divides it by the query's total IDF (the score of a
  document holding every query word once, at average length; words the corpus
  lacks count at the highest IDF), so ``b`` is the share of the query's
  informative words the entry matches, comparable across queries and corpora;
  ``"squash"`` maps it by ``b / (b + lexical_half)``, which depends on the
  corpus's size. Absolute, not per-query-max, scaling keeps scores comparable
  across queries, which the confidence needs.
  When the index has a phrasing classifier (``classifier.py``), its probability
  that the query means this entry adds ``w_classifier * p``, and its probability
  that the query is outside the FAQ subtracts ``w_outside * p_outside`` from
  every entry.
* ``rrf``: reciprocal-rank fusion of the three rankings,
  ``sum 1 / (rrf_k + rank)``; rank-only, so it is blind to how close a match is.

The defaults were chosen by a grid search on ``tests/data/nm_tuning.jsonl``
only (P@1, then MRR; a broad plateau around these values); the held-out cases
and StackFAQ were not used. See ``docs/QUALITY.md`` for the numbers:
convex beat RRF by about 10 points of P@1 on the tuning cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionConfig:
    """Weights of the fused entry score (see the module docstring)."""

    method: str = "convex"
    w_question: float = 0.565
    w_answer: float = 0.044
    w_lexical: float = 0.391
    second_question_share: float = 0.3
    second_passage_share: float = 0.1
    lexical_norm: str = "query"  # "query" or "squash"
    lexical_half: float = 6.0  # for "squash"
    rrf_k: int = 60
    w_classifier: float = 0.15  # x the classifier's probability of the entry
    w_outside: float = 0.30  # x its probability that the query is outside the FAQ
    unknown_place_factor: float = 0.6  # scores x this when the query names a state the FAQ never does


def squash_lexical(bm25: np.ndarray, half: float) -> np.ndarray:
    """BM25 scores mapped into 0..1; ``half`` is the raw score that maps to 0.5."""
    bm25 = np.maximum(bm25, 0.0)
    return bm25 / (bm25 + half)


def scale_lexical(bm25: np.ndarray, config: FusionConfig, query_idf: float) -> np.ndarray:
    """BM25 scores in 0..1 as ``config.lexical_norm`` says (see the module docstring)."""
    if config.lexical_norm == "query":
        return np.clip(np.maximum(bm25, 0.0) / max(query_idf, 1e-6), 0.0, 1.0)
    if config.lexical_norm == "squash":
        return squash_lexical(bm25, config.lexical_half)
    raise ValueError(f"unknown lexical_norm {config.lexical_norm!r} (expected 'query' or 'squash')")


def fuse(
    question_sim: np.ndarray,
    answer_sim: np.ndarray,
    bm25: np.ndarray,
    config: FusionConfig,
    query_idf: float = 1.0,
    classified: np.ndarray | None = None,
    outside: float = 0.0,
) -> np.ndarray:
    """One fused score per candidate entry (arrays aligned by candidate).

    ``query_idf`` is the query's total IDF (``lexical_norm="query"`` divides by it);
    ``classified`` the classifier's probability of each candidate and ``outside`` its
    probability that the query is outside the FAQ (convex only; None: no classifier).
    """
    if config.method == "convex":
        fused = (
            config.w_question * question_sim
            + config.w_answer * answer_sim
            + config.w_lexical * scale_lexical(bm25, config, query_idf)
        )
        if classified is not None:
            fused = fused + config.w_classifier * classified - config.w_outside * outside
        return fused
    if config.method == "rrf":
        total = np.zeros(len(question_sim), dtype=np.float64)
        for scores in (question_sim, answer_sim, bm25):
            ranks = np.empty(len(scores), dtype=np.float64)
            ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
            total += 1.0 / (config.rrf_k + ranks)
        return total
    raise ValueError(f"unknown fusion method {config.method!r} (expected 'convex' or 'rrf')")
