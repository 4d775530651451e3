"""Names a question uses that its FAQ never mentions: a sign it asks about something else.

A FAQ about one city's buses matches "does the Greyhound bus take bikes?" or
"does the Denver bus take bikes?" almost word for word, yet does not answer them. The
retriever subtracts a penalty from every entry when a question names

* a place (``engine_data.place_names``: countries, states, provinces, large cities)
  that appears nowhere in the FAQ's text, or
* an organisation the FAQ never uses, as people write them: an acronym (``IRS``,
  ``DACA``) or a capitalised word inside the sentence (``Amtrak``),
* another subject in lower case (``engine_data.subject_keys``: public bodies,
  companies, programmes, laws: "the post office", "my landlord", "the census",
  singular or plural, in English or Spanish: "el banco" is the FAQ's own when the
  FAQ mentions the bank),

and the FAQ itself does not use that name (a name of several words only counts as
used when the FAQ has it whole: ``vocabulary``). Nothing here is about one FAQ: the
place and subject lists are generic, and the FAQ's own words come from its index.

Only the names in what the question asks about count (``subject_part``): people set
the scene with names of their own ("I'm from Guatemala, does the bus take bikes?",
"my sister Maria says ..., is that true?"), and those say who asks, not what about.

A capitalised name may be the FAQ's own written another way ("la Biblioteca Pública
de Denver" for its Denver Public Library): ``unknown_names`` takes an ``own`` judge
for whole written names (``name_match.py`` judges them by meaning).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence
from functools import cache

from ..engine_data import (
    bare_subject,
    first_person_possessives,
    first_person_words,
    function_words,
    opener_words,
    other_subjects,
    place_names,
    subject_keys,
    subject_twins,
)
from ..text import fold, question_part, sentences, words

_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"\s*[,;:]\s+|\s+[-–—]\s+")
_ASIDE = re.compile(r"\(([^()]*)\)")
_POSSESSIVE = re.compile(r"['’][sS]$")
_HYPHEN = re.compile(r"[-‐‑]+")
SHOUTED_SHARE = 0.7  # of a sentence's words capitalised: capitals mark no names in it
SHOUTED_MIN_WORDS = 3
# The verb before a name the asker gives: "I am Jose", "my name is Maria", "me llamo Lupe",
# "mi nombre es Ana", "je m'appelle Marie", "je suis Marie", "eu me chamo João", "eu sou João".
_NAMING = frozenset("am is called llamo es appelle suis chamo sou".split())
# Lower-case words inside a name of several words: "Department of Health", "Departamento de
# Salud", "Ministère de la Santé". Not "and"/"y": they join two names.
_NAME_LINKS = frozenset("of for the de del la las los el des du d da do dos das di".split())
# Articles are inside a name only after "of", "de": "Department of the Interior".
_ARTICLES = frozenset("the la las los el".split())
OwnJudge = Callable[[Sequence[str]], Sequence[bool]]
INSIDE = "inside:"  # in a vocabulary: a one-word place the FAQ writes only inside a longer one
_LOOK_BACK = 40  # characters read before a place for the word in front of it


def subject_part(message: str) -> str:
    """The part of a message whose names say what it asks about.

    ``text.question_part`` keeps the sentences that ask. Within them, a clause that
    refers to the speaker (a first-person word: "I'm from Guatemala", "soy de
    Honduras", "my sister Maria says ...") describes who asks and is dropped, unless
    it is the clause that asks: the one ending with ``?``, else the last. So is an
    aside in brackets that refers to the speaker ("residents like me (I'm from Peru)").
    """
    speaker = first_person_words()
    asking = _ASIDE.sub(
        lambda m: " " if speaker.intersection(words(m.group(1))) else m.group(0), question_part(message)
    )
    clauses = [c for c in _CLAUSE_BREAK.split(asking) if c.strip()]
    if len(clauses) <= 1:
        return asking
    main = next(
        (i for i in range(len(clauses) - 1, -1, -1) if clauses[i].rstrip().endswith("?")), len(clauses) - 1
    )
    return ", ".join(c for i, c in enumerate(clauses) if i == main or not speaker.intersection(words(c)))


@cache
def _case_sensitive_subjects() -> frozenset[str]:
    """Two-letter acronyms ("the VA"): in lower case they are everyday words of other
    languages (Spanish "va"), so they count only when written in capitals."""
    return frozenset(
        fold(bare)
        for bare in (bare_subject(s) for s in other_subjects())
        if len(bare) <= 2 and bare.isupper()
    )


@cache
def _places() -> frozenset[str]:
    return frozenset(place_names())


@cache
def _place_pattern() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in place_names()) + r")\b")


@cache
def _subject_pattern() -> re.Pattern[str]:
    """Any subject key, on folded text, singular or plural ("iglesia", "las iglesias")."""
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in subject_keys()) + r")(?:e?s)?\b")


def unknown_names(text: str, known: Container[str], own: OwnJudge | None = None) -> int:
    """How many places, subjects, acronyms and capitalised names ``text`` uses that ``known``
    (the FAQ's ``vocabulary``) does not contain (each name counted once).

    ``own`` (optional) is given the written names that hold such a word, whole ("Biblioteca
    Pública"), and says for each whether it is one of the FAQ's own, written another way;
    those do not count."""
    lower = text.lower()
    subjects = [
        s
        for s in _subject_pattern().findall(fold(text))
        if s not in _case_sensitive_subjects() or re.search(rf"\b{re.escape(s.upper())}\b", text)
    ]
    twins = subject_twins()
    found = {
        m.group(1)
        for m in _place_pattern().finditer(lower)
        if not mentioned(m.group(1), known) or _stands_alone(m.group(1), lower, m.start(), known)
    }
    found.update(s for s in subjects if not any(mentioned(twin, known) for twin in twins[s]))
    listed = {w for name in found for w in words(name)}
    stop = function_words()
    places = _places()

    def ignored(base: str) -> bool:
        return base in known or base in stop or base in places or base in listed

    written = [
        span for sentence in sentences(text) for span in _written_names(_name_words(sentence), ignored)
    ]
    if own is not None and written:
        judged = own([name for name, _ in written])
        written = [span for span, mine in zip(written, judged, strict=True) if not mine]
    for _, bases in written:
        found |= bases
    return len(found)


def _written_names(
    sentence_words: Sequence[str], ignored: Callable[[str], bool]
) -> list[tuple[str, set[str]]]:
    """The acronyms and capitalised words inside one sentence that ``ignored`` does not
    skip, folded, each with the whole name it is part of: ("Biblioteca Pública",
    {"biblioteca", "pública"}). Capitals say nothing in a sentence typed in capitals or
    Title Case. A capitalised word right after a first-person word is the asker's own
    ("my Mom", "mi Esposo"), and one right after an opener starts the question ("hi Quick
    question", "hola Disculpe"): neither is another subject."""
    if _capitals_say_nothing(sentence_words):
        return []
    return _capital_spans(sentence_words, ignored)


def _capital_spans(
    sentence_words: Sequence[str], ignored: Callable[[str], bool]
) -> list[tuple[str, set[str]]]:
    """``_written_names`` in a sentence whose capitals mark names."""
    spans: list[tuple[list[str], set[str]]] = []
    linking: list[str] = []  # "de", "of" after a capitalised word: inside a name if one follows
    open_span = False
    stop = function_words()
    for k, word in enumerate(sentence_words):
        base = word.lower()
        capital = bool(word) and word[0].isupper()
        if capital and (open_span or base not in stop):
            if open_span:
                spans[-1][0].extend([*linking, word])
            else:
                spans.append(([word], set()))
            open_span, linking = True, []
        elif open_span and base in _NAME_LINKS and (linking or base not in _ARTICLES):
            linking.append(word)
            continue
        else:
            open_span, linking = False, []
        if not open_span or not base or ignored(base):
            continue
        if len(word) >= 2 and all(ch.isupper() for ch in word):  # IRS, ФБР; not Chinese text holding "IRS"
            spans[-1][1].add(base)
        elif k > 0 and word[0].isupper() and word[1:].islower() and not _the_askers_own(sentence_words[:k]):
            spans[-1][1].add(base)  # a name inside the sentence
    return [(" ".join(name), bases) for name, bases in spans if bases]


def faq_names(documents: Iterable[str]) -> list[str]:
    """The names a FAQ writes, whole: its acronyms and capitalised words with the words that
    link them ("Denver Public Library", "RTD", "Department of Motor Vehicles"),
    each once. A capitalised word alone at the start of a sentence ("Additionally") is not one."""
    found: dict[str, None] = {}
    for document in documents:
        for line in document.splitlines():
            for sentence in sentences(line):
                tokens = _name_words(sentence)
                for name, _ in _capital_spans(["", *tokens], lambda base: False):
                    if name != tokens[0] or name.isupper():
                        found.setdefault(name, None)
    return list(found)


@cache
def _speaker_words() -> frozenset[str]:
    """Words after which a capitalised word is the asker's own: first-person words, openers."""
    return first_person_words() | opener_words()


def _the_askers_own(before: Sequence[str]) -> bool:
    """Whether a capitalised word after ``before`` is the asker's own: right after a
    first-person word or an opener ("my Mom", "hi Quick …"), the name the asker gives
    ("I am Jose", "my name is Maria", "me llamo Lupe"), or the name of someone the asker
    knows ("my dog Biscuit", "mi suegra Carmen"; not "my bank Chase": a bank is a subject)."""
    speaker = _speaker_words()
    last = [w.lower().replace("'", "").replace("’", "") for w in before[-3:]]
    if not last:
        return False
    return (
        last[-1] in speaker
        or (last[-1] in _NAMING and any(w in speaker for w in last[:-1]))
        or (len(last) >= 2 and last[-2] in first_person_possessives() and _a_kin_word(before[-1]))
    )


def _a_kin_word(word: str) -> bool:
    """Whether ``word``, between a possessive and a name, can say who the name is ("dog",
    "suegra"): a lower-case word that is neither a function word nor one of the engine's
    subjects ("bank", "school": "my bank Chase" names another institution)."""
    base = fold(word)
    return word.islower() and base not in function_words() and not _subject_pattern().fullmatch(base)


def _capitals_say_nothing(sentence_words: Sequence[str]) -> bool:
    """A sentence typed in capitals or in Title Case ("WHEN DOES THE BUS RUN", "When Does
    The Night Bus Run"): capitals mark no names in it, so only the listed places and subjects count."""
    cased = [w for w in sentence_words if len(w) >= 2 and w.isalpha()]
    capitalised = sum(w[0].isupper() for w in cased)
    return len(cased) >= SHOUTED_MIN_WORDS and capitalised >= SHOUTED_SHARE * len(cased)


def _name_words(sentence: str) -> list[str]:
    """The words of ``sentence`` as names are looked up: a possessive is its name ("Denver's"
    uses "Denver") and each part of a hyphenated word is a word ("Amtrak-run")."""
    out = []
    for token in _WORD.findall(sentence):
        for part in _HYPHEN.split(token):
            word = _POSSESSIVE.sub("", part.strip(".'’"))
            if word:
                out.append(word)
    return out


def mentioned(name: str, known: Container[str]) -> bool:
    """A one-word name is mentioned when the FAQ uses the word; a longer one only when the
    FAQ uses the whole name (``vocabulary``): "community center" is not mentioned by a
    FAQ that says "community service" and "the Adult Learning Center"."""
    return " ".join(words(name)) in known


@cache
def _longer_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """The places and subject keys of several words, as word tuples, by their first word."""
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for name in sorted({tuple(words(n)) for n in (*place_names(), *subject_keys())}):
        if len(name) > 1:
            by_first.setdefault(name[0], []).append(name)
    return {first: tuple(names) for first, names in by_first.items()}


def _whole_names(tokens: Sequence[str]) -> set[str]:
    """The names of several words that ``tokens`` (one document's words) hold whole, the
    last word singular or plural ("community centers")."""
    by_first = _longer_names()
    found = set()
    for i, token in enumerate(tokens):
        for name in by_first.get(token, ()):
            end = i + len(name)
            last = tokens[end - 1] if end <= len(tokens) else ""
            if (
                last in (name[-1], name[-1] + "s", name[-1] + "es")
                and tuple(tokens[i + 1 : end - 1]) == name[1:-1]
            ):
                found.add(" ".join(name))
    return found


def vocabulary(documents: Iterable[str]) -> frozenset[str]:
    """What ``unknown_names`` compares a question with: the documents' words (folded), the
    places and subjects of several words they use whole ("community center"), and a marker
    (``INSIDE``) for each one-word place they write only inside a longer one ("virginia" in
    "West Virginia")."""
    found: set[str] = set()
    alone: set[str] = set()
    for document in documents:
        tokens = words(document)
        found.update(tokens)
        found |= _whole_names(tokens)
        lower = document.lower()
        alone.update(
            " ".join(words(m.group(1)))
            for m in _place_pattern().finditer(lower)
            if _after_a_break(lower, m.start())  # not "Virginia Occidental" in a Spanish alternate
        )
    for place in _places():
        key = " ".join(words(place))
        if " " not in key and key in found and key not in alone:
            found.add(INSIDE + key)
    return frozenset(found)


def _stands_alone(place: str, text: str, start: int, known: Container[str]) -> bool:
    """Whether ``place``, which the FAQ writes only inside a longer place name ("Virginia" in
    "West Virginia"), stands alone in ``text`` at ``start``: nothing before it, or a function
    word ("does Virginia …", "de Virginia"). After another word it is part of a name
    ("virginia occidental")."""
    return INSIDE + " ".join(words(place)) in known and _after_a_break(text, start)


def _after_a_break(text: str, start: int) -> bool:
    """Whether a name at ``start`` in ``text`` starts on its own: nothing or a function word
    before it, not another word of a longer name (only the last word before it is read)."""
    previous = words(text[max(0, start - _LOOK_BACK) : start])[-1:]
    return not previous or previous[0] in function_words()
