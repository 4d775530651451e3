"""How an Answer looks as plain text (CLI) and as Markdown (notebook, web chat).

FAQ text and anything a user typed are escaped, so neither is ever taken as HTML.
"""

from __future__ import annotations

import html
import re

from .models import Answer


def _source_line(a: Answer) -> str:
    return f'Source: Question {a.question_number} — "{a.question}"'


def to_plain_text(a: Answer) -> str:
    """The answer as a terminal shows it: notice, answer, source, related questions."""
    parts: list[str] = []
    if a.notice:
        parts.append(f"({a.notice})")
    parts.append(a.answer)
    if a.kind == "faq":
        parts.append(f"\n{_source_line(a)}  [confidence: {a.confidence}, {a.score:.2f}]")
    if a.did_you_mean is not None:
        parts.append(f"Did you mean: {a.did_you_mean.number}. {a.did_you_mean.question}")
    if a.alternatives and a.kind == "faq":
        parts.append("Related questions:")
        parts.extend(f"  {h.number}. {h.question}" for h in a.alternatives)
    return "\n".join(parts)


def escape_markdown(text: str) -> str:
    """Text made inert for Markdown+HTML renderers (used for user-typed text)."""
    text = html.escape(text, quote=False)
    out = []
    for ch in text:
        if ch in "\\`*_{}[]()#+!|~>":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def to_markdown(a: Answer) -> str:
    """The answer as Markdown: the FAQ text, a bold source line, related questions."""
    lines: list[str] = []
    if a.notice:
        lines.append(f"_{escape_markdown(a.notice)}_\n")
    lines.append(format_answer_markdown(a.answer))
    if a.kind == "faq":
        lines.append(
            f'\n**Source: Question {a.question_number} — "{escape_markdown(a.question or "")}"**'
            f" · confidence: {a.confidence}"
        )
    if a.did_you_mean is not None:
        lines.append(f"\nDid you mean **{a.did_you_mean.number}. {escape_markdown(a.did_you_mean.question)}**?")
    if a.alternatives and a.kind == "faq":
        lines.append("\nRelated questions:")
        lines.extend(f"- {h.number}. {escape_markdown(h.question)}" for h in a.alternatives)
    return "\n".join(lines)


def format_answer_markdown(text: str) -> str:
    """FAQ answer text as Markdown: its numbered and dashed lists stay lists.

    The text is escaped first, so nothing in the FAQ is taken as HTML.
    """
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = re.match(r"^(\d+)\.\s+(.*)$", line)
        d = re.match(r"^[–—\-•*]\s+(.*)$", line)
        if m:
            out.append(f"{m.group(1)}. {escape_markdown(m.group(2))}")
        elif d:
            out.append(f"   - {escape_markdown(d.group(1))}")
        else:
            if out:
                out.append("")
            out.append(escape_markdown(line))
            out.append("")
    return "\n".join(out).strip()
