"""Names a question uses that its FAQ never mentions: a sign it asks about something else.

A FAQ about one city's buses matches "does the Greyhound bus take bikes?" or
"does the Denver bus take bikes?" almost word for word, yet does not answer them. The
retriever subtracts a penalty from every entry when a question names

* a place (``engine_data.place_names``: countries, states, provinces, large cities)
  that appears nowhere in the FAQ's text, or
* an organisation the FAQ never uses, as people write them: an acronym (``IRS``,
  ``DACA``) or a capitalised word inside the sentence (``Amtrak``),
* another subject in lower case (``engine_data.subject_keys``: public bodies,
  companies, programmes, laws: "the post office", "my landlord", "the census"),

and the FAQ itself does not contain that word. Nothing here is about one FAQ: the
place and subject lists are generic, and the FAQ's own words come from its index.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cache

from ..engine_data import function_words, place_names, subject_keys
from ..text import sentences, words

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


@cache
def _place_pattern() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in place_names()) + r")\b")


@cache
def _subject_pattern() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in subject_keys()) + r")\b")


def unknown_names(text: str, known: Container[str]) -> int:
    """How many places, subjects, acronyms and capitalised names ``text`` uses that ``known``
    (the FAQ's folded words) does not contain (each name counted once)."""
    lower = text.lower()
    found = {
        name
        for name in [*_place_pattern().findall(lower), *_subject_pattern().findall(lower)]
        if not all(word in known for word in words(name))
    }
    listed = {w for name in found for w in words(name)}
    stop = function_words()
    for sentence in sentences(text):
        for k, word in enumerate(_WORD.findall(sentence)):
            base = word.strip(".'’-").lower()
            if not base or base in known or base in stop or base in place_names() or base in listed:
                continue
            if len(word) >= 2 and word.isalpha() and word.isupper():  # an acronym: IRS, USCIS
                found.add(base)
            elif k > 0 and word[0].isupper() and word[1:].islower():  # a name inside the sentence
                found.add(base)
    return len(found)
