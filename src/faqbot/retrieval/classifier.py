"""Which entry a question's wording points to: a classifier trained on the FAQ's phrasings.

Like the intent classifier of Rasa or Dialogflow: a logistic regression over the
sentence vectors of every entry's question and alternates (one class per entry),
plus, when the FAQ gives examples of questions it does not answer
(``faq.out-of-scope.json``), one "outside" class. It is trained at build time
(about half a second for the bundled FAQ; a 1,000-entry build took about a second
longer with it) and stored with the index; at query time it is one small matrix
product.

Nearest-phrasing similarity asks "which phrasing is this closest to?"; the
classifier asks "which words set this entry apart from the others?" ("required"
vs "legal authority" vs "agreements"), which is where close entries get confused.
Its probabilities join the fused score (``fusion.py``): the entry's probability
adds, the outside probability subtracts. Measured on the development cases in
``docs/QUALITY.md``.

FAQs with more than ``MAX_ENTRIES`` entries get no classifier (one class per
entry stops being cheap, and such FAQs rarely carry alternates); retrieval then
runs as before.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_ENTRIES = 2000
REGULARISATION_C = 16.0  # sklearn's C; chosen on the development cases (8..32 is a plateau)
MAX_ITERATIONS = 5000


@dataclass(frozen=True)
class PhrasingClassifier:
    """Softmax weights: rows ``0..n_entries-1`` are entry positions, then "outside" if any."""

    weights: np.ndarray  # (classes, dimension) float32
    bias: np.ndarray  # (classes,) float32
    n_entries: int

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
    ) -> PhrasingClassifier | None:
        """Fit on phrasing ``vectors`` labelled with their ``entry_positions``.

        ``outside`` holds vectors of questions the FAQ does not answer (may be empty).
        Returns None when there is nothing to tell apart (fewer than two classes) or
        the FAQ is larger than ``MAX_ENTRIES``.
        """
        from sklearn.linear_model import LogisticRegression  # build time only

        has_outside = outside is not None and len(outside) > 0
        n_classes = n_entries + (1 if has_outside else 0)
        if n_entries > MAX_ENTRIES or n_classes < 2:
            return None
        x = np.asarray(vectors, dtype=np.float32)
        y = np.asarray(entry_positions, dtype=np.int64)
        if set(np.unique(y).tolist()) != set(range(n_entries)):
            raise ValueError("every entry needs at least one phrasing")
        if outside is not None and has_outside:
            x = np.vstack([x, np.asarray(outside, dtype=np.float32)])
            y = np.concatenate([y, np.full(len(outside), n_entries, dtype=np.int64)])
        model = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITERATIONS)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a ConvergenceWarning at the cap is harmless here
            model.fit(x, y)
        weights, bias = model.coef_, model.intercept_
        if n_classes == 2:  # sklearn keeps one row for two classes: softmax([0, z]) = sigmoid(z)
            weights = np.vstack([np.zeros_like(weights), weights])
            bias = np.concatenate([[0.0], bias])
        return cls(weights.astype(np.float32), bias.astype(np.float32), n_entries)

    def probabilities(self, vector: np.ndarray) -> tuple[np.ndarray, float]:
        """(probability of each entry position, probability the question is outside the FAQ)."""
        z = self.weights @ np.asarray(vector, dtype=np.float32) + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        outside = float(p[self.n_entries]) if self.has_outside else 0.0
        return p[: self.n_entries], outside

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:
            np.savez(f, weights=self.weights, bias=self.bias, n_entries=np.int64(self.n_entries))

    @classmethod
    def load(cls, path: Path) -> PhrasingClassifier:
        with np.load(path, allow_pickle=False) as data:
            weights, bias = data["weights"], data["bias"]
            n_entries = int(data["n_entries"])
        if weights.ndim != 2 or len(weights) != len(bias) or len(bias) not in (n_entries, n_entries + 1):
            raise ValueError(f"{path}: classifier arrays do not fit together")
        return cls(weights.astype(np.float32), bias.astype(np.float32), n_entries)
