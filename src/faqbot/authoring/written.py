"""The alternates exactly as the author wrote them, before the corpus loader tidied them.

The loader folds whitespace and silently drops empty alternates, which is right
for answering but hides a mistake from the author: an empty string in the
alternates sidecar (or a record's ``alternates``, or an empty piece between
``|`` in a CSV cell) usually means a phrasing was lost while editing. This
module re-reads the files the loader already accepted and reports where each
empty alternate is: the file, the entry number and, for JSON, the line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..corpus.sidecars import ALTERNATES_SUFFIX, sidecar_path


@dataclass(frozen=True)
class EmptyAlternate:
    """An empty or blank alternate: where it is written."""

    file: str
    entry: int | None
    line: int | None
    position: int  # 1-based place in the entry's list of alternates


def empty_alternates(path: Path) -> list[EmptyAlternate]:
    """Every empty alternate in a FAQ file (JSON, JSONL, CSV) and its alternates sidecar."""
    found: list[EmptyAlternate] = []
    suffix = path.suffix.lower()
    text = _read(path)
    if text is not None:
        if suffix == ".json":
            found += _in_json_records(path, text)
        elif suffix == ".jsonl":
            found += _in_jsonl_records(path, text)
        elif suffix == ".csv":
            found += _in_csv(path, text)
    side = sidecar_path(path, ALTERNATES_SUFFIX)
    side_text = _read(side)
    if side_text is not None:
        found += _in_sidecar(side, side_text)
    return found


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None


def _blank_positions(values: object) -> list[int]:
    if not isinstance(values, list):
        return []
    return [i for i, v in enumerate(values, 1) if isinstance(v, str) and not v.strip()]


def _key_line(text: str, key: str) -> int | None:
    m = re.search(re.escape(json.dumps(key)) + r"\s*:", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _in_sidecar(path: Path, text: str) -> list[EmptyAlternate]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    out = []
    for key, values in data.items():
        if key.startswith("_") or not (key.isascii() and key.isdigit()):
            continue
        line = _key_line(text, key)
        out += [EmptyAlternate(str(path), int(key), line, i) for i in _blank_positions(values)]
    return out


def _record_number(item: dict, position: int) -> int | None:
    number = item.get("number", position)
    if isinstance(number, bool):
        return None
    if isinstance(number, int):
        return number
    if isinstance(number, str) and number.strip().isdigit():
        return int(number)
    return position if number is None else None


def _in_json_records(path: Path, text: str) -> list[EmptyAlternate]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    out = []
    for position, item in enumerate(data if isinstance(data, list) else [], 1):
        if isinstance(item, dict):
            number = _record_number(item, position)
            out += [
                EmptyAlternate(str(path), number, None, i) for i in _blank_positions(item.get("alternates"))
            ]
    return out


def _in_jsonl_records(path: Path, text: str) -> list[EmptyAlternate]:
    out = []
    position = 0
    for line_no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        position += 1
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            number = _record_number(item, position)
            blanks = _blank_positions(item.get("alternates"))
            out += [EmptyAlternate(str(path), number, line_no, i) for i in blanks]
    return out


def _in_csv(path: Path, text: str) -> list[EmptyAlternate]:
    rows = list(csv.reader(io.StringIO(text), skipinitialspace=True))
    header: list[str] | None = None
    out = []
    position = 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [c.strip().lower() for c in row]
            continue
        position += 1
        record = dict(zip(header, row))
        cell = record.get("alternates", "")
        if "|" not in cell:
            continue
        pieces = cell.split("|")
        number = _record_number({"number": record.get("number") or None}, position)
        out += [EmptyAlternate(str(path), number, None, i) for i, p in enumerate(pieces, 1) if not p.strip()]
    return out
