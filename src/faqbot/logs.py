"""The operator's opt-in logs: unanswered questions and readers' votes, one JSON line each.

Off by default: then nothing a user types or clicks is written anywhere.

* ``faqbot serve --log-unanswered FILE`` appends each DECLINED question as
  ``{"time": "<UTC ISO 8601>", "question": "..."}`` and nothing else (no address,
  no session, no answered questions), so the FAQ's authors can see what is missing.
* ``faqbot serve --log-feedback FILE`` appends each thumbs up / down as
  ``{"time", "entry", "kind", "vote", "confidence"}``; the question is added only when the
  operator also opted in to question logging.

Lines are appended under a file lock, so several threads or processes can share
a file; the question is stored as the bot read it (tidied, cut to
``limits.MAX_QUESTION_CHARS``), so a huge paste cannot fill the disk.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock

from .errors import FAQBotError
from .limits import MAX_QUESTION_CHARS
from .models import Answer

Vote = Literal["up", "down"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JsonlLog:
    """Appends JSON objects as lines to one file; safe across threads and processes."""

    def __init__(self, path: str | Path, option: str):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch(exist_ok=True)
        except OSError as exc:
            raise FAQBotError(
                f"cannot write the log {self.path}: {exc.strerror}. Pick a writable file for {option}."
            ) from exc
        self._lock = FileLock(str(self.path) + ".lock")

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")


class UnansweredLog(JsonlLog):
    """The questions the FAQ could not answer (``--log-unanswered``)."""

    def __init__(self, path: str | Path):
        super().__init__(path, "--log-unanswered")

    def record(self, question: str, answer: Answer) -> bool:
        """Append the question if the bot declined it; return whether it was written."""
        if not answer.declined:
            return False
        self.append({"time": _now(), "question": answer.query or question[:MAX_QUESTION_CHARS]})
        return True


class FeedbackLog(JsonlLog):
    """Readers' thumbs up / down on answers (``--log-feedback``)."""

    def __init__(self, path: str | Path, with_questions: bool = False):
        super().__init__(path, "--log-feedback")
        self.with_questions = with_questions

    def record(self, answer: Answer, vote: Vote) -> None:
        """Append one vote on an answer (with its question only if the operator opted in)."""
        record: dict[str, Any] = {
            "time": _now(),
            "entry": answer.question_number,
            "kind": answer.kind,
            "vote": vote,
            "confidence": answer.score,
        }
        if self.with_questions:
            record["question"] = answer.query
        self.append(record)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """The records of a log (lines that are not JSON objects are skipped)."""
    out: list[dict[str, Any]] = []
    with Path(path).open(encoding="utf-8", errors="replace") as f:
        for line in f:
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                out.append(value)
    return out
