"""Check and tidy a question before it is searched.

A question must be text with something in it; anything else raises
``QuestionError`` (a ``ValueError``) with a message a person understands.
Control characters and lone surrogates (from undecodable command-line bytes)
are replaced, white space is folded, a question typed in capitals is read in
lower case (the model reads "WHEN DO YOU OPEN ON SUNDAY" worse than the same words
in lower case, and every word of it would look like an acronym), and very long
text is cut to what the model reads, with a notice saying so.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import QuestionError
from .limits import MAX_QUESTION_CHARS, SCAN_CHARS

_SPACE = re.compile(r"\s+")
SHOUTED = 0.8  # of a question's cased letters in capitals: typed with caps lock on
SHOUTED_MIN_LETTERS = 8
_LEADING_BLANK = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]*")


@dataclass(frozen=True)
class Question:
    """A question ready to search: tidied text, and whether it was shortened."""

    text: str
    original_length: int
    truncated: bool


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
    leading = _LEADING_BLANK.match(question)  # the pattern matches any text (maybe empty)
    start = leading.end() if leading else 0  # a question after a page of blank lines
    head = question[start : start + SCAN_CHARS]
    head = head.encode("utf-8", errors="replace").decode("utf-8")  # lone surrogates -> U+FFFD
    head = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch not in "\u200d" else ch
        for ch in head
    )
    text = _unshout(_SPACE.sub(" ", head).strip())
    if not text or not any(ch.isalnum() for ch in text):
        raise QuestionError("Please type a question: the text was empty or had no words in it.")
    truncated = len(text) > MAX_QUESTION_CHARS or original_length - start > SCAN_CHARS
    if len(text) > MAX_QUESTION_CHARS:
        cut = text[:MAX_QUESTION_CHARS]
        text = cut.rsplit(" ", 1)[0] if " " in cut[MAX_QUESTION_CHARS // 2 :] else cut
    return Question(text=text, original_length=original_length, truncated=truncated)


def _unshout(text: str) -> str:
    """``text`` in lower case when it is (nearly) all capitals, else as it is."""
    cased = [ch for ch in text if ch.isupper() or ch.islower()]
    upper = sum(ch.isupper() for ch in cased)
    return text.lower() if len(cased) >= SHOUTED_MIN_LETTERS and upper >= SHOUTED * len(cased) else text
