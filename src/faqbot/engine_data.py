"""Engine data about no one FAQ, shipped in ``src/faqbot/data/``, and its vectors.

* ``outside.json`` — everyday questions no organisation's FAQ answers, in eight
  languages: every FAQ's "outside" class learns from them, and the calibration
  measures how high such questions score against each FAQ.
* ``smalltalk.json`` — small-talk intents (greeting, thanks, "talk to a human", ...)
  with example phrasings in six languages, matched with the FAQ's own model; and
  short follow-up questions ("why?", "¿y mis hijos?") that are not small talk.
* ``places.json`` — place names (countries, states, provinces, large cities): a
  question naming a place its FAQ never mentions is probably about somewhere else.
* ``function_words.json`` — words that name no topic, per language.
* ``first_person.json`` — words by which a speaker refers to themselves, per
  language: a clause that uses one says who asks ("I'm from Guatemala, ..."), so
  its names are not what the question is about (``retrieval/names.py``); and the
  first-person possessives: a name right after "my dog", "mi suegra" is someone the
  asker knows.
* ``entities.json`` — other subjects (public bodies, companies, programmes, laws):
  a question naming one its FAQ never mentions is probably about something else
  (``retrieval/names.py``), and a FAQ's own subject is swapped for them to make
  near misses (``nearmiss.py``). Their other names, in English ("law enforcement")
  or other languages ("el banco"), are twins: a FAQ that mentions the bank
  mentions "el banco".
* ``shorthand.json`` — shorthand people type on a phone, per language ("r u", "q"),
  written out before a question is searched (``retrieval/spelling.py``).
* ``dictionary-<language>.txt`` — the words of a language, one per line: a word
  that is neither the FAQ's nor in its language's dictionary may be a typing slip
  (``retrieval/spelling.py``). English only, for now.

Encoding the ~1,400 outside, small-talk and follow-up examples takes a while on a small
machine, and every index build needs them, so their vectors are cached per model
in ``data/vectors-<backend>.npz`` (checked against the model's and the data's
digests; a stale cache is recomputed in memory). ``make engine-data`` refreshes
the cache files of both bundled models.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._files import write_atomic
from .text import fold

if TYPE_CHECKING:
    from .embedders import Embedder

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data"
VECTOR_SOURCES = ("outside.json", "smalltalk.json")


def _load(name: str) -> dict:
    with open(DATA / name, encoding="utf-8") as f:
        data: dict = json.load(f)
    return data


@cache
def outside_questions() -> tuple[str, ...]:
    """The generic outside set, every language, in file order."""
    by_language = _load("outside.json")["questions"]
    return tuple(q for questions in by_language.values() for q in questions)


@cache
def followup_questions() -> tuple[str, ...]:
    """Short follow-up questions, every language: not small talk, though a few words long."""
    return tuple(q for questions in _load("smalltalk.json")["questions"].values() for q in questions)


@cache
def smalltalk_examples() -> tuple[tuple[str, str], ...]:
    """(intent, example phrasing) pairs, every language."""
    intents = _load("smalltalk.json")["intents"]
    return tuple(
        (intent, text)
        for intent, by_language in intents.items()
        for texts in by_language.values()
        for text in texts
    )


OPENING_INTENTS = ("greeting", "thanks", "ack", "help")


@cache
def opener_words() -> frozenset[str]:
    """One-word greetings, thanks and acknowledgements ("hi", "hola", "ok", "gracias"),
    folded, every language: a message often opens with one before its question."""
    return frozenset(
        fold(text) for intent, text in smalltalk_examples() if intent in OPENING_INTENTS and text.isalpha()
    )


@cache
def place_names() -> tuple[str, ...]:
    """Lower-case place names, longest first (so "west virginia" is matched before "virginia")."""
    data = _load("places.json")
    names = {n for key, values in data.items() if not key.startswith("_") for n in values}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@cache
def function_words() -> frozenset[str]:
    """Words that name no topic, in every language the data has."""
    data = _load("function_words.json")
    return frozenset(w for key, words in data.items() if not key.startswith("_") for w in words)


@cache
def shorthand() -> dict[str, dict[str, str]]:
    """Per language, each shorthand word (lower case) and what it stands for."""
    return {lang: dict(table) for lang, table in _load("shorthand.json").items() if not lang.startswith("_")}


@cache
def dictionary(language: str) -> frozenset[str]:
    """The words of ``language`` (lower case), or none when the engine has no dictionary for it."""
    path = DATA / f"dictionary-{language}.txt"
    if not path.is_file():
        return frozenset()
    with open(path, encoding="utf-8") as f:
        return frozenset(w for line in f if (w := line.strip()) and not w.startswith("#"))


@cache
def first_person_words() -> frozenset[str]:
    """Words by which a speaker refers to themselves, folded, in every language the data has."""
    speaker = _load("first_person.json")["speaker"]
    return frozenset(fold(w) for words in speaker.values() for w in words)


@cache
def first_person_possessives() -> frozenset[str]:
    """First-person possessives ("my", "mi", "nuestra"), folded, in every language the data has."""
    possessive = _load("first_person.json")["possessive"]
    return frozenset(fold(w) for words in possessive.values() for w in words)


@cache
def other_subjects() -> tuple[str, ...]:
    """Organisations, programmes and laws as they are named in a sentence ("the IRS", "Medicare")."""
    data = _load("entities.json")
    return (*data["organisations"], *data["programmes"])


_DETERMINER = re.compile(r"^(the|an?|my kid's|my)\s+", re.IGNORECASE)


def bare_subject(subject: str) -> str:
    """A subject without its leading article or possessive ("the post office" -> "post office")."""
    return _DETERMINER.sub("", subject)


@cache
def subject_twins() -> dict[str, frozenset[str]]:
    """Each other subject's folded key -> the keys of the same subject by every name it has,
    in every language (itself included): "banco" -> {"banco", "bank"}, "bank" -> {"bank",
    "banco"}, "police" -> {"police", "law enforcement", "cops", "policia"}."""
    groups: dict[str, set[str]] = {fold(bare_subject(s)): set() for s in other_subjects()}
    for names in _load("entities.json")["other_names"].values():
        for name, subject in names.items():
            groups[fold(bare_subject(subject))].add(fold(name))
    return {key: frozenset({own, *names}) for own, names in groups.items() for key in (own, *names)}


@cache
def subject_keys() -> tuple[str, ...]:
    """The other subjects as folded keys to find in a question, every language, longest first."""
    return tuple(sorted(subject_twins(), key=lambda k: (-len(k), k)))


# --- cached vectors -----------------------------------------------------------------


@dataclass(frozen=True)
class EngineVectors:
    """Query-role vectors of the outside set, the small-talk examples and the follow-up
    questions, for one model."""

    outside: np.ndarray
    smalltalk: np.ndarray
    followups: np.ndarray


_VECTOR_FIELDS = tuple(f.name for f in fields(EngineVectors))  # the cache file's arrays


def _digest(names: Iterable[str]) -> str:
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + (DATA / name).read_bytes())
    return h.hexdigest()


def data_digest() -> str:
    """The sha256 of the files the cached vectors are made from."""
    return _digest(VECTOR_SOURCES)


@cache
def build_digest() -> str:
    """The sha256 of every engine data file an index build reads (in an index's manifest:
    editing one makes saved indexes stale)."""
    return _digest(sorted(p.name for p in DATA.glob("*.json")))


def cache_path(backend: str) -> Path:
    return DATA / f"vectors-{backend}.npz"


def _compute(embedder: Embedder) -> EngineVectors:
    outside = embedder.encode(list(outside_questions()), role="query")
    smalltalk = embedder.encode([t for _, t in smalltalk_examples()], role="query")
    followups = embedder.encode(list(followup_questions()), role="query")
    return EngineVectors(outside, smalltalk, followups)


_memory: dict[tuple[str, str], EngineVectors] = {}


def engine_vectors(embedder: Embedder) -> EngineVectors:
    """The engine data's vectors for ``embedder``'s model: from the cache file when it was
    made with this model and this data, else computed (once per process)."""
    key = (embedder.info.sha256, data_digest())
    if key in _memory:
        return _memory[key]
    path = cache_path(embedder.info.backend)
    vectors = None
    try:
        with np.load(path, allow_pickle=False) as f:
            if str(f["model_sha256"]) == key[0] and str(f["data_sha256"]) == key[1]:
                vectors = EngineVectors(**{name: f[name].astype(np.float32) for name in _VECTOR_FIELDS})
    except (OSError, KeyError, ValueError):
        pass
    if vectors is None:
        if path.exists():
            log.info("%s was made with another model or other data; encoding the engine data now", path.name)
        vectors = _compute(embedder)
    _memory[key] = vectors
    return vectors


def refresh(embedder: Embedder) -> Path:
    """Recompute the cache file for ``embedder``'s model (atomically)."""
    vectors = _compute(embedder)
    path = cache_path(embedder.info.backend)
    import io

    buffer = io.BytesIO()
    np.savez(
        buffer,
        model_sha256=np.array(embedder.info.sha256),
        data_sha256=np.array(data_digest()),
        **{name: getattr(vectors, name).astype(np.float32) for name in _VECTOR_FIELDS},
    )
    write_atomic(path, buffer.getvalue())
    _memory[(embedder.info.sha256, data_digest())] = vectors
    return path


def main() -> None:
    """Refresh both bundled models' cache files (``make engine-data``)."""
    from .embedders import load_embedder

    for choice in ("e5", "minilm"):
        print(refresh(load_embedder(choice)))
