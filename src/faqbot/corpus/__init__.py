"""Read a FAQ source file into a ``Corpus`` of ``Entry`` values.

Supported formats, chosen by file extension:

* numbered text (``.txt``, ``.md`` and any other extension): a line
  ``N. Question?`` starts entry N, N counting up 1, 2, 3 ...; the lines until the
  next question are its answer, and lines before question 1 are the title. The
  file is read only if it reads exactly one way (``numbered.py``).
* JSON (a list) or JSONL: objects with ``question``, ``answer``, optional
  ``number`` (default: 1-based position) and optional ``alternates``
  (``records.py``).
* CSV with a header row naming ``question`` and ``answer`` (optionally
  ``number``, and ``alternates`` separated by ``|``) (``records.py``).

Beside a source ``faq.txt``, optional sidecars (``sidecars.py``):
``faq.meta.json`` (title, description, language, contact), ``faq.alternates.json``
(extra phrasings per question) and ``faq.out-of-scope.json`` (questions the FAQ
does not answer, so the bot learns to decline questions like them).

Every problem with a file is a one-line ``CorpusError`` naming the file and,
where there is one, the line; nothing else is raised for any file content.

Modules: ``numbered`` (numbered text), ``records`` (JSON / JSONL / CSV),
``sidecars`` (the JSON files beside a source), ``contact`` (Contact, Link),
``_text`` (reading bytes, UTF-8, lines) and ``_json`` (JSON parsing).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import i18n
from ..models import Entry
from ._text import decode, read_bytes
from .contact import Contact, Link
from .numbered import parse_numbered_text
from .records import check_entries, iter_jsonl, parse_csv, parse_json, parse_jsonl
from .sidecars import DEFAULT_LANGUAGE, OUT_OF_SCOPE_SUFFIX, Translation, merge_alternates, read_sidecars

__all__ = [
    "Contact",
    "Corpus",
    "Link",
    "OUT_OF_SCOPE_SUFFIX",
    "Translation",
    "corpus_from_entries",
    "iter_jsonl",
    "load_corpus",
    "parse_numbered_text",
]


@dataclass(frozen=True)
class Corpus:
    """A loaded FAQ: its entries, a title, and a digest of everything it was read from.

    ``language`` is the language the FAQ is written in (a BCP 47 code);
    ``contact`` is how to reach a person, when the FAQ's meta sidecar gives one.
    ``translations`` are the sidecar's own words (contact, disclaimer) in other
    languages: ``contact_in`` and ``disclaimer_in`` pick them for a reader.
    """

    entries: tuple[Entry, ...]
    title: str
    sha256: str
    path: Path | None = None
    description: str = ""
    out_of_scope: tuple[str, ...] = ()  # example questions the FAQ does not answer
    language: str = DEFAULT_LANGUAGE
    contact: Contact | None = None
    disclaimer: str = ""  # the answers' standing, as the FAQ's owner words it
    translations: Mapping[str, Translation] = field(default_factory=dict)  # language code -> words
    by_number: dict[int, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_number", {e.number: e for e in self.entries})

    def _translation(self, language: str) -> tuple[str, Translation] | None:
        """(code, words) of the sidecar's translation for ``language``: the same code, else the
        same primary language (``es-MX`` reads ``es``; ``es`` reads ``es-MX``)."""
        wanted = language.strip().casefold()
        for exact in (True, False):
            for code, words in self.translations.items():
                if code.casefold() == wanted if exact else i18n.primary(code) == i18n.primary(wanted):
                    return code, words
        return None

    def contact_in(self, language: str) -> Contact | None:
        """How to reach a person, in ``language`` when the meta sidecar translates it, else as written."""
        found = self._translation(language)
        if found is not None and found[1].contact is not None:
            return found[1].contact
        return self.contact

    def disclaimer_in(self, language: str) -> tuple[str, str]:
        """(the disclaimer, the language it is written in): translated for ``language`` when it can be."""
        found = self._translation(language)
        if found is not None and found[1].disclaimer is not None:
            return found[1].disclaimer, found[0]
        return self.disclaimer, self.language

    def __len__(self) -> int:
        return len(self.entries)


def load_corpus(path: str | Path) -> Corpus:
    """Read a FAQ file (numbered text, JSON, JSONL or CSV) and its sidecars.

    Raises CorpusError, naming the file and line, for a missing, unreadable or
    malformed file or sidecar.
    """
    path = Path(path)
    raw = read_bytes(path)
    text = decode(raw, path)
    suffix = path.suffix.lower()
    title = ""
    if suffix == ".json":
        entries = parse_json(text, path)
    elif suffix == ".jsonl":
        entries = parse_jsonl(text, path)
    elif suffix == ".csv":
        entries = parse_csv(text, path)
    else:
        title, entries = parse_numbered_text(text, path)

    digest = hashlib.sha256(raw)
    sidecars = read_sidecars(path, digest, {e.number for e in entries})
    if sidecars.alternates:
        entries = merge_alternates(entries, sidecars.alternates)
    meta = sidecars.meta
    return Corpus(
        entries=tuple(entries),
        title=meta.title or title or _title_from_filename(path),
        sha256=digest.hexdigest(),
        path=path,
        description=meta.description,
        out_of_scope=sidecars.out_of_scope,
        language=meta.language,
        contact=meta.contact,
        disclaimer=meta.disclaimer,
        translations=meta.translations,
    )


def corpus_from_entries(
    entries: list[Entry],
    title: str = "FAQ",
    out_of_scope: Sequence[str] = (),
    *,
    language: str = DEFAULT_LANGUAGE,
    contact: Contact | None = None,
) -> Corpus:
    """A Corpus built in memory (tests, notebooks); its digest covers everything given."""
    check_entries(list(entries), "<memory>")
    outside = tuple(" ".join(q.split()) for q in out_of_scope if q.strip())
    content: dict[str, object] = {
        "entries": [e.__dict__ for e in entries],
        "out_of_scope": outside,
    }
    if language != DEFAULT_LANGUAGE:
        content["language"] = language
    if contact is not None:
        content["contact"] = {"text": contact.text, "links": [link.__dict__ for link in contact.links]}
    blob = json.dumps(content, sort_keys=True, default=list)
    return Corpus(
        tuple(entries),
        title,
        hashlib.sha256(blob.encode()).hexdigest(),
        out_of_scope=outside,
        language=language,
        contact=contact,
    )


def _title_from_filename(path: Path) -> str:
    words = re.split(r"[-_\s]+", path.stem)
    return " ".join(w if w.isupper() else w.capitalize() for w in words if w) + " FAQ"
