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
``limits.MAX_QUESTION_CHARS``), so a huge paste cannot fill the disk. Nor can a
flood of requests: a log stops growing at ``limits.MAX_LOG_BYTES`` (records past
it are dropped, with one warning in the server's log). The file is reopened for
every record, so moving it aside (logrotate's default) starts a new one.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock

from .errors import FAQBotError
from .limits import MAX_LOG_BYTES, MAX_QUESTION_CHARS
from .models import Answer

Vote = Literal["up", "down"]
logger = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class JsonlLog:
    """Appends JSON objects as lines to one file; safe across threads and processes."""

    def __init__(self, path: str | Path, option: str, max_bytes: int = MAX_LOG_BYTES):
        self.path = Path(path)
        self.max_bytes = max_bytes
        self._full = False  # warned that the file is at its limit
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch(exist_ok=True)
        except OSError as exc:
            raise FAQBotError(
                f"cannot write the log {self.path}: {exc.strerror}. Pick a writable file for {option}."
            ) from exc
        self._lock = FileLock(str(self.path) + ".lock")

    def append(self, record: dict[str, Any]) -> bool:
        """Append one record; False (and nothing written) when the file is at its size limit."""
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            try:
                size = self.path.stat().st_size
            except FileNotFoundError:  # moved aside: a new file starts
                size = 0
            if size + len(line) > self.max_bytes:
                if not self._full:
                    self._full = True
                    logger.warning(
                        "the log %s reached its limit of %d bytes: further records are dropped "
                        "until it is moved aside or emptied",
                        self.path,
                        self.max_bytes,
                    )
                return False
            self._full = False
            with self.path.open("ab") as f:
                f.write(line)
        return True


class UnansweredLog(JsonlLog):
    """The questions the FAQ could not answer (``--log-unanswered``)."""

    def __init__(self, path: str | Path, max_bytes: int = MAX_LOG_BYTES):
        super().__init__(path, "--log-unanswered", max_bytes)

    def record(self, question: str, answer: Answer) -> bool:
        """Append the question if the bot declined it; return whether it was written."""
        if not answer.declined:
            return False
        return self.append({"time": _now(), "question": answer.query or question[:MAX_QUESTION_CHARS]})


class FeedbackLog(JsonlLog):
    """Readers' thumbs up / down on answers (``--log-feedback``)."""

    def __init__(self, path: str | Path, with_questions: bool = False, max_bytes: int = MAX_LOG_BYTES):
        super().__init__(path, "--log-feedback", max_bytes)
        self.with_questions = with_questions

    def record(self, answer: Answer, vote: Vote) -> bool:
        """Append one vote on an answer (with its question only if the operator opted in);
        return whether it was written."""
        record: dict[str, Any] = {
            "time": _now(),
            "entry": answer.question_number,
            "kind": answer.kind,
            "vote": vote,
            "confidence": answer.score,
        }
        if self.with_questions:
            record["question"] = answer.query
        return self.append(record)


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
