"""Read a FAQ source file into a ``Corpus`` of ``Entry`` values.

Supported formats (chosen by file extension):

* numbered text (``.txt``, ``.md``): a line ``N. Question?`` starts entry N, with
  N counting up 1, 2, 3 ...; the lines until the next such line are its answer.
  Numbered lists inside answers (``1. Data Protection Policies: ...``) are not
  questions: a question line carries the next expected number and ends in ``?``
  (files without any ``?`` question lines fall back to the number alone).
  Non-blank lines before entry 1 are the FAQ's title.
* JSON (a list) or JSONL: objects with ``question``, ``answer``, optional
  ``number`` (default: 1-based position) and optional ``alternates``.
* CSV with a header row naming ``question`` and ``answer`` (optionally ``number``,
  ``alternates`` separated by ``|``).

Beside a source ``faq.txt`` three optional sidecar files are read:
``faq.meta.json`` (``{"title": ..., "description": ...}``),
``faq.alternates.json`` (``{"9": ["how long is my data kept?", ...]}``), extra
phrasings of the questions as users ask them, and
``faq.out-of-scope.json`` (``{"questions": ["how do I renew my licence?", ...]}``),
questions users ask that the FAQ does not answer, so the bot learns to decline
questions like them (``retrieval/classifier.py``).

A malformed source raises ``CorpusError`` naming the file and the line.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from .errors import CorpusError
from .models import Entry

OUT_OF_SCOPE_SUFFIX = ".out-of-scope.json"
_NUMBERED_LINE = re.compile(r"^\s*(\d{1,5})[.)]\s+(\S.*?)\s*$")


@dataclass(frozen=True)
class Corpus:
    """A loaded FAQ: its entries, a title, and a digest of everything it was read from."""

    entries: tuple[Entry, ...]
    title: str
    sha256: str
    path: Path | None = None
    description: str = ""
    out_of_scope: tuple[str, ...] = ()  # example questions the FAQ does not answer
    by_number: dict[int, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_number", {e.number: e for e in self.entries})

    def __len__(self) -> int:
        return len(self.entries)


def load_corpus(path: str | Path) -> Corpus:
    """Read a FAQ file (numbered text, JSON, JSONL or CSV) and its sidecars."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError("no such FAQ file", path)
    raw = path.read_bytes()
    text = _decode(raw, path)
    suffix = path.suffix.lower()
    title = ""
    if suffix == ".json":
        entries = _parse_json(text, path)
    elif suffix == ".jsonl":
        entries = _parse_jsonl(text, path)
    elif suffix == ".csv":
        entries = _parse_csv(text, path)
    else:
        title, entries = parse_numbered_text(text, path)

    digest = hashlib.sha256(raw)
    meta = _read_sidecar(path, ".meta.json", digest)
    alternates = _read_sidecar(path, ".alternates.json", digest)
    if alternates:
        entries = _merge_alternates(entries, alternates, _sidecar_path(path, ".alternates.json"))
    outside = _read_sidecar(path, OUT_OF_SCOPE_SUFFIX, digest)
    if not isinstance(meta, dict):
        raise CorpusError("expected a JSON object", _sidecar_path(path, ".meta.json"))
    title = str(meta.get("title") or title or _title_from_filename(path))
    return Corpus(
        entries=tuple(entries),
        title=title,
        sha256=digest.hexdigest(),
        path=path,
        description=str(meta.get("description") or ""),
        out_of_scope=_out_of_scope_questions(outside, _sidecar_path(path, OUT_OF_SCOPE_SUFFIX)),
    )


def corpus_from_entries(
    entries: list[Entry], title: str = "FAQ", out_of_scope: Sequence[str] = ()
) -> Corpus:
    """A Corpus built in memory (tests, notebooks); its digest covers everything given."""
    _check_entries(entries, "<memory>")
    outside = tuple(" ".join(q.split()) for q in out_of_scope if q.strip())
    blob = json.dumps(
        {"entries": [e.__dict__ for e in entries], "out_of_scope": outside},
        sort_keys=True,
        default=list,
    )
    return Corpus(
        tuple(entries), title, hashlib.sha256(blob.encode()).hexdigest(), out_of_scope=outside
    )


