"""Check and tidy a question before it is searched.

A question must be text with something in it; anything else raises
``QuestionError`` (a ``ValueError``) with a message a person understands.
Control characters and lone surrogates (from undecodable command-line bytes)
are replaced, white space is folded, and very long text is cut to what the
model reads, with a notice saying so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import QuestionError

MAX_CHARS = 1000  # the model reads ~256 word pieces (~1,000 characters of English)

_SPACE = re.compile(r"\s+")
_LEADING_BLANK = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]*")


@dataclass(frozen=True)
class Question:
    """A question ready to search: tidied text, and whether it was shortened."""

    text: str
    original_length: int
    truncated: bool

    @property
    def notice(self) -> str | None:
        if not self.truncated:
            return None
        return (
            f"Your question was {self.original_length:,} characters long; "
            f"only the first {MAX_CHARS:,} were read."
        )


def prepare_question(question: object) -> Question:
    """Validate and tidy a user's question; raise QuestionError when it cannot be asked."""
    if question is None:
        raise QuestionError("Please type a question (got nothing).")
    if isinstance(question, bytes):
        question = question.decode("utf-8", errors="replace")
    if not isinstance(question, str):
        raise QuestionError(
            f"A question must be text, not {type(question).__name__}. Please type a question."
        )
    original_length = len(question)
    # Look at a bounded prefix only: a megabyte of text costs no more than the model reads.
    start = _LEADING_BLANK.match(question).end()  # a question after a page of blank lines
    head = question[start : start + MAX_CHARS * 4]
    head = head.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates -> U+FFFD
    head = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\u200d" else ch
        for ch in head
    )
    text = _SPACE.sub(" ", head).strip()
    if not text or not any(ch.isalnum() for ch in text):
        raise QuestionError("Please type a question: the text was empty or had no words in it.")
    truncated = len(text) > MAX_CHARS or original_length - start > MAX_CHARS * 4
    if len(text) > MAX_CHARS:
        cut = text[:MAX_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut[MAX_CHARS // 2 :] else cut
    return Question(text=text, original_length=original_length, truncated=truncated)
