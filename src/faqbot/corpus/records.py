"""FAQ records to entries: the JSON, JSONL and CSV formats.

Each format is a list of records (a JSON list of objects, one JSON object per
JSONL line, one CSV row per record) with ``question``, ``answer``, optional
``number`` (default: the record's 1-based position) and optional ``alternates``
(other phrasings of the question: a list of strings; in CSV, one cell with the
phrasings separated by ``|``).

A ``number`` is a whole number from 0 to ``MAX_NUMBER``: a JSON integer (or a
number like ``3.0``), or a string of ASCII digits (every CSV cell is a string);
``null`` or an empty CSV cell means "not given". ``true``, ``2.9``, ``1e999``,
``"²"`` and negative numbers are refused, never rounded or guessed. Every problem
is a CorpusError naming the file and the line where the record starts.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterator
from functools import partial

from ..errors import CorpusError
from ..models import Entry
from ._json import describe, first_line, loads, top_level_item_lines
from ._text import MAX_FILE_BYTES, bad_character, clean_block, one_line, physical_lines, snippet

MAX_NUMBER = 999_999_999  # the highest question number a record may give
_CSV_COLUMNS = ("question", "answer", "number", "alternates")


class RecordError(ValueError):
    """What is wrong with one record; the caller adds the file and the line."""


def iter_jsonl(text: str, path: object) -> Iterator[tuple[int, object]]:
    """(line number, parsed value) for each non-blank line; CorpusError names a bad line."""
    for line_no, line in enumerate(physical_lines(text), start=1):
        if line.strip():
            yield line_no, loads(line, path, line_no)


def parse_json(text: str, path: object) -> list[Entry]:
    """Entries of a JSON FAQ: a list of ``{question, answer, ...}`` objects."""
    data = loads(text, path)
    if not isinstance(data, list):
        raise CorpusError("a JSON FAQ must be a list of {question, answer} objects", path, first_line(text))
    item_lines: list[int] | None = None

    def line_of(i: int) -> int | None:  # computed only when a message needs it
        nonlocal item_lines
        if item_lines is None:
            item_lines = top_level_item_lines(text)
        return item_lines[i] if i < len(item_lines) else None

    entries = [_entry(item, i + 1, path, partial(line_of, i)) for i, item in enumerate(data)]
    return check_entries(entries, path, line_of)


def parse_jsonl(text: str, path: object) -> list[Entry]:
    """Entries of a JSONL FAQ: one ``{question, answer, ...}`` object per line."""
    entries: list[Entry] = []
    lines: list[int] = []
    for line_no, item in iter_jsonl(text, path):
        entries.append(_entry(item, len(entries) + 1, path, line_no))
        lines.append(line_no)
    return check_entries(entries, path, lines.__getitem__)


def parse_csv(text: str, path: object) -> list[Entry]:
    """Entries of a CSV FAQ whose header row names ``question`` and ``answer``."""
    _allow_long_fields()
    lines = physical_lines(text)
    reader = csv.reader((line + "\n" for line in lines), strict=True, skipinitialspace=True)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    entries: list[Entry] = []
    entry_lines: list[int] = []
    end = 0  # the last line read so far
    while True:
        start = end + 1
        try:
            row = next(reader, None)
        except csv.Error as exc:
            raise CorpusError(f"unreadable CSV row: {_csv_problem(exc)}", path, start) from None
        if row is None:
            break
        end = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in row]
            columns = _csv_columns(header, path, start)
            continue
        extra = [cell for cell in row[len(header) :] if cell.strip()]
        if extra:
            raise CorpusError(
                f"this row has {len(row)} fields but the header row names {len(header)} columns "
                "(quote a field that contains a comma)",
                path,
                start,
            )
        record: dict[str, object] = {}
        for name, at in columns.items():
            cell = row[at] if at < len(row) else ""
            if name == "alternates":
                record[name] = [p for p in cell.split("|") if p.strip()]
            elif name == "number":
                record[name] = cell if cell.strip() else None
            else:
                record[name] = cell
        entries.append(_entry(record, len(entries) + 1, path, start))
        entry_lines.append(start)
    if header is None:
        raise CorpusError(
            "the CSV header row must name columns 'question' and 'answer' (missing: question, answer)",
            path,
            1,
        )
    return check_entries(entries, path, entry_lines.__getitem__)


def check_entries(
    entries: list[Entry], path: object, line_of: Callable[[int], int | None] | None = None
) -> list[Entry]:
    """``entries`` unchanged if there are any and their numbers are distinct; else CorpusError."""
    if not entries:
        raise CorpusError("no FAQ entries found", path)
    seen: dict[int, int] = {}
    for i, e in enumerate(entries):
        if e.number in seen:
            first = seen[e.number]
            earlier = line_of(first) if line_of else None
            also = f"line {earlier}" if earlier is not None else f"item {first + 1}"
            raise CorpusError(
                f"duplicate question number {e.number} (also used at {also})",
                path,
                line_of(i) if line_of else None,
            )
        seen[e.number] = i
    return entries


def entry_from_record(item: object, position: int) -> Entry:
    """One record as an Entry (``position`` is the default number); RecordError if malformed."""
    if not isinstance(item, dict):
        raise RecordError(
            f"each FAQ item must be an object with 'question' and 'answer', got {describe(item)}"
        )
    question = _text_field(item, "question")
    if not question.strip():
        raise RecordError("FAQ item has no 'question' text")
    answer = _text_field(item, "answer")
    if not answer.strip():
        raise RecordError(f"question {snippet(question)!r} has no answer")
    return Entry(
        number=parse_number(item.get("number"), position),
        question=one_line(question),
        answer=clean_block(answer.strip().splitlines()),
        alternates=_alternates(item.get("alternates")),
    )


def parse_number(value: object, default: int) -> int:
    """A record's ``number``: ``default`` when not given; RecordError unless a whole number."""
    if value is None:
        return default
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            number = int(value)
    elif isinstance(value, str):
        digits = value.strip()
        if digits.isascii() and digits.isdigit():
            digits = digits.lstrip("0") or "0"
            number = int(digits) if len(digits) <= len(str(MAX_NUMBER)) else MAX_NUMBER + 1
        elif digits.startswith("-") and digits[1:].isascii() and digits[1:].isdigit():
            number = -1
    if number is not None and number < 0:
        raise RecordError(f"'number' must not be negative, got {describe(value)}")
    if number is None or number > MAX_NUMBER:
        raise RecordError(f"'number' must be a whole number from 0 to {MAX_NUMBER}, got {describe(value)}")
    return number


