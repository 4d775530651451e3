"""Score fusion: how the evidence for one entry combines into one score.

``convex`` (the default) adds, per entry:

* ``q`` — the query's similarity to the entry's question or alternate phrasings:
  ``(best + s * second) / (1 + s)`` with ``s = second_question_share`` (two
  phrasings that agree are better evidence than one; with one phrasing, that one);
* ``a`` — its similarity to the entry's answer passages, ``best + t * second``;
* ``b`` — the entry's BM25 score divided by the query's total IDF: the share of
  the query's informative words the entry matches, comparable across queries;
* ``p`` — the phrasing classifier's probability that the query means this entry,
  and ``p_out`` its probability that the query is outside the FAQ;
* ``names`` — how many places or names the query uses that the FAQ never does.

Dense similarities are first rescaled against the FAQ's background
(``(s - bg) / (1 - bg)``, where ``bg`` is how similar unrelated questions are to
its passages, measured at build time): a multilingual model scores unrelated text
high, and rescaling puts every model and every FAQ on a scale that starts at 0.

BM25 sees only the FAQ's language, so its weight is scaled by ``coverage``, the
share of the query's words the FAQ uses anywhere; the weight it cannot use moves
to the dense terms in proportion (a Spanish question about an English FAQ is
judged by meaning, on the same scale)::

    w_b' = w_lexical * coverage,  moved = w_lexical - w_b'
    fused = (w_question + moved * w_question / (w_question + w_answer)) * q
          + (w_answer + moved * w_answer / (w_question + w_answer)) * a
          + w_b' * b + w_classifier * p - w_outside * p_out - w_names * min(names, 1)

``rrf`` (reciprocal-rank fusion of the q, a and b rankings) is kept for the
benchmarks' comparisons; rank-only, it cannot tell how close a match is.

The weights were chosen on development sets of two FAQs (the bundled FAQ and
a transit FAQ), ``w_names`` also on a library FAQ's, and checked on held-out
sets; see docs/QUALITY.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FusionConfig:
    """Weights of the fused entry score (see the module docstring)."""

    method: str = "convex"
    w_question: float = 0.4
    w_answer: float = 0.3
    w_lexical: float = 0.3
    second_question_share: float = 0.3
    second_passage_share: float = 0.1
    w_classifier: float = 0.3  # x the classifier's probability of the entry
    w_outside: float = 0.3  # x its probability that the query is outside the FAQ
    w_names: float = 0.9  # a place or name the FAQ never mentions
    rrf_k: int = 60


@dataclass(frozen=True)
class Background:
    """How similar unrelated questions are, on average, to a FAQ's phrasings and its answers."""

    question: float = 0.0
    answer: float = 0.0


def rescale(similarity: np.ndarray, background: float) -> np.ndarray:
    """Cosine similarities on a scale where the FAQ's background similarity is 0."""
    return (similarity - background) / max(1.0 - background, 1e-6)


def fuse(
    question_sim: np.ndarray,
    answer_sim: np.ndarray,
    lexical: np.ndarray,
    config: FusionConfig,
    coverage: float = 1.0,
    classified: np.ndarray | None = None,
    outside: float = 0.0,
    names: int = 0,
) -> np.ndarray:
    """One fused score per candidate entry (arrays aligned by candidate).

    ``lexical`` is BM25 already divided by the query's IDF (0..1); ``classified`` the
    classifier's probability of each candidate (None: no classifier).
    """
    if config.method == "convex":
        w_b = config.w_lexical * coverage
        moved = config.w_lexical - w_b
        dense = max(config.w_question + config.w_answer, 1e-9)  # 0 when a variant turns dense off
        fused = (
            (config.w_question + moved * config.w_question / dense) * question_sim
            + (config.w_answer + moved * config.w_answer / dense) * answer_sim
            + w_b * lexical
            - config.w_names * min(names, 1)
        )
        if classified is not None:
            fused = fused + config.w_classifier * classified - config.w_outside * outside
        return fused
    if config.method == "rrf":
        total = np.zeros(len(question_sim), dtype=np.float64)
        for scores in (question_sim, answer_sim, lexical):
            ranks = np.empty(len(scores), dtype=np.float64)
            ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
            total += 1.0 / (config.rrf_k + ranks)
        return total
    raise ValueError(f"unknown fusion method {config.method!r} (expected 'convex' or 'rrf')")
