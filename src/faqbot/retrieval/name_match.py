"""Names written another way: is a name the FAQ never spells so one of its own?

Readers name a FAQ's own subjects in their language: "la Biblioteca Pública de
Denver" for its Denver Public Library, "Nueva York" for New York.
Read word by word (``names.unknown_names``), such a name is one the FAQ never uses,
and the question is scored down as if it asked about something else.

The model reads names across languages, so a written name is compared, by meaning
(the model's query vectors), with

* the FAQ's own names (``names.faq_names``: the capitalised names in its text), and
* the engine's other names that the FAQ does not mention (places, organisations,
  programmes and laws in ``engine_data``, in several languages),

and is the FAQ's own when the nearest of them all is one of the FAQ's, and not a
part of it: "Kindle Unlimited" is near the FAQ's "Kindle", but a name built on one
of the FAQ's names is another subject. Taking the
nearest other name as the bar, not a fixed similarity, keeps the rule the same for
any model (e5 rates any two names as alike): "Departamento de Seguridad Nacional"
is nearer the engine's "Department of Defense" than any name of a library's FAQ.

The vectors are made when the index is built (``NameVectors.build``) and saved with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..engine_data import bare_subject, other_subjects, place_names, subject_twins
from ..text import words
from .names import faq_names, mentioned

Encode = Callable[[list[str]], np.ndarray]  # texts -> unit query vectors, one row each


def other_names(known: Iterable[str] | frozenset[str]) -> list[str]:
    """The engine's places and subjects, by every name, that a FAQ whose ``vocabulary`` is
    ``known`` does not mention (a subject is mentioned by any of its names)."""
    known = frozenset(known)
    twins = subject_twins()
    subjects = {bare_subject(s) for s in other_subjects()} | set(twins)
    out = {p for p in place_names() if not mentioned(p, known)}
    out |= {s for s in subjects if not any(mentioned(t, known) for t in twins.get(s, (s,)))}
    return sorted(out)


@dataclass(frozen=True)
class NameVectors:
    """Unit query vectors of a FAQ's own names (``own_names``) and of the engine's names it
    does not mention."""

    own_names: tuple[str, ...]
    own: np.ndarray
    other: np.ndarray

    @classmethod
    def build(cls, documents: Sequence[str], known: frozenset[str], encode: Encode) -> NameVectors:
        """The vectors for a FAQ of ``documents`` whose vocabulary is ``known``."""
        own = faq_names(documents)
        vectors = encode([*own, *other_names(known)]).astype(np.float32)  # the engine's are never none
        return cls(tuple(own), vectors[: len(own)], vectors[len(own) :])

    def is_own(self, names: Sequence[str], vectors: np.ndarray) -> list[bool]:
        """For each written name (and its vector, a row): is its nearest name one of the
        FAQ's, and not one the written name holds whole with more words?"""
        if len(vectors) == 0 or len(self.own) == 0:
            return [False] * len(vectors)
        sims = vectors @ self.own.T
        nearest = sims.argmax(axis=1)
        nearest_other = (
            (vectors @ self.other.T).max(axis=1) if len(self.other) else np.full(len(vectors), -np.inf)
        )
        out = []
        for name, j, b, row in zip(names, nearest, nearest_other, sims, strict=True):
            built_on = set(words(self.own_names[j])) < set(words(name))  # "Kindle" in "Kindle Unlimited"
            out.append(bool(row[j] > b) and not built_on)
        return out

    def judge(self, encode: Encode) -> Callable[[Sequence[str]], list[bool]]:
        """``names.unknown_names``'s ``own`` judge, encoding the written names with ``encode``."""
        return lambda names: self.is_own(names, encode(list(names))) if names else []

    def save(self, path: Path) -> None:
        with path.open("wb") as f:
            np.savez(
                f,
                own_names=np.array(self.own_names, dtype=str),
                own=self.own.astype(np.float16),
                other=self.other.astype(np.float16),
            )

    @classmethod
    def load(cls, path: Path) -> NameVectors:
        with np.load(path, allow_pickle=False) as data:
            own_names = tuple(str(n) for n in data["own_names"])
            own, other = data["own"].astype(np.float32), data["other"].astype(np.float32)
        if own.ndim != 2 or other.ndim != 2 or own.shape[1] != other.shape[1] or len(own) != len(own_names):
            raise ValueError(f"{path}: name vectors of mismatched shapes {own.shape}, {other.shape}")
        return cls(own_names, own, other)
