"""Which entry a question's wording points to: a classifier trained on the FAQ's phrasings.

Like the intent classifier of Rasa or Dialogflow: a logistic regression over the
sentence vectors of every entry's question and alternates (one class per entry),
plus one "outside" class learned from questions no entry answers (the generic
outside set every FAQ gets, and the FAQ's own ``out-of-scope`` examples when it
has them). An entry without alternate phrasings also learns from its answer's
sentences, as stand-in questions. The outside class's examples together weigh a
fixed share of the in-scope ones (``OUTSIDE_SHARE``): as many outside examples
as there are would swamp a FAQ that has only its questions. It is trained at
build time and stored with the index; at query time it is one small matrix
product.

Nearest-phrasing similarity asks "which phrasing is this closest to?"; the
classifier asks "which words set this entry apart from the others?" ("required"
vs "legal authority" vs "agreements"), which is where close entries get confused.
Its probabilities join the fused score (``fusion.py``).

Language is not evidence. A multilingual model places a Spanish question and its
English twin apart along a shared "language" direction, and the training data's
languages are unevenly spread (a FAQ's alternates are mostly in its own
language; the generic outside set is in several), so a plain classifier learns
"Spanish, therefore outside". ``language_directions`` estimates, within classes
(the same entry, or the outside class, in two languages), the directions along
which only the language differs; the classifier projects them out of every
vector, at training and at query time (mean-difference removal, as in Libovický
et al., "On the Language Neutrality of Pre-trained Multilingual
Representations", 2020).

FAQs with more than ``MAX_ENTRIES`` entries get no classifier (one class per
entry stops being cheap); retrieval then runs on similarity and BM25 alone.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_ENTRIES = 2000
REGULARISATION_C = 64.0  # sklearn's C, chosen on the development FAQs (16..64 a plateau)
MAX_ITERATIONS = 3000
OUTSIDE_SHARE = 0.25  # the outside class's total weight, as a share of the in-scope total
NEAR_MISS_SHARE = 0.25  # the near misses' weight (a second outside class), share of the in-scope total


@dataclass(frozen=True)
class PhrasingClassifier:
    """Softmax weights: rows ``0..n_entries-1`` are entry positions, then the outside classes
    (generic outside questions; near misses), if any."""

    weights: np.ndarray  # (classes, dimension) float32
    bias: np.ndarray  # (classes,) float32
    n_entries: int
    neutral: np.ndarray | None = None  # (k, dimension) orthonormal language directions, projected out

    @property
    def has_outside(self) -> bool:
        return len(self.bias) > self.n_entries

    @classmethod
    def train(
        cls,
        vectors: np.ndarray,
        entry_positions: np.ndarray,
        n_entries: int,
        outside: np.ndarray | None = None,
        weights: np.ndarray | None = None,
        near_misses: np.ndarray | None = None,
        neutral: np.ndarray | None = None,
    ) -> PhrasingClassifier | None:
        """Fit on phrasing ``vectors`` labelled with their ``entry_positions``.

        ``weights`` weigh the phrasings (default 1 each); ``outside`` holds vectors of
        questions the FAQ does not answer, weighing ``OUTSIDE_SHARE`` of the total
        together; ``near_misses`` (``nearmiss.py``) are a second outside class, weighing
        ``NEAR_MISS_SHARE`` together (one class for both would pull the outside class
        towards the FAQ's own words). Returns None when there is nothing to tell apart
        (fewer than two classes with examples) or the FAQ is larger than ``MAX_ENTRIES``.
        ``neutral`` (``language_directions``) are projected out of every vector.
        """
        from sklearn.linear_model import LogisticRegression  # build time only

        groups = [
            (g, share)
            for g, share in ((outside, OUTSIDE_SHARE), (near_misses, NEAR_MISS_SHARE))
            if g is not None and len(g) > 0
        ]
        n_classes = n_entries + len(groups)
        if n_entries > MAX_ENTRIES or n_classes < 2:
            return None
        x = np.asarray(vectors, dtype=np.float32)
        y = np.asarray(entry_positions, dtype=np.int64)
        w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
        in_scope_weight = float(w.sum())
        for label, (group, share) in enumerate(groups, n_entries):
            x = np.vstack([x, np.asarray(group, dtype=np.float32)])
            y = np.concatenate([y, np.full(len(group), label, dtype=np.int64)])
            w = np.concatenate([w, np.full(len(group), share * in_scope_weight / len(group))])
        if len(np.unique(y)) < 2:  # e.g. a one-entry FAQ whose question a CV fold holds out
            return None
        neutral = None if neutral is None else np.asarray(neutral, dtype=np.float32)
        x = project_out(x, neutral)
        model = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITERATIONS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a ConvergenceWarning at the cap is harmless here
            model.fit(x, y, sample_weight=w)
        # Classes with no example left (cross-validation can hold out an entry's every
        # phrasing) keep a row that never wins.
        full_w = np.zeros((n_classes, x.shape[1]), dtype=np.float32)
        full_b = np.full(n_classes, -30.0, dtype=np.float32)
        classes = [int(c) for c in model.classes_]
        if len(classes) == 2:  # sklearn keeps one row for two classes: softmax([0, z]) = sigmoid(z)
            full_w[classes[1]], full_b[classes[1]] = model.coef_[0], model.intercept_[0]
            full_b[classes[0]] = 0.0
        else:
            for row, c in enumerate(classes):
                full_w[c], full_b[c] = model.coef_[row], model.intercept_[row]
        return cls(full_w, full_b, n_entries, neutral)

    def probabilities(self, vector: np.ndarray) -> tuple[np.ndarray, float]:
        """(probability of each entry position, probability the question is outside the FAQ)."""
        z = self.weights @ project_out(np.asarray(vector, dtype=np.float32), self.neutral) + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        outside = float(p[self.n_entries :].sum())
        return p[: self.n_entries], outside

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:
            neutral = self.neutral if self.neutral is not None else np.zeros((0, self.weights.shape[1]))
            np.savez(
                f,
                weights=self.weights,
                bias=self.bias,
                n_entries=np.int64(self.n_entries),
                neutral=neutral.astype(np.float32),
            )

    @classmethod
    def load(cls, path: Path) -> PhrasingClassifier:
        with np.load(path, allow_pickle=False) as data:
            weights, bias = data["weights"], data["bias"]
            n_entries = int(data["n_entries"])
            neutral = data["neutral"] if "neutral" in data.files else None
        if weights.ndim != 2 or len(weights) != len(bias) or not n_entries <= len(bias) <= n_entries + 2:
            raise ValueError(f"{path}: classifier arrays do not fit together")
        if neutral is not None and (neutral.ndim != 2 or neutral.shape[1] != weights.shape[1]):
            raise ValueError(f"{path}: classifier arrays do not fit together")
        return cls(
            weights.astype(np.float32),
            bias.astype(np.float32),
            n_entries,
            None if neutral is None else neutral.astype(np.float32),
        )


def project_out(x: np.ndarray, directions: np.ndarray | None) -> np.ndarray:
    """``x`` (a vector or rows) without its components along orthonormal ``directions``."""
    if directions is None or len(directions) == 0:
        return x
    return x - (x @ directions.T) @ directions


def language_directions(vectors: np.ndarray, classes: np.ndarray, languages: Sequence[str]) -> np.ndarray:
    """Orthonormal directions (rows) along which the same class differs only by language.

    ``classes[i]`` is the class of ``vectors[i]`` (an entry, or the outside class),
    ``languages[i]`` its language. The main language is the most common one; for
    every other language, the difference between its mean and the main language's
    mean within each class that has both, averaged over those classes (weighted
    by the smaller side). No pair, no direction: a (0, dimension) array.
    """
    x = np.asarray(vectors, dtype=np.float64)
    classes = np.asarray(classes)
    langs = np.asarray(list(languages))
    if len(x) == 0:
        return np.zeros((0, x.shape[1] if x.ndim == 2 else 0), dtype=np.float32)
    values, counts = np.unique(langs, return_counts=True)
    main = values[np.argmax(counts)]
    rows = []
    for lang in values:
        if lang == main:
            continue
        diffs, weights = [], []
        for c in np.unique(classes):
            a = (classes == c) & (langs == lang)
            b = (classes == c) & (langs == main)
            if a.any() and b.any():
                diffs.append(x[a].mean(axis=0) - x[b].mean(axis=0))
                weights.append(min(a.sum(), b.sum()))
        if diffs:
            rows.append(np.average(np.array(diffs), axis=0, weights=weights))
    if not rows:
        return np.zeros((0, x.shape[1]), dtype=np.float32)
    q, r = np.linalg.qr(np.array(rows).T)
    keep = np.abs(np.diag(r)) > 1e-6
    return np.ascontiguousarray(q[:, keep].T, dtype=np.float32)
