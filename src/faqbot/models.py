"""The small values that cross module lines: Entry, Passage, Hit, Answer.

They are plain data: how an Answer is shown (plain text, Markdown, a chat
message) is ``render.py``'s job, and an Answer's ``to_dict()`` is what a
conversation passes back as history (``conversation.py`` reads it as data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

AnswerKind = Literal["faq", "declined", "smalltalk"]
ANSWER_KINDS: tuple[str, ...] = ("faq", "declined", "smalltalk")

# A confidence score in words: at or above each bound (checked in order).
CONFIDENCE_BANDS: tuple[tuple[float, str], ...] = ((0.8, "high"), (0.5, "medium"), (0.0, "low"))


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
class Link:
    """A link to a person or office: the words shown, and where it goes (http(s), mailto, tel)."""

    label: str
    url: str


@dataclass(frozen=True)
class Contact:
    """How to reach a person when the FAQ is not enough (from the corpus's ``.meta.json``)."""

    text: str
    links: tuple[Link, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A ranked FAQ entry for a query: number, question and a 0..1 score."""

    number: int
    question: str
    score: float


def confidence_word(score: float) -> str:
    """A 0..1 score in words: "high", "medium" or "low"."""
    return next(word for bound, word in CONFIDENCE_BANDS if score >= bound)


@dataclass
class Answer:
    """What the bot says to one question.

    ``answer`` is the matched FAQ answer verbatim, or for a decline or small talk
    the bot's one sentence; suggestions are never inside it but in
    ``alternatives``. ``question_number`` and ``question`` name the source and are
    ``None`` when the bot declined or made small talk. ``language`` is the
    language the question was asked in (the framing of a reply follows it; a FAQ
    answer stays in the FAQ's own words).
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
    language: str = "en"
    intent: str | None = None  # the small-talk intent ("greeting", "human", ...)
    contact: Contact | None = None  # a way to a person, with declines and "talk to a human"

    @property
    def declined(self) -> bool:
        return self.kind == "declined"

    @property
    def confidence(self) -> str:
        """The score in words: "high", "medium" or "low"."""
        return confidence_word(self.score)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every field (and ``declined``, ``confidence``)."""
        data = asdict(self)
        data["declined"] = self.declined
        data["confidence"] = self.confidence
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answer:
        """The Answer a ``to_dict()`` came from (unknown keys ignored; ValueError if malformed)."""
        try:
            kwargs = {f.name: data[f.name] for f in fields(cls) if f.name in data}
            kwargs["passages"] = [Passage(**p) for p in data.get("passages") or []]
            kwargs["alternatives"] = [Hit(**h) for h in data.get("alternatives") or []]
            if data.get("did_you_mean") is not None:
                kwargs["did_you_mean"] = Hit(**data["did_you_mean"])
            if data.get("contact") is not None:
                c = data["contact"]
                kwargs["contact"] = Contact(c.get("text", ""), tuple(Link(**x) for x in c.get("links") or []))
            answer = cls(**kwargs)
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not an Answer.to_dict(): {exc}") from None
        if answer.kind not in ANSWER_KINDS:
            raise ValueError(f"not an Answer.to_dict(): kind {answer.kind!r}")
        return answer

    def _repr_markdown_(self) -> str:  # Jupyter shows an Answer as Markdown
        from .render import markdown

        return markdown(self)

    def __str__(self) -> str:
        from .render import plain_text

        return plain_text(self)
