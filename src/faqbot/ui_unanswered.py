"""The opt-in log of questions the FAQ could not answer (``faqbot serve --log-unanswered FILE``).

Off by default: then no question a user types is written anywhere. When a
file is given, each DECLINED question is appended to it as one JSON line
``{"time": "<UTC ISO 8601>", "question": "..."}`` and nothing else (no
address, no session, no answered questions), so the FAQ's authors can see
what people ask that it does not cover.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock

from .errors import FAQBotError
from .models import Answer


class UnansweredLog:
    """Appends declined questions to a JSONL file; safe across threads and processes."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.touch(exist_ok=True)
        except OSError as exc:
            raise FAQBotError(
                f"cannot write the unanswered-questions log {self.path}: {exc.strerror}. "
                "Pick a writable file for --log-unanswered."
            ) from exc
        self._lock = FileLock(str(self.path) + ".lock")

    def record(self, question: str, answer: Answer) -> bool:
        """Append the question if the bot declined it; return whether it was written.

        The tidied text the bot read (``answer.query``, at most ``query.MAX_CHARS``
        characters) is stored, so a huge paste cannot fill the disk.
        """
        if not answer.declined:
            return False
        line = json.dumps(
            {
                "time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "question": answer.query or question[:1000],
            },
            ensure_ascii=False,
        )
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
        return True
