"""The optional JSON files beside a FAQ source ``faq.txt``:

* ``faq.meta.json``: ``{"title": ..., "description": ..., "language": "en",
  "contact": {"text": ..., "links": [{"label": ..., "url": ...}]}, "disclaimer": ...}``,
  every key optional. ``disclaimer`` is what the page says about the answers' standing
  (e.g. "general information, not legal advice"). ``language`` is the language the FAQ is written in, a BCP 47 code
  such as ``en``, ``es`` or ``pt-BR`` (default ``en``); ``contact`` is a way to
  reach a person (``contact.py``). ``translations`` gives the owner's own words
  (``contact`` and ``disclaimer``) in other languages:
  ``{"es": {"contact": {"text": ...}, "disclaimer": ...}}``, keyed by language
  code; a translated contact without ``links`` keeps the untranslated one's links.
* ``faq.alternates.json``: ``{"9": ["how long is my data kept?", ...]}``, more
  ways users ask each question (keys are question numbers in ASCII digits; keys
  starting with ``_`` are comments).
* ``faq.out-of-scope.json``: ``{"questions": ["how do I renew my licence?", ...]}``,
  questions users ask that the FAQ does not answer.

Each sidecar must be a JSON object; ``null`` for a key means "not given". Every
byte of every sidecar present is added to the corpus digest, so changing one
makes a built index stale. A malformed sidecar is a CorpusError naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CorpusError
from ..models import Entry
from ._json import describe, first_line, loads
from ._text import bad_character, decode, line_at, one_line, read_bytes
from .contact import Contact, ContactError, contact_from_json

if TYPE_CHECKING:
    import hashlib

META_SUFFIX = ".meta.json"
ALTERNATES_SUFFIX = ".alternates.json"
OUT_OF_SCOPE_SUFFIX = ".out-of-scope.json"
DEFAULT_LANGUAGE = "en"

# BCP 47, loosely: a 2-3 letter language, then subtags (script, region, variant).
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class Translation:
    """The meta sidecar's own words in one more language (each None when not translated)."""

    contact: Contact | None = None
    disclaimer: str | None = None


TRANSLATED_KEYS = tuple(f.name for f in fields(Translation))


@dataclass(frozen=True)
class Meta:
    """What ``faq.meta.json`` says (every field empty or default when it is absent)."""

    title: str = ""
    description: str = ""
    language: str = DEFAULT_LANGUAGE
    contact: Contact | None = None
    disclaimer: str = ""
    translations: Mapping[str, Translation] = field(default_factory=dict)  # language code -> words


@dataclass(frozen=True)
class Sidecars:
    """Everything read from a FAQ's sidecar files."""

    meta: Meta
    alternates: dict[int, tuple[str, ...]]  # question number -> extra phrasings
    out_of_scope: tuple[str, ...]


class _Where:
    """A sidecar's name and text, to make a CorpusError name the line of a key or value."""

    def __init__(self, side: object, text: str = "") -> None:
        self.side = side
        self.text = text

    def error(self, message: str, key: str | None = None, value: str | None = None) -> CorpusError:
        """CorpusError naming the line of ``value`` (a string) or else ``key``, if found."""
        line = None
        if value is not None:
            line = self._find(value, r"")
        if line is None and key is not None:
            line = self._find(key, r"\s*:")
        return CorpusError(message, self.side, line)

    def _find(self, string: str, after: str) -> int | None:
        for encoded in {json.dumps(string, ensure_ascii=False), json.dumps(string)}:
            m = re.search(re.escape(encoded) + after, self.text)
            if m:
                return line_at(self.text, m.start())
        return None


def sidecar_path(path: Path, suffix: str) -> Path:
    """The sidecar of ``path`` with ``suffix``: ``faq.txt`` -> ``faq.meta.json``."""
    return path.with_name(path.stem + suffix)


def read_sidecars(path: Path, digest: hashlib._Hash, numbers: Collection[int]) -> Sidecars:
    """Read and check the sidecars of ``path``, adding their bytes to ``digest``.

    ``numbers`` are the FAQ's question numbers (alternates for others are refused).
    """
    meta = _read(path, META_SUFFIX, digest)
    alternates = _read(path, ALTERNATES_SUFFIX, digest)
    outside = _read(path, OUT_OF_SCOPE_SUFFIX, digest)
    return Sidecars(
        meta=parse_meta(*meta),
        alternates=parse_alternates(*alternates, numbers=numbers),
        out_of_scope=parse_out_of_scope(*outside),
    )


def parse_meta(data: dict, side: object, text: str = "") -> Meta:
    """The meta sidecar's fields, checked; CorpusError names ``side`` (and the line,
    found in ``text``, the sidecar's JSON)."""
    where = _Where(side, text)
    title = _optional_text(data, "title", where)
    description = _optional_text(data, "description", where)
    language = _optional_text(data, "language", where).strip() or DEFAULT_LANGUAGE
    if not _LANGUAGE.fullmatch(language):
        raise where.error(
            f'"language" must be a language code such as "en", "es" or "pt-BR", got {describe(language)}',
            key="language",
        )
    contact = _contact(data.get("contact"), where, "contact")
    disclaimer = _optional_text(data, "disclaimer", where)
    translations = _translations(data.get("translations"), where, contact)
    return Meta(one_line(title), description.strip(), language, contact, disclaimer.strip(), translations)


