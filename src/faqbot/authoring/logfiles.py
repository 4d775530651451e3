"""Read the operator's opt-in logs for the report: unanswered questions and readers' votes.

Both logs are JSON lines (``logs.py`` writes them). A line is recognised by its
shape, so one or several files of either kind, or both mixed, can be given:

* unanswered: ``{"time": ..., "question": "..."}``;
* feedback: ``{"time": ..., "entry": N | null, "kind": ..., "vote": "up" | "down",
  "confidence": ..., "question": "..."}`` (``question`` only when the operator
  opted in to keeping questions).

A line that is not JSON, not an object, or not one of those shapes is skipped
and counted by reason, so a damaged or foreign line never stops the report and
never passes unnoticed. A file that cannot be read at all is a ``LogFileError``.
The text of questions is used as logged and never written anywhere but the
outputs the operator asks for.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import LogFileError

SkipReason = Literal["not JSON", "not an object", "not a log record", "empty question"]


@dataclass(frozen=True)
class Vote:
    """One reader's thumbs up or down on an answer."""

    entry: int | None
    vote: Literal["up", "down"]
    kind: str = "faq"
    confidence: float | None = None
    question: str | None = None  # only when the operator logged questions too


@dataclass
class Logs:
    """What the logs hold: unanswered questions in order, votes, and what was skipped."""

    files: list[str] = field(default_factory=list)
    unanswered: list[str] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    lines: int = 0  # non-blank lines read
    skipped: Counter[str] = field(default_factory=Counter)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def read_logs(paths: Iterable[str | Path]) -> Logs:
    """Read every log file; LogFileError names a file that is missing or unreadable."""
    logs = Logs()
    for path in paths:
        _read_one(Path(path), logs)
    return logs


def _read_one(path: Path, logs: Logs) -> None:
    if not path.exists():
        raise LogFileError(f"{path}: no such log file")
    if path.is_dir():
        raise LogFileError(f"{path} is a folder; give the log file (JSON lines) itself")
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            text_lines = f.readlines()
    except OSError as exc:
        raise LogFileError(f"{path}: cannot read the log: {exc.strerror or exc}") from None
    logs.files.append(str(path))
    for line in text_lines:
        if not line.strip():
            continue
        logs.lines += 1
        reason = _take(line, logs)
        if reason is not None:
            logs.skipped[reason] += 1


def _take(line: str, logs: Logs) -> SkipReason | None:
    """Add one line's record to ``logs``; return why it was skipped, or None."""
    try:
        value = json.loads(line)
    except ValueError:
        return "not JSON"
    if not isinstance(value, dict):
        return "not an object"
    if "vote" in value:
        vote = _vote(value)
        if vote is None:
            return "not a log record"
        logs.votes.append(vote)
        return None
    question = value.get("question")
    if not isinstance(question, str):
        return "not a log record"
    question = " ".join(question.split())
    if not question:
        return "empty question"
    logs.unanswered.append(question)
    return None


def _vote(value: dict) -> Vote | None:
    vote = value.get("vote")
    entry = value.get("entry")
    if vote not in ("up", "down"):
        return None
    if entry is not None and (isinstance(entry, bool) or not isinstance(entry, int)):
        return None
    confidence = value.get("confidence")
    if isinstance(confidence, bool) or not isinstance(confidence, int | float):
        confidence = None
    question = value.get("question")
    question = " ".join(question.split()) if isinstance(question, str) else None
    kind = value.get("kind")
    return Vote(
        entry=entry,
        vote=vote,
        kind=kind if isinstance(kind, str) else "faq",
        confidence=None if confidence is None else float(confidence),
        question=question or None,
    )
