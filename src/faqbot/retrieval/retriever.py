"""Query -> ranked entries: dense passage search, BM25, the phrasing classifier, fused per entry.

The retriever holds no model of its own: it is given the query vector (so the
caller encodes once and can reuse it) and searches a loaded ``SearchIndex``.
What is combined, and how, is ``fusion.py``'s; the query-side signals
(coverage of the FAQ's words, names it never mentions) are computed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..chunking import ChunkKind
from ..text import words
from .fusion import FusionConfig, fuse, rescale
from .name_match import Encode
from .names import subject_part, unknown_names

if TYPE_CHECKING:
    from ..index import SearchIndex

ANSWER = ChunkKind.ANSWER.code
MIN_DENSE_CANDIDATES = 256
LEXICAL_CANDIDATES = 50
CLASSIFIER_CANDIDATES = 10


@dataclass
class EntryScore:
    """One entry's fused score for a query, and its best answer passages."""

    number: int
    score: float
    passages: list[tuple[int, float]] = field(default_factory=list)  # (chunk id, cosine)


class Retriever:
    """Ranks the entries of one SearchIndex for a query.

    ``encode_names`` (texts -> unit query vectors) lets it judge a capitalised name the FAQ
    never spells so ("Biblioteca Pública") by meaning, with the index's ``names``
    (``name_match.py``); without it, or without them, such a name counts as another subject.
    """

    def __init__(
        self,
        index: SearchIndex,
        config: FusionConfig | None = None,
        encode_names: Encode | None = None,
    ):
        self.index = index
        self.config = config or FusionConfig()
        self._encode_names = encode_names
        names = index.names
        self._own_name = names.judge(encode_names) if names is not None and encode_names else None

    def variant(self, config: FusionConfig) -> Retriever:
        """The same retriever with other fusion weights (the benchmarks compare them)."""
        return Retriever(self.index, config, self._encode_names)

    def coverage(self, query: str) -> float:
        """The share of the query's words that occur anywhere in the FAQ (1 for no words)."""
        found = words(query)
        if not found:
            return 1.0
        return sum(w in self.index.words for w in found) / len(found)

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
        classified, outside = None, 0.0
        if idx.classifier is not None:
            classified, outside = idx.classifier.probabilities(vector)
            top_class = np.argsort(-classified)[:CLASSIFIER_CANDIDATES]
            candidates.update(int(p) for p in top_class)
        positions = np.fromiter(sorted(candidates), dtype=np.int64)
        if len(positions) == 0:
            return []

        # Exact cosine for every chunk of every candidate (ANN may have missed some).
        # Vectorised over all candidates' chunks at once: at 100k entries a per-candidate
        # Python loop cost more than the search itself (the scale benchmark, benchmarks/scale.py).
        starts, ends = idx.entry_chunk_start[positions], idx.entry_chunk_start[positions + 1]
        group, chunk_ids = _chunk_ranges(starts, ends)
        missing = chunk_ids[np.isnan(sims[chunk_ids])]
        if len(missing):
            sims[missing] = idx.dense.vectors(missing) @ vector

        chunk_sims = sims[chunk_ids]
        is_answer = idx.chunk_kind[chunk_ids] == ANSWER
        background = idx.scoring
        chunk_sims = np.where(
            is_answer,
            rescale(chunk_sims, background.answer),
            rescale(chunk_sims, background.question),
        )
        n = len(positions)
        q_best, q_second = _top_two(group[~is_answer], chunk_sims[~is_answer], n)
        a_best, a_second = _top_two(group[is_answer], chunk_sims[is_answer], n)
        # With several phrasings: a weighted mean of the best two (agreement is evidence);
        # with one: that one. Either way the same scale, with or without alternates.
        share = self.config.second_question_share
        q_sim = np.where(
            np.isnan(q_second), q_best, (q_best + share * np.nan_to_num(q_second)) / (1.0 + share)
        ).astype(np.float32)
        a_sim = np.where(
            np.isnan(a_best), 0.0, a_best + self.config.second_passage_share * np.nan_to_num(a_second)
        ).astype(np.float32)
        q_sim = np.where(np.isnan(q_sim), a_sim, q_sim)  # an entry with no phrasing left (CV)
        lex = bm25[positions] if len(bm25) else np.zeros(len(positions), dtype=np.float32)
        lex = np.clip(np.maximum(lex, 0.0) / max(idx.lexical.query_idf(query), 1e-6), 0.0, 1.0)
        p_entry = None if classified is None else classified[positions]
        fused = fuse(
            q_sim,
            a_sim,
            lex,
            self.config,
            coverage=self.coverage(query),
            classified=p_entry,
            outside=outside,
            names=unknown_names(subject_part(query), idx.words, own=self._own_name),
        )

        order = np.argsort(-fused, kind="stable")
        if k is not None:
            order = order[:k]
        return [
            EntryScore(
                number=idx.entry_numbers[int(positions[i])],
                score=float(fused[i]),
                passages=self._best_passages(int(starts[i]), int(ends[i]), sims, background.answer),
            )
            for i in order
        ]

    def _best_passages(
        self, start: int, end: int, sims: np.ndarray, background: float
    ) -> list[tuple[int, float]]:
        """The top three answer passages of one entry, (chunk id, rescaled cosine), best first."""
        kinds = self.index.chunk_kind[start:end]
        answer_ids = np.nonzero(kinds == ANSWER)[0]
        chunk_sims = rescale(sims[start:end], background)
        order = answer_ids[np.argsort(-chunk_sims[answer_ids])]
        return [(int(start + j), float(chunk_sims[j])) for j in order[:3]]


def _chunk_ranges(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ranges [starts[i], ends[i]): (range number of each element, the elements), flat."""
    lengths = ends - starts
    group = np.repeat(np.arange(len(starts)), lengths)
    offsets = np.cumsum(lengths) - lengths
    return group, starts[group] + (np.arange(len(group)) - offsets[group])


def _top_two(group: np.ndarray, values: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Best and second-best value per group (NaN where a group has fewer values)."""
    best = np.full(n_groups, np.nan, dtype=np.float64)
    second = np.full(n_groups, np.nan, dtype=np.float64)
    if len(values):
        order = np.lexsort((-values, group))
        g, v = group[order], values[order]
        first = np.ones(len(g), dtype=bool)
        first[1:] = g[1:] != g[:-1]
        best[g[first]] = v[first]
        after = np.zeros(len(g), dtype=bool)
        after[1:] = first[:-1] & ~first[1:]  # the element right after a group's first
        second[g[after]] = v[after]
    return best, second
