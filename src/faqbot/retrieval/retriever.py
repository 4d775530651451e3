"""Query -> ranked entries: dense passage search and BM25, fused per entry.

The retriever holds no model of its own: it is given the query vector (so the
caller encodes once and can reuse it) and searches a loaded ``SearchIndex``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .fusion import FusionConfig, fuse

if TYPE_CHECKING:
    from ..index import SearchIndex

QUESTION, ALTERNATE, ANSWER = 0, 1, 2
MIN_DENSE_CANDIDATES = 256
LEXICAL_CANDIDATES = 50


@dataclass
class EntryScore:
    """One entry's evidence for a query: component similarities, fused score, best passages."""

    position: int  # index into the corpus entries
    number: int
    score: float
    question_sim: float
    answer_sim: float
    bm25: float
    passages: list[tuple[int, float]] = field(default_factory=list)  # (chunk id, cosine)


class Retriever:
    """Ranks the entries of one SearchIndex for a query."""

    def __init__(self, index: "SearchIndex", config: FusionConfig | None = None):
        self.index = index
        self.config = config or FusionConfig()

    def rank(self, query: str, vector: np.ndarray, k: int | None = None) -> list[EntryScore]:
        """Entries ranked best first (all candidates when k is None)."""
        idx = self.index
        n_chunks = len(idx.chunk_entry)
        want = k or idx.n_entries
        dense_k = min(n_chunks, max(MIN_DENSE_CANDIDATES, 20 * want))
        sims_found, ids = idx.dense.search(vector, dense_k)
        sims = np.full(n_chunks, np.nan, dtype=np.float32)
        valid = ids >= 0
        sims[ids[valid]] = sims_found[valid]

        bm25 = idx.lexical.scores(query)
        candidates = set(idx.chunk_entry[ids[valid]].tolist())
        if len(bm25):
            top_lex = np.argpartition(-bm25, min(LEXICAL_CANDIDATES, len(bm25) - 1))[:LEXICAL_CANDIDATES]
            candidates.update(int(p) for p in top_lex if bm25[p] > 0)
        positions = np.fromiter(sorted(candidates), dtype=np.int64)
        if len(positions) == 0:
            return []

        # Exact cosine for every chunk of every candidate (ANN may have missed some).
        starts, ends = idx.entry_chunk_start[positions], idx.entry_chunk_start[positions + 1]
        missing = np.concatenate([np.arange(s, e) for s, e in zip(starts, ends)])
        missing = missing[np.isnan(sims[missing])]
        if len(missing):
            sims[missing] = idx.dense.vectors(missing) @ vector

        q_sim = np.empty(len(positions), dtype=np.float32)
        a_sim = np.empty(len(positions), dtype=np.float32)
        best_passages: list[list[tuple[int, float]]] = []
        share = self.config.second_passage_share
        for i, (s, e) in enumerate(zip(starts, ends)):
            chunk_sims = sims[s:e]
            kinds = idx.chunk_kind[s:e]
            q_sim[i] = chunk_sims[kinds != ANSWER].max()
            answer_ids = np.nonzero(kinds == ANSWER)[0]
            if len(answer_ids):
                order = answer_ids[np.argsort(-chunk_sims[answer_ids])]
                top = chunk_sims[order]
                a_sim[i] = top[0] + (share * top[1] if len(top) > 1 else 0.0)
                best_passages.append([(int(s + j), float(chunk_sims[j])) for j in order[:3]])
            else:
                a_sim[i] = 0.0
                best_passages.append([])
        lex = bm25[positions] if len(bm25) else np.zeros(len(positions), dtype=np.float32)
        fused = fuse(q_sim, a_sim, lex, self.config)

        order = np.argsort(-fused, kind="stable")
        if k is not None:
            order = order[:k]
        return [
            EntryScore(
                position=int(positions[i]),
                number=idx.entry_numbers[int(positions[i])],
                score=float(fused[i]),
                question_sim=float(q_sim[i]),
                answer_sim=float(a_sim[i]),
                bm25=float(lex[i]),
                passages=best_passages[i],
            )
            for i in order
        ]
