"""Split FAQ entries into passages, each tagged with its source question number.

Every entry yields:

* one ``question`` passage (the FAQ question itself),
* one ``alternate`` passage per extra phrasing of the question,
* ``answer`` passages: each list item on its own, and the prose around the
  lists in windows of up to ``WINDOW`` sentences (overlapping by one), so a
  passage is short enough for the model to read whole (it reads 256 tokens).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .models import Entry


class ChunkKind(StrEnum):
    """Which part of an entry a passage came from; ``code`` is its number in index arrays."""

    QUESTION = "question"
    ALTERNATE = "alternate"
    ANSWER = "answer"

    @property
    def code(self) -> int:
        return _CODES[self]

    @classmethod
    def from_code(cls, code: int) -> ChunkKind:
        return _KINDS[code]

    @property
    def is_phrasing(self) -> bool:
        """A way of asking the entry's question (its question or an alternate), not answer text."""
        return self is not ChunkKind.ANSWER


_KINDS = tuple(ChunkKind)
_CODES = {kind: code for code, kind in enumerate(_KINDS)}

WINDOW = 3  # sentences per prose passage
CHUNKING_VERSION = 1  # bump when the rules change: saved indexes become stale

_LIST_ITEM = re.compile(r"^\s*(?:\d{1,3}[.)]|[–—•*-])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[“\"'(A-Z0-9])")


@dataclass(frozen=True)
class Chunk:
    """A passage of text from entry ``number``; ``kind`` says which part it came from."""

    number: int
    kind: ChunkKind
    text: str


def chunk_entries(entries: Iterable[Entry]) -> list[Chunk]:
    """All passages of all entries, in entry order."""
    chunks: list[Chunk] = []
    for entry in entries:
        chunks.append(Chunk(entry.number, ChunkKind.QUESTION, entry.question))
        chunks.extend(Chunk(entry.number, ChunkKind.ALTERNATE, alt) for alt in entry.alternates)
        chunks.extend(Chunk(entry.number, ChunkKind.ANSWER, text) for text in split_answer(entry.answer))
    return chunks


def split_answer(answer: str) -> list[str]:
    """An answer's passages: list items whole, prose in overlapping sentence windows."""
    passages: list[str] = []
    prose: list[str] = []
    heading = ""  # a list heading such as "Benefits:" is prefixed to the items under it

    def flush() -> None:
        if prose:
            passages.extend(_windows(split_sentences(" ".join(prose))))
            prose.clear()

    for line in answer.splitlines():
        line = line.strip()
        if not line:
            continue
        if _LIST_ITEM.match(line):
            flush()
            item = _LIST_ITEM.sub("", line, count=1)
            if item.endswith(":") and len(item) < 40:
                heading = item + " "
                continue
            passages.extend(heading + w for w in _windows(split_sentences(item)))
        else:
            heading = ""
            prose.append(line)
    flush()
    return [p for p in passages if p.strip()]


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a simple rule: end mark, space, capital or digit)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _windows(sentences: list[str]) -> list[str]:
    if len(sentences) <= WINDOW:
        return [" ".join(sentences)] if sentences else []
    step = WINDOW - 1
    out = []
    for start in range(0, len(sentences) - 1, step):
        out.append(" ".join(sentences[start : start + WINDOW]))
        if start + WINDOW >= len(sentences):
            break
    return out
