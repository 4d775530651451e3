"""Bytes to text for every FAQ file: reading, UTF-8 decoding, lines and text checks.

Every reader of the corpus package goes through here, so each format refuses the
same things the same way: a file too large to read, bytes that are not UTF-8, NUL
bytes, and (from JSON ``\\u`` escapes) lone surrogates. Line numbers are counted
the way editors count them: ``\\r\\n``, ``\\r`` and ``\\n`` each end a line.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import CorpusError

# The largest FAQ or sidecar file that is read; larger ones are refused before reading.
MAX_FILE_BYTES = 256 * 1024 * 1024

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def read_bytes(path: Path, what: str = "FAQ file") -> bytes:
    """The bytes of ``path``; CorpusError if it is missing, unreadable or too large."""
    try:
        if not path.is_file():
            raise CorpusError(f"no such {what}", path)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CorpusError(
                f"the {what} is too large ({size:,} bytes; at most {MAX_FILE_BYTES:,} are read)",
                path,
            )
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read the {what}: {exc.strerror or exc}", path) from None
    except MemoryError:
        raise CorpusError(f"the {what} is too large to read", path) from None


def decode(raw: bytes, path: object) -> str:
    """UTF-8 text (a leading byte-order mark dropped); CorpusError names the bad line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = line_at_bytes(raw, exc.start)
        hint = "save the file as UTF-8"
        if raw.startswith(_UTF16_BOMS):
            hint = "the file looks like UTF-16; save it as UTF-8"
        raise CorpusError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); {hint}",
            path,
            line,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise CorpusError("contains a NUL byte; is this a binary file?", path, line_at(text, nul))
    return text


def line_at(text: str, pos: int) -> int:
    """The 1-based line number of character offset ``pos`` in ``text``."""
    return sum(1 for _ in _LINE_BREAK.finditer(text, 0, max(0, pos))) + 1


def line_at_bytes(raw: bytes, pos: int) -> int:
    """The 1-based line number of byte offset ``pos`` in ``raw``."""
    head = raw[:pos]
    return head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1


def physical_lines(text: str) -> list[str]:
    """The lines of ``text`` as an editor numbers them (no line-end characters).

    A final line break does not start another line.
    """
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def clean_block(lines: list[str]) -> str:
    """Answer text: outer blank lines dropped, inner runs of blank lines folded to one."""
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


def one_line(text: str) -> str:
    """``text`` with every run of whitespace folded to one space, ends trimmed."""
    return " ".join(text.split())


def bad_character(text: str) -> str | None:
    """What makes ``text`` unusable (a NUL or a lone surrogate), or None if nothing does."""
    if "\x00" in text:
        return "a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"a lone surrogate (\\u{ord(text[exc.start]):04x}), which is not text"
    return None


def snippet(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters (with an ellipsis) for a message."""
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
