"""What to say about a reading: answer its top entry, or decline, and what to offer beside.

A pure function of the ranked entries, the calibrated confidence and the
calibration's threshold and margin: no model, no index, no wording.

* **answer** when the confidence clears the threshold: the top entry, with the
  next ``MAX_ALTERNATIVES`` as related questions, and the runner-up offered as
  "did you mean" when its fused score is within ``close_margin`` of the top;
* **decline** otherwise, offering the top ``MAX_ALTERNATIVES`` as the closest
  questions the FAQ does answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .retrieval import EntryScore
from .retrieval.calibration import Calibration

MAX_ALTERNATIVES = 3


@dataclass(frozen=True)
class Decision:
    """The bot's choice for one question (entry numbers; no text)."""

    action: Literal["answer", "decline"]
    confidence: float
    entry: EntryScore | None  # the entry answered with (None when declining)
    offered: tuple[EntryScore, ...]  # related questions, or the closest ones when declining
    did_you_mean: EntryScore | None = None


def decide(ranked: list[EntryScore], confidence: float, calibration: Calibration) -> Decision:
    """Answer or decline (see the module docstring)."""
    if not ranked or confidence < calibration.threshold:
        return Decision("decline", confidence, None, tuple(ranked[:MAX_ALTERNATIVES]))
    top = ranked[0]
    offered = tuple(ranked[1 : 1 + MAX_ALTERNATIVES])
    close = len(ranked) > 1 and top.score - ranked[1].score < calibration.close_margin
    return Decision("answer", confidence, top, offered, ranked[1] if close else None)
