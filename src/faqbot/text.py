"""Small text helpers shared by the engine: accent folding and word splitting.

Language-neutral: they work on any script (``str.isalnum`` and Unicode
categories), and know no words of any one language.
"""

from __future__ import annotations

import re
import unicodedata

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def fold(text: str) -> str:
    """Lowercase without accents or Spanish ¿¡ marks, curly apostrophes straightened.

    >>> fold("¿Cuánto tiempo guardan mi información?")
    'cuanto tiempo guardan mi informacion?'
    """
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("¿", "").replace("¡", "").lower()


def words(text: str) -> list[str]:
    """The words of a text, folded (letters and digits; punctuation dropped)."""
    return _WORDS.findall(fold(text))


def sentences(text: str) -> list[str]:
    """A message's sentences: split after ``.``, ``!`` or ``?`` and a space, whatever follows
    (people often start a sentence in lower case)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def question_part(text: str) -> str:
    """The part of a message that asks: its sentences that end with ``?`` (else its last one).

    A message of several sentences often sets a scene first ("My son studies in
    Albuquerque. ...") and asks last; the scene's names say who is asking, not what
    about. A one-sentence message is its own question part.
    """
    parts = sentences(text)
    if len(parts) <= 1:
        return text
    asking = [s for s in parts if s.endswith("?")]
    return " ".join(asking) if asking else parts[-1]
