"""JSON parsing that fails only with CorpusError, for FAQ files and their sidecars.

``json.loads`` alone can raise more than ``JSONDecodeError``: ``RecursionError``
for deeply nested input and ``ValueError`` for an integer with thousands of
digits. Here integers too long to be a question number arrive as ``HugeInt``
and floats keep the text they were written as (``JSONFloat``), so a message can
quote what the file says (``1e999``, not ``inf``).
"""

from __future__ import annotations

import json
import re

from ..errors import CorpusError
from ._text import line_at

_MAX_INT_DIGITS = 40  # longer integers are kept as text (HugeInt), never converted
_DEEP = 100  # nesting levels beyond which a message points at the line (no FAQ needs them)


class HugeInt:
    """A JSON integer too long to convert; its repr names its length, not its digits."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"{self.digits[:12]}... (a number of {len(self.digits)} digits)"


class JSONFloat(float):
    """A JSON number with a fraction or exponent, remembering how it was written."""

    source: str

    def __new__(cls, source: str) -> JSONFloat:
        value = super().__new__(cls, source)
        value.source = source
        return value

    def __repr__(self) -> str:
        return self.source


def _parse_int(text: str) -> int | HugeInt:
    return int(text) if len(text) <= _MAX_INT_DIGITS else HugeInt(text)


def loads(text: str, path: object, line: int | None = None) -> object:
    """Parse JSON text; CorpusError names ``path`` and the line (``line`` if given)."""
    try:
        return json.loads(text, parse_int=_parse_int, parse_float=JSONFloat)
    except json.JSONDecodeError as exc:
        at = line if line is not None else line_at(text, exc.pos)
        raise CorpusError(f"invalid JSON: {exc.msg}", path, at) from None
    except RecursionError:
        deep = line if line is not None else _deep_line(text)
        raise CorpusError("invalid JSON: nested too deeply to read", path, deep) from None
    except (ValueError, MemoryError) as exc:  # no other input should reach here
        raise CorpusError(f"invalid JSON: {exc}", path, line) from None


def describe(value: object) -> str:
    """A JSON value as a message shows it: ``true``, ``2.9``, ``"x"``, cut to a short length."""
    if isinstance(value, (HugeInt, JSONFloat)):
        shown = repr(value)
    else:
        try:
            shown = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            shown = repr(value)
    return shown if len(shown) <= 60 else shown[:59] + "…"


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]|\r\n|\r|\n|[^\s\[\]{},"]+', re.DOTALL)


def top_level_item_lines(text: str) -> list[int]:
    """The line on which each item of a top-level JSON list starts (for messages).

    Meant for text that already parsed as JSON; on other text the result is a
    best effort.
    """
    lines: list[int] = []
    depth = 0
    line = 1
    expect_item = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("\n", "\r", "\r\n"):
            line += 1
            continue
        if depth == 1 and expect_item and token not in ("]", "}", ","):
            lines.append(line)
            expect_item = False
        if token in ("[", "{"):
            depth += 1
            if depth == 1 and token == "[":
                expect_item = True
        elif token in ("]", "}"):
            depth -= 1
        elif token == "," and depth == 1:
            expect_item = True
    return lines


def _deep_line(text: str) -> int | None:
    """The line where nesting first goes deeper than any FAQ needs (for a message)."""
    depth = 0
    line = 1
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("\n", "\r", "\r\n"):
            line += 1
        elif token in ("[", "{"):
            depth += 1
            if depth > _DEEP:
                return line
        elif token in ("]", "}"):
            depth -= 1
    return None


def first_line(text: str) -> int:
    """The line of the first character that is not whitespace (1 for blank text)."""
    stripped = len(text) - len(text.lstrip())
    return line_at(text, stripped) if stripped < len(text) else 1
