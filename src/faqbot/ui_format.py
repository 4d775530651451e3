"""How the web chat shows things: an Answer as a chat message, the user's text, the page note.

Pure functions over ``Answer`` and ``FAQBot`` values, no Gradio: the chat
message is Markdown plus "options" (the Chatbot's clickable buttons under the
last reply). Everything a user typed is escaped, so it is shown as text and
never taken as HTML or Markdown; FAQ text goes through
``formatting.format_answer_markdown`` so its lists stay lists.
"""

from __future__ import annotations

import re
from typing import Any

from .formatting import escape_markdown, format_answer_markdown, to_plain_text
from .models import Answer, Entry, Hit
from .query import MAX_CHARS

CONFIDENCE_HINT = {
    "high": "high",
    "medium": "medium — check that the source question matches what you asked",
    "low": "low — this may not be what you asked; the related questions below may fit better",
}


def user_message(question: str) -> dict[str, Any]:
    """The user's turn as the chat shows it: their text, literally (no HTML, no Markdown).

    A paste longer than the bot reads is shown cut at the same length, with "…":
    echoing a megabyte back would fill the page and the session for nothing.
    """
    if len(question) > MAX_CHARS:
        question = question[:MAX_CHARS].rstrip() + " …"
    return {"role": "user", "content": escape_markdown(question)}


def question_label(number: int, question: str) -> str:
    """``9. How long does ...?``: how a FAQ question is named on a button."""
    return f"{number}. {question}"


def _option(hit: Hit) -> dict[str, str]:
    # The value is the FAQ question itself: choosing it asks exactly that question.
    return {"value": hit.question, "label": question_label(hit.number, hit.question)}


def source_line(a: Answer) -> str:
    """The visible citation, e.g. **Source: Question 9 — "How long ...?"**."""
    return f'**Source: Question {a.question_number} — "{escape_markdown(a.question or "")}"**'


RELATED_LABEL = "Related questions:"


def _alternative_line(line: str, alternatives: list[Hit]) -> bool:
    """Whether ``line`` is a bot-written list item naming one of the alternatives."""
    item = line.strip().lstrip("-•*").strip()
    return any(item in (h.question, question_label(h.number, h.question)) for h in alternatives)


def answer_markdown(a: Answer) -> str:
    """The body of a bot reply: notice, source and confidence, the answer (lists as lists).

    When the bot's own text lists the alternatives (a decline, small talk), those
    lines are left out here: the chat shows them as buttons right below instead.
    """
    parts: list[str] = []
    if a.notice:
        parts.append(f"_{escape_markdown(a.notice)}_")
    text = a.answer
    if a.kind != "faq" and a.alternatives:
        text = "\n".join(ln for ln in text.splitlines() if not _alternative_line(ln, a.alternatives))
    if a.kind == "faq":
        # The source comes first: on a phone it is seen before the (long) answer.
        parts.append(source_line(a) + f"  \nConfidence: {CONFIDENCE_HINT[a.confidence]}")
    parts.append(format_answer_markdown(text))
    if a.kind == "faq":
        if a.did_you_mean is not None:
            dym = a.did_you_mean
            parts.append(
                f"Did you mean **{escape_markdown(question_label(dym.number, dym.question))}**? "
                "It is among the related questions below."
            )
        if a.alternatives:
            parts.append(RELATED_LABEL)
    return "\n\n".join(p for p in parts if p)


def bot_message(a: Answer) -> dict[str, Any]:
    """The bot's turn for the chat: Markdown content plus clickable related questions."""
    message: dict[str, Any] = {"role": "assistant", "content": answer_markdown(a)}
    if a.alternatives:
        message["options"] = [_option(h) for h in a.alternatives]
    return message


def _list_item(label: str) -> str:
    """A question label as the text of a bullet ("9\\. How ...", so it is no nested list)."""
    return re.sub(r"^(\d+)\.", r"\1\\.", escape_markdown(label))


def _text_of(content: Any) -> str | None:
    """The text of a chat message's content (a string, or Gradio's list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and len(content) == 1 and isinstance(content[0], dict):
        if content[0].get("type", "text") == "text":
            return str(content[0].get("text", ""))
    return None


def retire_options(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Earlier replies with their buttons turned into a plain list.

    The chat shows option buttons under the last reply only; once a newer turn
    follows, an older reply keeps its related questions as text, so the history
    still says what was offered.
    """
    out: list[dict[str, Any]] = []
    for m in messages:
        options = m.get("options") if isinstance(m, dict) else None
        text = _text_of(m.get("content")) if options else None
        if not options or text is None:
            out.append(m)
            continue
        listing = "\n".join(f"- {_list_item(str(o.get('label') or o.get('value', '')))}" for o in options)
        retired = {k: v for k, v in m.items() if k != "options"}
        retired["content"] = f"{text}\n\n{listing}"
        out.append(retired)
    return out


def error_message(text: str) -> dict[str, Any]:
    """A bot turn saying why a question could not be asked (e.g. it had no words)."""
    return {"role": "assistant", "content": escape_markdown(text)}


def history_turns(question: str, a: Answer) -> list[dict[str, str]]:
    """The raw turns the bot reads as ``history``: what was asked and what it answered.

    The question is kept as the bot read it (``a.query``: tidied, at most
    ``MAX_CHARS``), so a session's history stays small whatever is pasted. The
    plain-text answer carries "Source: Question N", which the conversation logic
    uses to spot a repeated answer.
    """
    return [
        {"role": "user", "content": a.query or question[:MAX_CHARS]},
        {"role": "assistant", "content": to_plain_text(a)},
    ]


def page_note(logging_unanswered: bool) -> str:
    """The short visible note on where answers come from and what is kept."""
    note = (
        "Answers are quoted word for word from the FAQ document. They are general "
        "information, **not legal advice**, and may be out of date."
    )
    if logging_unanswered:
        return note + (
            " Questions the FAQ cannot answer are saved (the question and the time only) "
            "to help improve it; other questions are not stored."
        )
    return note + " Questions you type here are not stored."


def example_messages(entries: list[Entry]) -> list[dict[str, str]]:
    """Example questions for the empty chat (Chatbot ``examples``)."""
    return [{"text": e.question, "display_text": e.question} for e in entries]
