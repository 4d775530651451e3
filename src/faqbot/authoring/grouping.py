"""Group similar questions: scikit-learn's agglomerative clustering over the bot's own vectors.

Questions are encoded by the bot's embedder (role "query", as the bot reads
them) and clustered with average linkage on cosine distance, cut at a distance
threshold: two groups merge while their questions are, on average, no further
apart than the threshold. The number of groups is not fixed in advance.

The threshold comes from the FAQ itself, so it means the same thing for any
model (cosine distances of e5 and MiniLM live on very different scales):

* with alternates, ``phrasing_spread``: cluster each entry's phrasings (its
  question and alternates) alone, the same way, and find the height at which
  ``SAME_TOPIC`` (80%) of them are in one group; take the median over entries.
  Logged questions are then grouped as loosely as the ways one FAQ question is
  asked: the granularity at which "add these as alternates of entry N" or
  "write one new entry" makes sense, measured by the same standard the report
  is held to (most of one topic in one group). Two simpler statistics fail:
  the mean distance between two phrasings is too tight (average linkage joins
  an entry's last two halves at about that distance, so half the entries would
  stay split), and the height that joins *all* of an entry's phrasings is set
  by its most unusual one (with an English-only model, a Spanish alternate).
* without alternates, ``question_separation``: the median distance from each
  entry's question to the nearest other entry's question. A group is then never
  looser than two distinct questions of the FAQ are apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering

LINKAGE = "average"
SAME_TOPIC = 0.8  # the share of one entry's phrasings that must form one group


@dataclass(frozen=True)
class Threshold:
    """A clustering distance threshold and how it was derived (for the report)."""

    distance: float
    rule: str


def unit(rows: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero)."""
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def cosine_distances(rows: np.ndarray) -> np.ndarray:
    """Pairwise cosine distances (0..2); a zero row is at distance 1 from everything else."""
    u = unit(rows).astype(np.float64)
    d = np.clip(1.0 - u @ u.T, 0.0, 2.0)
    np.fill_diagonal(d, 0.0)
    return d


def _tree(rows: np.ndarray, threshold: float | None) -> AgglomerativeClustering:
    """Average-linkage clustering on cosine distance: cut at ``threshold``, or the full tree (None)."""
    return AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=0.0 if threshold is None else threshold,
        metric="precomputed",
        linkage=LINKAGE,
        compute_distances=threshold is None,
    ).fit(cosine_distances(rows))


def centroid(rows: np.ndarray) -> np.ndarray:
    """The unit mean direction of some unit vectors."""
    return unit(np.asarray(rows, dtype=np.float32).mean(axis=0))


def phrasing_spread(vectors: np.ndarray, labels: Sequence[int], share: float = SAME_TOPIC) -> float | None:
    """The distance at which a typical entry's phrasings are (mostly) one group.

    ``labels[i]`` is the entry of phrasing ``vectors[i]``. For each entry with two
    or more phrasings, cluster them alone (average linkage, cosine) and take the
    height of the first merge after which one group holds ``share`` of them; the
    median over entries. None when no entry has two phrasings.
    """
    labels_arr = np.asarray(labels)
    heights = []
    for label in dict.fromkeys(labels_arr.tolist()):
        rows = unit(vectors[labels_arr == label])
        if len(rows) >= 2:
            heights.append(_height_holding(rows, share))
    return float(np.median(heights)) if heights else None


def _height_holding(rows: np.ndarray, share: float) -> float:
    """The merge height at which one group first holds ``share`` of ``rows``."""
    n = len(rows)
    need = max(2, int(np.ceil(share * n)))
    tree = _tree(rows, None)
    sizes = [1] * n  # sizes of clusters 0..n-1 (leaves), then one per merge
    for (a, b), height in zip(tree.children_, tree.distances_):
        sizes.append(sizes[a] + sizes[b])
        if sizes[-1] >= need:
            return float(height)
    return float(tree.distances_.max())


def question_separation(question_vectors: np.ndarray) -> float | None:
    """Median cosine distance from each entry's question to the nearest other one (None below 2)."""
    if len(question_vectors) < 2:
        return None
    rows = unit(question_vectors)
    sims = rows @ rows.T
    np.fill_diagonal(sims, -np.inf)
    return float(np.median(1.0 - sims.max(axis=1)))


def faq_threshold(
    phrasing_vectors: np.ndarray, labels: Sequence[int], question_vectors: np.ndarray
) -> Threshold:
    """The grouping threshold for a FAQ (see the module docstring); 0.5 if it has one question."""
    spread = phrasing_spread(phrasing_vectors, labels)
    if spread is not None:
        return Threshold(
            spread,
            f"the distance at which {SAME_TOPIC:.0%} of a typical FAQ entry's own phrasings form one group",
        )
    separation = question_separation(question_vectors)
    if separation is not None:
        return Threshold(separation, "median distance between a FAQ question and its nearest neighbour")
    return Threshold(0.5, "a FAQ of one question: fixed cosine distance 0.5")


def group(vectors: np.ndarray, threshold: float) -> np.ndarray:
    """A group label per row (0, 1, ...), largest group first; one row is one group."""
    n = len(vectors)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n == 1:
        return np.zeros(1, dtype=np.int64)
    labels = _tree(vectors, threshold).labels_
    # renumber: largest first, ties by first appearance (stable across runs)
    sizes = np.bincount(labels)
    first = {label: i for i, label in reversed(list(enumerate(labels.tolist())))}
    order = sorted(range(len(sizes)), key=lambda g: (-sizes[g], first[g]))
    rank = np.empty(len(sizes), dtype=np.int64)
    rank[order] = np.arange(len(sizes))
    return rank[labels]


def central_first(vectors: np.ndarray) -> list[int]:
    """Row positions ordered from the most typical of the rows (nearest their centroid) outwards."""
    if len(vectors) == 0:
        return []
    sims = unit(vectors) @ centroid(vectors)
    return [int(i) for i in np.argsort(-sims, kind="stable")]
