"""Typing slips and shorthand in a question, mended before it is searched.

"r u guys hirin mechanics", "wat time do u close on saturdy": shorthand and slips
cost BM25 the word and pull the model's vector away from the entry. ``Spelling.mend``
does two things, in this order:

1. **Shorthand is written out** (``engine_data.shorthand``: "r" -> "are", "u" -> "you",
   "q" -> "que"), with the table of the question's language: the one its function
   words name, else the one whose shorthand it uses most. A FAQ in any language gets this.
2. **A slip is mended** toward the FAQ's own words when

   * it is typed in lower case (an acronym such as "DACA" is a name, not a slip), has
     at least ``MIN_LETTERS`` letters, and is neither a word the FAQ uses nor a word of
     the language's dictionary (``engine_data.dictionary``), nor a form of one (its
     stem is a dictionary word's: "complies", "obeys");
   * exactly one word that the FAQ uses and the dictionary has is one edit away (a
     letter left out, added or changed, or two neighbours swapped: Damerau's single
     edits, the commonest slips). With two it is ambiguous ("complant": "complaint"
     or "compliant"?) and stays as typed; so does a word with none.

   Only a question whose function words say it is in the FAQ's language, and a FAQ
   in a language the engine has a dictionary for, are mended: a Spanish word in an
   English FAQ's question is no English slip.

The reader's words are what the answer shows; only the search reads the mended text.
"""

from __future__ import annotations

import re
import string
from collections.abc import Collection
from functools import cache

import Stemmer

from .. import language
from ..engine_data import dictionary, function_words, shorthand

MIN_LETTERS = 5  # shorter words have too many one-edit neighbours ("fone": "fine", "done", "font")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"(?<!\S)[\w/]+(?=[?!.,;:]*(?:\s|$))", re.UNICODE)  # a word between spaces
_STEMMERS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "pt": "portuguese",
    "de": "german",
    "it": "italian",
}


class Spelling:
    """Writes out shorthand and mends typing slips in the questions to one FAQ.

    ``faq_words`` are the FAQ's words, folded (``SearchIndex.words``); ``language_code``
    is the FAQ's language.
    """

    def __init__(self, faq_words: Collection[str], language_code: str):
        self.language = language_code
        self._faq_words = faq_words
        self._dictionary = dictionary(language_code)
        # What a slip may be mended to: the FAQ's words the dictionary knows.
        self._targets = frozenset(w for w in faq_words if w in self._dictionary)

    @property
    def active(self) -> bool:
        """Whether slips are mended for this FAQ (the engine has a dictionary and a stemmer
        for its language); shorthand is written out for every FAQ."""
        return bool(self._targets) and self.language in _STEMMERS

    def mend(self, text: str) -> str:
        """``text`` with its shorthand written out and each mendable slip replaced by the
        FAQ's word (unchanged when there is neither)."""
        said = language.detect(text, default="")
        table = shorthand().get(said or _shorthand_language(text), {})
        if table:
            text = _TOKEN.sub(lambda m: table.get(m.group(0), m.group(0)), text)
            said = said or language.detect(text, default="")
        if not self.active or said != self.language:
            return text
        return _WORD.sub(lambda m: self._mended(m.group(0)), text)

    def _mended(self, word: str) -> str:
        if len(word) < MIN_LETTERS or not word.islower() or not word.isascii() or self._known(word):
            return word
        candidates = [w for w in _one_edit(word) if w in self._targets]
        return candidates[0] if len(candidates) == 1 else word

    def _known(self, word: str) -> bool:
        """A word of the FAQ or of the language, or a form of one ("complies" of "comply")."""
        if word in self._faq_words or word in self._dictionary or word in function_words():
            return True
        return _stemmer(self.language).stemWord(word) in _stems(self.language)


def _shorthand_language(text: str) -> str:
    """The language whose shorthand ``text`` uses most ("" for none, or a tie)."""
    tokens = _TOKEN.findall(text)
    counts = {lang: sum(t in table for t in tokens) for lang, table in shorthand().items()}
    best = max(counts.values(), default=0)
    leaders = [lang for lang, n in counts.items() if n == best]
    return leaders[0] if best and len(leaders) == 1 else ""


@cache
def _stemmer(language_code: str) -> Stemmer.Stemmer:
    """The Snowball stemmer of a language (PyStemmer)."""
    return Stemmer.Stemmer(_STEMMERS[language_code])


@cache
def _stems(language_code: str) -> frozenset[str]:
    """The stems of a language's dictionary words."""
    return frozenset(_stemmer(language_code).stemWords(sorted(dictionary(language_code))))


def _one_edit(word: str, alphabet: str = string.ascii_lowercase) -> set[str]:
    """Every string one edit from ``word``: a letter deleted, swapped with the next,
    replaced or inserted (Norvig's ``edits1``)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in alphabet}
    found |= {a + c + b for a, b in splits for c in alphabet}
    found.discard(word)
    return found
