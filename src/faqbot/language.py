"""Which language a question is written in, to frame the reply in it.

A small, generic vote: each language in ``data/function_words.json`` scores the
question's words that are among its function words (the words every sentence
of a language uses: articles, pronouns, question words), with Spanish accents
and ``¿¡`` counting for Spanish. The language with the most votes wins; a tie or
no votes keeps the FAQ's own language. Only the reply's framing follows it (the
FAQ's answer stays in the FAQ's words), so a wrong guess costs little.
"""

from __future__ import annotations

import json
import re
from functools import cache

from .engine_data import DATA

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPANISH_MARKS = set("¿¡ñáéíóú")


@cache
def _vocabularies() -> dict[str, frozenset[str]]:
    data = json.loads((DATA / "function_words.json").read_text(encoding="utf-8"))
    vocab = {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}
    # A word shared by two languages ("no", "a") says nothing about which.
    shared = {
        w
        for lang, words in vocab.items()
        for other, more in vocab.items()
        if other != lang
        for w in words & more
    }
    return {lang: words - shared for lang, words in vocab.items()}


def detect(text: str, default: str = "en") -> str:
    """The language of ``text`` (a code such as "en" or "es"), else ``default``."""
    words = [w.lower() for w in _WORD.findall(text)]
    votes = {lang: sum(w in vocab for w in words) for lang, vocab in _vocabularies().items()}
    if "es" in votes and any(ch in _SPANISH_MARKS for ch in text.lower()):
        votes["es"] += 1
    best = max(votes.values(), default=0)
    winners = [lang for lang, n in votes.items() if n == best]
    if best == 0 or len(winners) > 1:
        return default
    return winners[0]
