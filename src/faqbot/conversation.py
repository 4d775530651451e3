"""Conversation context: what earlier turns say about a follow-up question.

History comes as plain strings (earlier user questions) or as
``{"role": ..., "content": ...}`` messages (the Gradio / OpenAI format).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

_SOURCE = re.compile(r"Source:\s*Question\s+(\d+)")
_FOLLOWUP_START = re.compile(
    r"^(and|but|also|so|then|what about|how about|what if|and what|ok(ay)?,? (and|but|so)|"
    r"same|why|when|where|who|for how long|how long|how|can i|can they|do they|does it|is it|are they)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(it|its|they|them|their|that|this|those|these|there|he|she|such|the same|which)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


def normalise_history(history: Iterable[object] | None) -> list[Turn]:
    """History as a list of Turns; plain strings are earlier user questions."""
    turns: list[Turn] = []
    for item in history or []:
        if isinstance(item, str):
            turns.append(Turn("user", item))
        elif isinstance(item, Mapping):
            content = item.get("content")
            if isinstance(content, list):  # Gradio may send [{"type": "text", "text": ...}]
                content = " ".join(
                    str(part.get("text", "")) if isinstance(part, Mapping) else str(part)
                    for part in content
                )
            if isinstance(content, str):
                role = str(item.get("role", "user"))
                turns.append(Turn("assistant" if role in ("assistant", "bot") else "user", content))
        elif isinstance(item, (list, tuple)) and len(item) == 2:  # old Gradio [user, bot] pairs
            if isinstance(item[0], str):
                turns.append(Turn("user", item[0]))
            if isinstance(item[1], str):
                turns.append(Turn("assistant", item[1]))
    return turns


def previous_questions(turns: list[Turn]) -> list[str]:
    """Earlier user messages, most recent first."""
    return [t.content for t in reversed(turns) if t.role == "user" and t.content.strip()]


def last_source_number(turns: list[Turn]) -> int | None:
    """The question number the last assistant reply quoted, if it said one."""
    for t in reversed(turns):
        if t.role == "assistant":
            m = _SOURCE.search(t.content)
            return int(m.group(1)) if m else None
    return None


def looks_like_followup(text: str) -> bool:
    """Short or pronoun-led questions that probably lean on the previous turn."""
    words = re.findall(r"\w+", text)
    if len(words) <= 4:
        return True
    if len(words) <= 12 and (_FOLLOWUP_START.match(text.strip()) or _PRONOUN.search(text)):
        return True
    return False