def _text_field(item: dict, name: str) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"'{name}' must be text, got {describe(value)}")
    bad = bad_character(value)
    if bad:
        raise RecordError(f"'{name}' contains {bad}")
    return value


def _alternates(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(a, str) for a in value):
        raise RecordError(f"'alternates' must be a list of strings, got {describe(value)}")
    for a in value:
        bad = bad_character(a)
        if bad:
            raise RecordError(f"'alternates' contains {bad}")
    return tuple(one_line(a) for a in value if a.strip())


def _entry(item: object, position: int, path: object, line: int | Callable[[], int | None]) -> Entry:
    """``entry_from_record``, its error as a CorpusError at ``line`` (or at ``line()``)."""
    try:
        return entry_from_record(item, position)
    except RecordError as exc:
        raise CorpusError(str(exc), path, line if isinstance(line, int) else line()) from None


def _csv_columns(header: list[str], path: object, line: int) -> dict[str, int]:
    missing = [c for c in ("question", "answer") if c not in header]
    if missing:
        raise CorpusError(
            f"the CSV header row must name columns 'question' and 'answer' (missing: {', '.join(missing)})",
            path,
            line,
        )
    for name in _CSV_COLUMNS:
        if header.count(name) > 1:
            raise CorpusError(f"the CSV header row names column {name!r} twice", path, line)
    return {name: header.index(name) for name in _CSV_COLUMNS if name in header}


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "unexpected end of data" in text:
        return "a quoted field is never closed (a missing '\"'?)"
    if "expected after" in text:
        return f'{text} (a \'"\' inside a quoted field must be doubled: "")'
    return text


def _allow_long_fields() -> None:
    """Let the csv module read a field as long as the longest file read at all.

    The module's default refuses fields over a fixed size that a long answer can
    exceed (the same answer reads fine from JSONL). The limit is process-wide;
    it is only ever raised, never lowered.
    """
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
