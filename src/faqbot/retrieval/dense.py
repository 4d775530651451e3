"""Dense passage search: a FAISS inner-product index over unit vectors (cosine similarity).

Small corpora get an exact flat index; from ``HNSW_MIN_VECTORS`` passages on, an
HNSW graph (approximate, much faster per query at 100k+ entries).

Threads: a single query is searched on one OpenMP thread (on a busy 2-core machine
two threads made a 20k-vector flat search much slower than one, when measured);
building an index uses one thread per core. OpenMP thread counts are per calling
thread, so ``search`` sets it in whichever thread (e.g. a web worker) calls it.
"""

from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

HNSW_MIN_VECTORS = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256  # recall@10 on crowded synthetic vectors fell short of 0.99 at 128 (make bench)
SEARCH_THREADS = 1


def choose_index_type(n_vectors: int) -> str:
    """'flat' (exact) for small collections, 'hnsw' (approximate) for large ones."""
    return "hnsw" if n_vectors >= HNSW_MIN_VECTORS else "flat"


class DenseSearch:
    """Nearest passages by cosine similarity."""

    def __init__(self, index: faiss.Index, index_type: str):
        self.index = index
        self.index_type = index_type
        if index_type == "hnsw":
            faiss.downcast_index(index).hnsw.efSearch = HNSW_EF_SEARCH  # type: ignore[attr-defined]

    @classmethod
    def build(cls, vectors: np.ndarray, index_type: str | None = None) -> DenseSearch:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        index_type = index_type or choose_index_type(n)
        index: faiss.Index
        if index_type == "flat":
            index = faiss.IndexFlatIP(dim)
        elif index_type == "hnsw":
            hnsw = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index = hnsw
        else:
            raise ValueError(f"unknown index type {index_type!r} (expected 'flat' or 'hnsw')")
        faiss.omp_set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
        try:
            index.add(vectors)
        finally:
            faiss.omp_set_num_threads(SEARCH_THREADS)
        return cls(index, index_type)

    @classmethod
    def load(cls, path: Path, index_type: str) -> DenseSearch:
        return cls(faiss.read_index(str(path)), index_type)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @property
    def size(self) -> int:
        return int(self.index.ntotal)

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(scores, passage ids) of the k nearest passages, best first; ids of -1 are padding."""
        k = max(1, min(k, self.size))
        faiss.omp_set_num_threads(SEARCH_THREADS)
        scores, ids = self.index.search(query.reshape(1, -1).astype(np.float32), k)
        return scores[0], ids[0]

    def vectors(self, ids: np.ndarray) -> np.ndarray:
        """The stored vectors of the given passage ids."""
        if not len(ids):
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64))