# --- numbered text -----------------------------------------------------------


def parse_numbered_text(text: str, path: object = "<text>") -> tuple[str, list[Entry]]:
    """Parse the numbered-text format; returns (title, entries)."""
    lines = text.splitlines()
    require_question_mark = any(
        (m := _NUMBERED_LINE.match(line)) and m.group(2).endswith("?") for line in lines
    )
    title_lines: list[str] = []
    entries: list[Entry] = []
    current: tuple[int, str, int] | None = None  # number, question, line number
    answer_lines: list[str] = []

    def close() -> None:
        if current is None:
            return
        number, question, line_no = current
        answer = _clean_block(answer_lines)
        if not answer:
            raise CorpusError(f"question {number} has no answer", path, line_no)
        entries.append(Entry(number, question, answer))

    for line_no, line in enumerate(lines, start=1):
        expected = (current[0] + 1) if current else 1
        m = _NUMBERED_LINE.match(line)
        if m:
            number, rest = int(m.group(1)), m.group(2)
            looks_like_question = rest.endswith("?") or not require_question_mark
            if number == expected and looks_like_question:
                close()
                current = (number, rest, line_no)
                answer_lines = []
                continue
            if current is not None and looks_like_question and rest.endswith("?"):
                if number > expected:
                    raise CorpusError(
                        f"expected question {expected} next but found question {number} "
                        "(question numbers must count up 1, 2, 3 ...)",
                        path,
                        line_no,
                    )
        if current is None:
            if line.strip():
                if m and require_question_mark and m.group(2).endswith("?"):
                    raise CorpusError(
                        f"the first question must be number 1, found {m.group(1)}", path, line_no
                    )
                title_lines.append(line.strip().lstrip("#").strip())
            continue
        answer_lines.append(line)
    close()
    if not entries:
        raise CorpusError(
            "no FAQ entries found (expected lines like '1. Question text?' followed by answers)",
            path,
        )
    return " ".join(title_lines)[:200], entries


def _clean_block(lines: list[str]) -> str:
    """Answer text: outer blank lines dropped, inner runs of blank lines folded."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


# --- JSON / JSONL / CSV --------------------------------------------------------


def _parse_json(text: str, path: Path) -> list[Entry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"invalid JSON: {exc.msg}", path, exc.lineno) from None
    if not isinstance(data, list):
        raise CorpusError("a JSON FAQ must be a list of {question, answer} objects", path, 1)
    line_of = _json_item_lines(text)
    entries = [
        _entry_from_record(item, i + 1, path, line_of[i] if i < len(line_of) else None)
        for i, item in enumerate(data)
    ]
    return _check_entries(entries, path, [line_of[i] if i < len(line_of) else None for i in range(len(entries))])


def _json_item_lines(text: str) -> list[int]:
    """Best-effort start line of each top-level list item, for error messages."""
    lines, depth, line = [], 0, 1
    in_str = esc = False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            if depth == 1 and ch == "{":
                lines.append(line)
            depth += 1
        elif ch in "]}":
            depth -= 1
    return lines


def iter_jsonl(text: str, path: object) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) for each non-blank line; CorpusError names a bad line."""
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield line_no, json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"invalid JSON: {exc.msg}", path, line_no) from None


def _parse_jsonl(text: str, path: Path) -> list[Entry]:
    entries: list[Entry] = []
    line_nos: list[int] = []
    for line_no, item in iter_jsonl(text, path):
        entries.append(_entry_from_record(item, len(entries) + 1, path, line_no))
        line_nos.append(line_no)
    return _check_entries(entries, path, line_nos)


def _parse_csv(text: str, path: Path) -> list[Entry]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in (reader.fieldnames or [])]
    missing = [c for c in ("question", "answer") if c not in fields]
    if missing:
        raise CorpusError(
            f"the CSV header row must name columns 'question' and 'answer' (missing: {', '.join(missing)})",
            path,
            1,
        )
    reader.fieldnames = fields
    entries: list[Entry] = []
    line_nos: list[int] = []
    try:
        for row in reader:
            line_no = reader.line_num
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue
            record = dict(row)
            if record.get("alternates"):
                record["alternates"] = [a for a in record["alternates"].split("|") if a.strip()]
            if not (record.get("number") or "").strip():
                record.pop("number", None)
            entries.append(_entry_from_record(record, len(entries) + 1, path, line_no))
            line_nos.append(line_no)
    except csv.Error as exc:
        raise CorpusError(f"unreadable CSV: {exc}", path, reader.line_num) from None
    return _check_entries(entries, path, line_nos)


