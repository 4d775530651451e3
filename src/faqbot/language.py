"""Which language a question is written in, to frame the reply in it.

A small, generic vote: each language in ``data/function_words.json`` scores the
question's words that are among its function words (the words every sentence
of a language uses: articles, pronouns, question words); a word several
languages use ("que", "a") splits its vote among them. Spanish accents and
``¿¡`` count for Spanish. The language with the most votes wins; a tie or
no votes keeps the FAQ's own language. Only the reply's framing follows it (the
FAQ's answer stays in the FAQ's words), so a wrong guess costs little.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from functools import cache

from .engine_data import DATA

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPANISH_MARKS = set("¿¡ñáéíóú")


@cache
def _votes() -> dict[str, dict[str, float]]:
    """Each function word's vote per language: 1 split evenly among the languages that
    use it ("que" is Spanish, French and Portuguese: a third to each)."""
    data = json.loads((DATA / "function_words.json").read_text(encoding="utf-8"))
    vocab = {lang: frozenset(words) for lang, words in data.items() if not lang.startswith("_")}
    users: dict[str, list[str]] = {}
    for lang, words in vocab.items():
        for w in words:
            users.setdefault(w, []).append(lang)
    return {w: {lang: 1.0 / len(langs) for lang in langs} for w, langs in users.items()}


def detect(text: str, default: str = "en", prefer: Collection[str] = ()) -> str:
    """The language of ``text`` (a code such as "en" or "es"), else ``default``.

    A tie between languages of which exactly one is in ``prefer`` (the languages the
    caller can reply in) goes to that one: "como aplico para trabajar" is Spanish
    or Portuguese by its function words, and only one of them may have a reply.
    """
    table = _votes()
    votes: dict[str, float] = {}
    for w in _WORD.findall(text):
        for lang, share in table.get(w.lower(), {}).items():
            votes[lang] = votes.get(lang, 0.0) + share
    if any(ch in _SPANISH_MARKS for ch in text.lower()):
        votes["es"] = votes.get("es", 0.0) + 1.0
    best = max(votes.values(), default=0.0)
    winners = [lang for lang, n in votes.items() if abs(n - best) < 1e-9]
    if len(winners) > 1:
        winners = [lang for lang in winners if lang in prefer]
    if best == 0 or len(winners) != 1:
        return default
    return winners[0]
