"""Confidence: the fused retrieval score mapped to a calibrated 0..1 probability.

``confidence = sigmoid(slope * (top_score - center) + margin_weight * (top - second))``,
a logistic regression fitted on the tuning cases (``tests/data/nm_tuning.jsonl``)
to predict "the top entry is the right answer". Because it is a probability, the
threshold means something: at 0.5 the bot answers when it is more likely right
than wrong. ``faqbot eval --plot`` shows the trade-off over thresholds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Calibration:
    """Logistic map from (top score, margin to the runner-up) to 0..1."""

    slope: float = 14.0
    center: float = 0.50
    margin_weight: float = 4.0
    threshold: float = 0.5  # answer at or above, decline below
    close_margin: float = 0.03  # runner-up this close: offer "did you mean"

    def confidence(self, top: float, second: float | None = None) -> float:
        margin = 0.0 if second is None else max(0.0, top - second)
        z = self.slope * (top - self.center) + self.margin_weight * margin
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