def _entry_from_record(item: object, position: int, path: object, line: int | None) -> Entry:
    if not isinstance(item, dict):
        raise CorpusError("each FAQ item must be an object with 'question' and 'answer'", path, line)
    question = item.get("question")
    answer = item.get("answer")
    if not isinstance(question, str) or not question.strip():
        raise CorpusError("FAQ item has no 'question' text", path, line)
    if not isinstance(answer, str) or not answer.strip():
        raise CorpusError(f"question {question.strip()[:60]!r} has no answer", path, line)
    number = item.get("number", position)
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise CorpusError(f"'number' must be a whole number, got {number!r}", path, line) from None
    if number < 0:
        raise CorpusError(f"'number' must not be negative, got {number}", path, line)
    alternates = item.get("alternates") or []
    if isinstance(alternates, str):
        alternates = [alternates]
    if not isinstance(alternates, list) or not all(isinstance(a, str) for a in alternates):
        raise CorpusError("'alternates' must be a list of strings", path, line)
    return Entry(
        number=number,
        question=" ".join(question.split()),
        answer=_clean_block(answer.strip().splitlines()),
        alternates=tuple(" ".join(a.split()) for a in alternates if a.strip()),
    )


def _check_entries(
    entries: list[Entry], path: object, lines: list[int | None] | None = None
) -> list[Entry]:
    if not entries:
        raise CorpusError("no FAQ entries found", path)
    seen: dict[int, int] = {}
    for i, e in enumerate(entries):
        if e.number in seen:
            line = lines[i] if lines else None
            raise CorpusError(
                f"duplicate question number {e.number} (also used by item {seen[e.number] + 1})",
                path,
                line,
            )
        seen[e.number] = i
    return entries


# --- sidecars and helpers -----------------------------------------------------


def _sidecar_path(path: Path, suffix: str) -> Path:
    return path.with_name(path.stem + suffix)


def _read_sidecar(path: Path, suffix: str, digest: "hashlib._Hash") -> dict:
    side = _sidecar_path(path, suffix)
    if not side.is_file():
        return {}
    raw = side.read_bytes()
    digest.update(suffix.encode() + b"\0" + raw)
    try:
        data = json.loads(_decode(raw, side))
    except json.JSONDecodeError as exc:
        raise CorpusError(f"invalid JSON: {exc.msg}", side, exc.lineno) from None
    if not isinstance(data, dict):
        raise CorpusError("expected a JSON object", side, 1)
    return data


def _out_of_scope_questions(data: dict, side: Path) -> tuple[str, ...]:
    if not data:
        return ()
    questions = data.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        raise CorpusError('expected {"questions": [...]}, a list of strings', side)
    return tuple(" ".join(q.split()) for q in questions if q.strip())


def _merge_alternates(entries: list[Entry], extra: dict, side: Path) -> list[Entry]:
    numbers = {e.number for e in entries}
    for key, phrasings in extra.items():
        if key.startswith("_"):
            continue  # comments such as "_about"
        if not key.isdigit() or int(key) not in numbers:
            raise CorpusError(f"alternates given for question {key!r}, which the FAQ does not have", side)
        if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
            raise CorpusError(f"alternates for question {key} must be a list of strings", side)
    out = []
    for e in entries:
        more = tuple(" ".join(p.split()) for p in extra.get(str(e.number), []) if p.strip())
        out.append(Entry(e.number, e.question, e.answer, e.alternates + more))
    return out


def _decode(raw: bytes, path: Path) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the file as UTF-8",
            path,
            line,
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CorpusError("contains a NUL byte; is this a binary file?", path, line)
    return text


def _title_from_filename(path: Path) -> str:
    words = re.split(r"[-_\s]+", path.stem)
    return " ".join(w if w.isupper() else w.capitalize() for w in words if w) + " FAQ"
