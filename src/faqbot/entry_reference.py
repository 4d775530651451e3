"""A message that asks for a FAQ entry by its number: "question 5", "#9", "pregunta 10", "6".

People see the entries' numbers (every answer's source line, the closest questions a
decline offers, the list of all questions) and ask for one by it, on a phone often by
the number alone. Such a message holds one of the FAQ's question numbers and nothing
but words that point at it: "question", "number", "show me", "what does … say"
(``POINTING``, in the languages faqbot speaks), function words and openers ("ok 5").
Any other word ("can ICE keep my data 5 years?") makes it a question like any other.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from .engine_data import function_words, opener_words
from .text import words

# Words that only point at an entry, folded: English, Spanish, French, Portuguese.
POINTING = {
    "en": frozenset(
        "question questions q number num no nr entry item faq show open read see view give tell "
        "say says about more please pls plz".split()
    ),
    "es": frozenset(
        "pregunta preguntas numero num nro muestrame muestra mostrar ver leer lee abre abrir dame dime "
        "dice sobre mas porfa favor".split()
    ),
    "fr": frozenset("question numero montre montrez moi lire dit plait".split()),
    "pt": frozenset("pergunta perguntas numero mostre mostra ler diz favor".split()),
}
_NUMBER = re.compile(r"(?:q|n|no|nr|nro)?(\d{1,4})")


@dataclass(frozen=True)
class EntryReference:
    """The entry a message asks for by number, and the language its words are in (None: no
    word says, as in "5")."""

    number: int
    language: str | None


def referenced_entry(text: str, numbers: Container[int]) -> EntryReference | None:
    """The entry ``text`` asks for by its number, when that is all it asks (module docstring)."""
    tokens = words(text)
    found = [int(m.group(1)) for t in tokens if (m := _NUMBER.fullmatch(t))]
    if len(found) != 1 or found[0] not in numbers or len(tokens) > 8:
        return None
    rest = [t for t in tokens if not _NUMBER.fullmatch(t)]
    neutral = function_words() | opener_words()
    pointing = [t for t in rest if t not in neutral]
    languages = [lang for lang, known in POINTING.items() if all(t in known for t in pointing)]
    if not languages:
        return None
    said = [lang for lang in languages if any(t in POINTING[lang] for t in pointing)]
    return EntryReference(found[0], said[0] if pointing and len(said) == 1 else None)
