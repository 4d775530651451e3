"""Small text helpers shared by the engine: accent folding and word splitting.

Language-neutral: they work on any script (``str.isalnum`` and Unicode
categories), and know no words of any one language.
"""

from __future__ import annotations

import re
import unicodedata

_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


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