def _contact(value: object, where: _Where, key: str, within: str = "") -> Contact | None:
    try:
        return contact_from_json(value)
    except ContactError as exc:
        raise where.error(within + str(exc), key=key, value=exc.value) from None


def _translations(value: object, where: _Where, contact: Contact | None) -> dict[str, Translation]:
    """The ``translations`` object, checked: {language code: Translation}."""
    if value is None:
        return {}
    words_example = '{"contact": {"text": "..."}, "disclaimer": "..."}'
    if not isinstance(value, dict):
        raise where.error(
            f'"translations" must be an object such as {{"es": {words_example}}}', key="translations"
        )
    out: dict[str, Translation] = {}
    for code, words in value.items():
        if not _LANGUAGE.fullmatch(code):
            raise where.error(
                f'"translations" is keyed by language codes such as "es" or "pt-BR", got {describe(code)}',
                key=code,
            )
        if not isinstance(words, dict):
            raise where.error(f'translations "{code}" must be an object such as {words_example}', key=code)
        unknown = sorted(set(words) - set(TRANSLATED_KEYS))
        if unknown:
            raise where.error(
                f'translations "{code}" has {describe(unknown[0])}; only '
                + " and ".join(f'"{k}"' for k in TRANSLATED_KEYS)
                + " are translated",
                key=unknown[0],
            )
        within = f'translations "{code}": '
        raw = words.get("contact")
        translated = _contact(raw, where, code, within)
        if (
            translated is not None
            and contact is not None
            and isinstance(raw, dict)
            and raw.get("links") is None
        ):
            translated = replace(translated, links=contact.links)  # links are the same in every language
        disclaimer = _optional_text(words, "disclaimer", where, within).strip()
        out[code] = Translation(translated, disclaimer or None)
    return out


def parse_alternates(
    data: dict, side: object, text: str = "", numbers: Collection[int] | None = None
) -> dict[int, tuple[str, ...]]:
    """The alternates sidecar as {question number: phrasings}; CorpusError names ``side``
    (and the line of the key, found in ``text``), also for a number not in ``numbers``."""
    where = _Where(side, text)
    out: dict[int, tuple[str, ...]] = {}
    for key, phrasings in data.items():
        if key.startswith("_"):
            continue  # comments such as "_about"
        if not (key.isascii() and key.isdigit()) or len(key) > 12:
            raise where.error(
                f"alternates given for {describe(key)}, which is not a question number", key=key
            )
        if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
            raise where.error(f"alternates for question {key} must be a list of strings", key=key)
        for p in phrasings:
            bad = bad_character(p)
            if bad:
                raise where.error(f"alternates for question {key} contain {bad}", key=key)
        number = int(key)
        if numbers is not None and number not in numbers:
            raise where.error(f"alternates given for question {number}, which the FAQ does not have", key=key)
        if number in out:
            raise where.error(f"alternates for question {number} are given twice", key=key)
        out[number] = tuple(one_line(p) for p in phrasings if p.strip())
    return out


def merge_alternates(entries: list[Entry], extra: dict[int, tuple[str, ...]]) -> list[Entry]:
    """``entries`` with the sidecar's phrasings added (numbers the FAQ lacks are ignored)."""
    return [
        Entry(e.number, e.question, e.answer, e.alternates + extra[e.number]) if e.number in extra else e
        for e in entries
    ]


def parse_out_of_scope(data: dict, side: object, text: str = "") -> tuple[str, ...]:
    """The out-of-scope sidecar's questions, whitespace folded, blanks dropped."""
    if not data:
        return ()
    where = _Where(side, text)
    questions = data.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise where.error('expected {"questions": [...]}, a list of strings', key="questions")
    for q in questions:
        bad = bad_character(q)
        if bad:
            raise where.error(f"an out-of-scope question contains {bad}", value=q)
    return tuple(one_line(q) for q in questions if q.strip())


def _read(path: Path, suffix: str, digest: hashlib._Hash) -> tuple[dict, Path, str]:
    """(the sidecar's JSON object, its path, its text); an empty object if there is none."""
    side = sidecar_path(path, suffix)
    try:
        present = side.is_file()
    except OSError as exc:
        raise CorpusError(f"cannot read the sidecar: {exc.strerror or exc}", side) from None
    if not present:
        return {}, side, ""
    raw = read_bytes(side, "sidecar")
    digest.update(suffix.encode() + b"\0" + raw)
    text = decode(raw, side)
    data = loads(text, side)
    if not isinstance(data, dict):
        raise CorpusError(f"expected a JSON object, got {_kind(data)}", side, first_line(text))
    return data, side, text


def _optional_text(data: dict, key: str, where: _Where, within: str = "") -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise where.error(f'{within}"{key}" must be a string, got {describe(value)}', key=key)
    bad = bad_character(value)
    if bad:
        raise where.error(f'{within}"{key}" contains {bad}', key=key)
    return value


def _kind(value: object) -> str:
    names = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number"
