"""Confidence and the decline threshold of one FAQ, fitted when its index is built.

``confidence = sigmoid(slope * (top - center))`` maps the top entry's fused score
to a 0..1 confidence that it is the right answer, and the bot answers at or
above ``threshold`` (in confidence units), else declines.

Nothing here is fitted on one FAQ for all: ``fit`` takes the scores of probe
questions that the FAQ's own build cross-validated (``build.py``): its alternate
phrasings (or, without alternates, its questions), each scored by an index built
without it, and the generic outside questions (plus the FAQ's own out-of-scope
examples), each scored by an index whose outside class never saw it.

* The threshold declines ``DECLINE_OUTSIDE`` of the outside probes: the fused
  score they reach at that quantile. In-scope probes cannot set it for a FAQ
  without alternates: its only probes are its own questions, which score far
  above real users' wording.
* Slope and center come from a class-balanced logistic regression of "the top
  entry is right" (outside probes never are) on the top score, so the displayed
  confidence rises with the evidence and crosses the threshold where the
  decision does.
``close_margin``: a runner-up within this much fused score is offered as "did you mean".
"""

from __future__ import annotations

import math
import warnings
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np

DECLINE_OUTSIDE = 0.98  # share of the cross-validated outside probes the threshold declines
DEFAULT_SLOPE = 10.0


@dataclass(frozen=True)
class Calibration:
    """Logistic map from the top fused score to 0..1, and the answer/decline threshold."""

    slope: float = DEFAULT_SLOPE
    center: float = 0.35
    threshold: float = 0.5  # answer at or above, decline below (confidence units)
    close_margin: float = 0.03  # runner-up this close (fused score): offer "did you mean"

    def confidence(self, top: float, second: float | None = None) -> float:
        """Probability that the entry with fused score ``top`` is the right answer."""
        z = self.slope * (top - self.center)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 6) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Any) -> Calibration:
        """A calibration from a manifest (ValueError when it is not one)."""
        if not isinstance(data, dict):
            raise ValueError("calibration must be an object")
        values = {}
        for f in fields(cls):
            value = data.get(f.name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
                raise ValueError(f"calibration {f.name!r} must be a number")
            values[f.name] = float(value)
        if values["slope"] <= 0 or not 0 < values["threshold"] < 1:
            raise ValueError("calibration slope must be positive and its threshold within 0..1")
        return cls(**values)


def fit(in_scores: np.ndarray, in_right: np.ndarray, out_scores: np.ndarray) -> Calibration:
    """The calibration from cross-validated probe scores (see the module docstring).

    ``in_scores``/``in_right``: top fused score of each in-scope probe and whether
    its top entry was the right one; ``out_scores``: top score of each outside probe.
    """
    out_scores = np.asarray(out_scores, dtype=np.float64)
    cut = float(np.quantile(out_scores, DECLINE_OUTSIDE)) if len(out_scores) else 0.35
    scores = np.concatenate([np.asarray(in_scores, dtype=np.float64), out_scores])
    right = np.concatenate([np.asarray(in_right, dtype=bool), np.zeros(len(out_scores), dtype=bool)])
    slope, center = DEFAULT_SLOPE, cut
    if right.any() and (~right).any():
        from sklearn.linear_model import LogisticRegression  # build time only

        model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(scores.reshape(-1, 1), right)
        a, b = float(model.coef_[0][0]), float(model.intercept_[0])
        if a > 1e-3:
            slope, center = a, -b / a
    base = Calibration(slope=slope, center=center)
    threshold = min(max(base.confidence(cut), 1e-4), 1 - 1e-4)
    return Calibration(slope=slope, center=center, threshold=threshold)
