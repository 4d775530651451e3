"""A message that asks for a FAQ entry by its number ("question 5", "#9", "pregunta 10",
"6") or by its place in the list the last reply offered ("the second one", "la primera").

People see the entries' numbers (every answer's source line, the closest questions a
decline offers, the list of all questions) and ask for one by it, on a phone often by
the number alone. Such a message holds one of the FAQ's question numbers and nothing
but words that point at it: "question", "number", "show me", "what does … say"
(``POINTING``, in the languages faqbot speaks), function words and openers ("ok 5").
Any other word ("can I renew my card within 5 days?") makes it a question like any other.
An ordinal ("the second one", ``ORDINALS``) with only such words picks from the
questions the previous reply listed.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from functools import cache

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
# A place in a list, folded: 1, 2, ... and -1 for the last.
ORDINALS = {
    **dict.fromkeys(
        ("first", "1st", "primera", "primero", "primer", "premiere", "premier", "primeira", "primeiro"), 1
    ),
    **dict.fromkeys(("second", "2nd", "segunda", "segundo", "deuxieme", "seconde"), 2),
    **dict.fromkeys(("third", "3rd", "tercera", "tercero", "tercer", "troisieme", "terceira", "terceiro"), 3),
    **dict.fromkeys(("fourth", "4th", "cuarta", "cuarto", "quatrieme", "quarta", "quarto"), 4),
    **dict.fromkeys(("fifth", "5th", "quinta", "quinto", "cinquieme"), 5),
    **dict.fromkeys(("last", "ultima", "ultimo", "derniere", "dernier"), -1),
}
_LIST_WORDS = frozenset("one ones option opcion opciones opcao opção uno una".split())


@dataclass(frozen=True)
class EntryReference:
    """The entry a message asks for by number, and the language its words are in (None: no
    word says, as in "5")."""

    number: int
    language: str | None


@cache
def _neutral() -> frozenset[str]:
    """Words that neither point at an entry nor ask anything: function words and openers."""
    return function_words() | opener_words()


@cache
def _around_a_place() -> frozenset[str]:
    """Words that may surround an ordinal that picks from a list ("show me the second one")."""
    return _neutral() | _LIST_WORDS | frozenset().union(*POINTING.values())


def referenced_entry(text: str, numbers: Container[int]) -> EntryReference | None:
    """The entry ``text`` asks for by its number, when that is all it asks (module docstring)."""
    tokens = words(text)
    matches = [_NUMBER.fullmatch(t) for t in tokens]
    found = [int(m.group(1)) for m in matches if m]
    if len(found) != 1 or found[0] not in numbers or len(tokens) > 8:
        return None
    pointing = [t for t, m in zip(tokens, matches) if not m and t not in _neutral()]
    languages = [lang for lang, known in POINTING.items() if all(t in known for t in pointing)]
    if not languages:
        return None
    said = [lang for lang in languages if any(t in POINTING[lang] for t in pointing)]
    return EntryReference(found[0], said[0] if pointing and len(said) == 1 else None)


def referenced_position(text: str) -> int | None:
    """The place (1, 2, ...; -1 for the last) in the previous reply's list that ``text``
    asks for, when that is all it asks ("the second one", "la segunda", "show me the last")."""
    tokens = words(text)
    places = [ORDINALS[t] for t in tokens if t in ORDINALS]
    if len(places) != 1 or len(tokens) > 8 or any(_NUMBER.fullmatch(t) for t in tokens):
        return None
    return places[0] if all(t in ORDINALS or t in _around_a_place() for t in tokens) else None
