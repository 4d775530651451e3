"""Near misses: questions in a FAQ's own words about another subject, made at build time.

A FAQ about one state's data sharing, or one city's buses, is asked about other
states, banks, landlords or train companies in its very words ("does the post
office share my data with the agency?"). Such questions sit next to the FAQ's own in
the model's space, so the generic outside set (weather, recipes) teaches the
bot nothing about them. This module makes some from the FAQ itself:

1. **subject names**: the names the FAQ's questions share: acronyms and runs of
   capitalised words ("Oregon", "DMV", "RVT", "Valley Card") found in at
   least ``MIN_QUESTIONS`` questions: what the FAQ is about;
2. **swaps**: each question that uses a subject name, with that name replaced by
   another subject from the engine data (``engine_data.other_subjects``: public
   bodies, companies, programmes, laws; a place is also replaced by another
   place), ``PER_NAME`` times, with a fixed seed.

The build adds them to the phrasing classifier's outside class. Nothing here
knows any FAQ: the names come from the FAQ's text, the replacements from generic
engine data.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence

from .engine_data import bare_subject, function_words, other_subjects, place_names
from .text import words

MIN_QUESTIONS = 2  # a name in this many questions is the FAQ's subject
PER_NAME = 2  # swaps per subject name used in a question
MAX_NEAR_MISSES = 300
SEED = 0

_TOKEN = re.compile(r"[^\W\d_][\w'’&.-]*[\w]|[^\W\d_]", re.UNICODE)
_ARTICLE = re.compile(r"\b(the|a|an|my|your|our|their)\s+$", re.IGNORECASE)


def _is_name_word(word: str) -> bool:
    return word[0].isupper() and word.lower() not in function_words()


def _acronym(word: str) -> bool:
    return len(word) >= 2 and word.isalpha() and word.isupper()


def names_in(question: str) -> list[str]:
    """Acronyms and runs of capitalised words in a question (its first word only as part
    of a longer run, or when it is an acronym)."""
    tokens = list(_TOKEN.finditer(question))
    spans: list[list[re.Match[str]]] = []
    run: list[re.Match[str]] = []
    for i, m in enumerate(tokens):
        word = m.group()
        follows = bool(run) and question[tokens[i - 1].end() : m.start()].strip() == ""
        if _is_name_word(word) and (i > 0 or _acronym(word) or _is_name_word(_next(tokens, i))):
            if run and not follows:
                spans.append(run)
                run = []
            run.append(m)
        elif run:
            spans.append(run)
            run = []
    if run:
        spans.append(run)
    return [question[r[0].start() : r[-1].end()] for r in spans]


def _next(tokens: list[re.Match[str]], i: int) -> str:
    return tokens[i + 1].group() if i + 1 < len(tokens) else "x"


def subject_names(questions: Sequence[str]) -> list[str]:
    """The names at least ``MIN_QUESTIONS`` of the questions use, most used first."""
    # dict.fromkeys, not set: tied counts keep text order, so builds do not vary with the hash seed
    counts = Counter(name for q in questions for name in dict.fromkeys(names_in(q)))
    return [n for n, c in counts.most_common() if c >= MIN_QUESTIONS]


def near_misses(questions: Sequence[str], corpus_text: str) -> list[str]:
    """Questions of the FAQ with a subject name swapped for another subject (see the module
    docstring); replacements the FAQ itself mentions are never used."""
    known = set(words(corpus_text))

    def mentioned(name: str) -> bool:
        return all(w in known for w in words(name))

    subjects = [s for s in other_subjects() if not mentioned(bare_subject(s))]
    places = [p for p in place_names() if not mentioned(p)]
    rng = random.Random(SEED)
    out: list[str] = []
    for name in subject_names(questions):
        pool = subjects + ([p.title() for p in places] if name.lower() in place_names() else [])
        if not pool:
            continue
        pattern = re.compile(r"(?<![\w])" + re.escape(name) + r"(?![\w])")
        for question in questions:
            if not pattern.search(question):
                continue
            for other in rng.sample(pool, min(PER_NAME, len(pool))):
                out.append(_swap(pattern, question, other))
    unique = list(dict.fromkeys(out))
    return rng.sample(unique, MAX_NEAR_MISSES) if len(unique) > MAX_NEAR_MISSES else unique


def _swap(pattern: re.Pattern[str], question: str, subject: str) -> str:
    """``question`` with every match of ``pattern`` replaced by ``subject``."""
    return pattern.sub(lambda m: _fit(question[: m.start()], subject), question)


def _fit(before: str, subject: str) -> str:
    """The subject as it reads after ``before``: no second article ("an RVT bus" -> "a Greyhound bus")."""
    return bare_subject(subject) if _ARTICLE.search(before) else subject
