"""Names a question uses that its FAQ never mentions: a sign it asks about something else.

A FAQ about one state's data sharing matches "does Texas share data with ICE?" or
"does the IRS share my data?" almost word for word, yet does not answer them. The
retriever subtracts a penalty from every entry when a question names

* a place (``engine_data.place_names``: countries, states, provinces, large cities)
  that appears nowhere in the FAQ's text, or
* an organisation the FAQ never uses, as people write them: an acronym (``IRS``,
  ``DACA``) or a capitalised word inside the sentence (``Amtrak``),

and the FAQ itself does not contain that word. Nothing here is about one FAQ: the
place list is generic, and the FAQ's own words come from its index.
"""

from __future__ import annotations

import re
from collections.abc import Container
from functools import cache

from ..engine_data import function_words, place_names
from ..text import sentences

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


@cache
def _place_pattern() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in place_names()) + r")\b")


def unknown_names(text: str, known: Container[str]) -> int:
    """How many places, acronyms and capitalised names ``text`` uses that ``known`` (the
    FAQ's lower-case words) does not contain."""
    hits = 0
    for name in _place_pattern().findall(text.lower()):
        if not all(word in known for word in name.split()):
            hits += 1
    stop = function_words()
    for sentence in sentences(text):
        for k, word in enumerate(_WORD.findall(sentence)):
            base = word.strip(".'’-").lower()
            if not base or base in known or base in stop or base in place_names():
                continue
            if len(word) >= 2 and word.isalpha() and word.isupper():  # an acronym: IRS, USCIS
                hits += 1
            elif k > 0 and word[0].isupper() and word[1:].islower():  # a name inside the sentence
                hits += 1
    return hits
