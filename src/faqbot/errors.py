"""Every error faqbot raises on purpose, in one place.

Each message says what went wrong and where (file, line, setting), so a person
can act on it. ``QuestionError`` is a ``ValueError``: an empty or non-text
question is a bad value, and callers may catch it as such.
"""

from __future__ import annotations


class FAQBotError(Exception):
    """Base class of every faqbot error."""


class QuestionError(FAQBotError, ValueError):
    """The question cannot be asked (empty, whitespace only, not text)."""


class CorpusError(FAQBotError, ValueError):
    """A FAQ source file is malformed; the message names the file and line."""

    def __init__(self, message: str, path: object = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message)
        self.path = path
        self.line = line


class ModelError(FAQBotError):
    """The embedding model is missing, damaged or not the expected one."""


class IndexMismatchError(FAQBotError):
    """A saved index is stale, damaged or does not match the corpus/model."""


class IndexFolderError(FAQBotError, ValueError):
    """The index folder is not one faqbot may write (a link, or a folder of other files)."""


class LogFileError(FAQBotError, ValueError):
    """An operator's log file cannot be read (missing, a folder, unreadable); names the file."""


class OutputFileError(FAQBotError, ValueError):
    """An output file asked for cannot or must not be written (names the file and why)."""


__all__ = [
    "FAQBotError",
    "QuestionError",
    "CorpusError",
    "ModelError",
    "IndexMismatchError",
    "IndexFolderError",
    "LogFileError",
    "OutputFileError",
]
