"""The small values that cross module lines: Entry, Passage, Hit, Answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

AnswerKind = Literal["faq", "declined", "smalltalk"]


@dataclass(frozen=True)
class Entry:
    """One FAQ entry: its number, question, answer and other phrasings of the question."""

    number: int
    question: str
    answer: str
    alternates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A chunk of an entry that matched a query, with its similarity score (0..1)."""

    number: int
    text: str
    score: float


@dataclass(frozen=True)
class Hit:
    """A ranked FAQ entry for a query: number, question and a 0..1 score."""

    number: int
    question: str
    score: float


@dataclass
class Answer:
    """What the bot says to one question.

    ``answer`` is the matched FAQ answer verbatim (or the decline / small-talk
    message); ``question_number`` and ``question`` name its source and are
    ``None`` when the bot declined or made small talk.
    """

    answer: str
    kind: AnswerKind
    score: float
    question_number: int | None = None
    question: str | None = None
    passages: list[Passage] = field(default_factory=list)
    alternatives: list[Hit] = field(default_factory=list)
    query: str = ""
    resolved_query: str | None = None
    notice: str | None = None
    repeated: bool = False
    did_you_mean: Hit | None = None

    @property
    def declined(self) -> bool:
        return self.kind == "declined"

    @property
    def confidence(self) -> str:
        """The score in words: "high", "medium" or "low"."""
        if self.score >= 0.8:
            return "high"
        if self.score >= 0.5:
            return "medium"
        return "low"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every field (and ``declined``, ``confidence``)."""
        data = asdict(self)
        data["declined"] = self.declined
        data["confidence"] = self.confidence
        return data

    def _repr_markdown_(self) -> str:  # rendered by Jupyter
        from .formatting import to_markdown

        return to_markdown(self)

    def __str__(self) -> str:
        from .formatting import to_plain_text

        return to_plain_text(self)
