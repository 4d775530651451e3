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
from dataclasses import dataclass
from typing import Iterable, Literal

from .models import Entry

ChunkKind = Literal["question", "alternate", "answer"]

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
        chunks.append(Chunk(entry.number, "question", entry.question))
        chunks.extend(Chunk(entry.number, "alternate", alt) for alt in entry.alternates)
        chunks.extend(Chunk(entry.number, "answer", text) for text in split_answer(entry.answer))
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
