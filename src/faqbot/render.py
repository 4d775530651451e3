"""How faqbot says things: every sentence it writes, and an Answer as text, Markdown or HTML.

One module owns the wording, so the bot, the command line, the notebook and the
web chat say the same thing the same way, and nothing ever reads it back (a
conversation carries its state as data, ``conversation.py``).

Three renderings of the same ``Answer``:

* ``plain_text`` — the terminal (``faqbot ask``, ``print(answer)``);
* ``markdown`` — a notebook (``Answer._repr_markdown_``);
* ``html`` — the web chat's message body. The chat renders HTML, not Markdown,
  so FAQ text keeps its exact characters (``help_desk_info``, parentheses, a URL
  that ends in ``)``) and what a user typed stays plain text: it is escaped, so
  it never becomes a link, an image or markup.

A FAQ answer's own structure survives in all three: its numbered and dashed
lists stay lists, and web addresses in it become links with the exact URL (only
``http``, ``https`` and ``mailto`` ones; anything else stays text).
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .models import Answer, Entry, Hit

# --- the bot's sentences ------------------------------------------------------------

DECLINE = "I'm sorry — the FAQ does not seem to cover this question, so I can't answer it from the FAQ."
DECLINE_ALTERNATIVES = "The closest questions it does answer are:"
SMALLTALK_EXAMPLES = "You could ask, for example:"
RELATED = "Related questions:"
SMALLTALK = {
    "greeting": "Hello! I answer questions from {faq}.",
    "thanks": "You're welcome! Ask me anything else from {faq}.",
    "goodbye": "Goodbye, and take care. Come back any time with questions about {faq}.",
    "identity": (
        "I'm faqbot, an automatic helper — not a person. I answer from {faq}. "
        "I quote the FAQ word for word and show which of its questions the answer comes from."
    ),
    "capabilities": (
        "I answer questions from {faq}. I show the FAQ's answer and its question number, "
        "and I tell you when the FAQ does not cover something."
    ),
    "help": "Type your question in your own words. I answer from {faq}. It has {count} questions.",
    "ack": "Is there anything else you'd like to know? I answer from {faq}.",
    "human": (
        "I'm an automatic helper, not a person, and I can't connect you to one. I can only answer from {faq}."
    ),
    "creator": (
        "I'm faqbot, a program that answers from {faq}, run by the FAQ's publisher on their own "
        "computer. I quote the FAQ; I don't write answers of my own."
    ),
    "languages": (
        "You can ask in your own words, in English, Spanish or many other languages. "
        "The answers are quoted from {faq} as it is written."
    ),
}
CONFIDENCE_HINT = {
    "high": "high",
    "medium": "medium — check that the source question matches what you asked",
    "low": "low — this may not be what you asked; the related questions below may fit better",
}


def faq_name(title: str, description: str = "") -> str:
    """How the bot names its FAQ in a sentence: by what it is about, else by its title."""
    if description:  # a plain-language summary reads better than a title
        return f"a FAQ about {description[0].lower()}{description[1:].rstrip('.')}"
    return f"the FAQ “{title}”"


def decline_sentence() -> str:
    """What the bot says when the FAQ does not cover a question."""
    return DECLINE


def smalltalk_sentence(intent: str, title: str, count: int, description: str = "") -> str:
    """A short friendly reply to small talk that says what the FAQ covers."""
    template = SMALLTALK.get(intent, SMALLTALK["help"])
    return template.format(faq=faq_name(title, description), count=count)


def truncation_notice(original_length: int, kept: int) -> str:
    """Said when a long question was cut to what the bot reads."""
    return f"Your question was {original_length:,} characters long; only the first {kept:,} were read."


def repeated_notice(number: int) -> str:
    """Said when a follow-up lands on the entry the bot just answered."""
    return (
        f"This is the same answer as before (question {number}) — "
        "the FAQ has nothing more on it. The related questions below may help."
    )


def join_notices(*notices: str | None) -> str | None:
    """Several notices as one (None when there are none)."""
    kept = [n for n in notices if n]
    return " ".join(kept) if kept else None


def question_label(number: int, question: str) -> str:
    """``9. How long does ...?``: how a FAQ question is named in a list or on a button."""
    return f"{number}. {question}"


def source_line(a: Answer) -> str:
    """The citation of an answer, e.g. ``Source: Question 9 — "How long ...?"`` (plain text)."""
    return f'Source: Question {a.question_number} — "{a.question}"'


def _suggestions(a: Answer) -> tuple[str, list[Hit]]:
    """The heading and questions listed under an answer (none for a plain FAQ answer)."""
    if a.kind == "faq":
        return RELATED, list(a.alternatives)
    if a.kind == "declined":
        return DECLINE_ALTERNATIVES, list(a.alternatives)
    return SMALLTALK_EXAMPLES, list(a.alternatives)


# --- an answer's structure ----------------------------------------------------------

_NUMBERED = re.compile(r"^(\d{1,3})[.)]\s+(.*)$")
_DASHED = re.compile(r"^[–—\-•*]\s+(.*)$")
_URL = re.compile(r"""(?:https?://|mailto:|www\.)[^\s<>"']+""", re.IGNORECASE)
_TRAILING = ".,;:!?'\""  # punctuation after a URL that is not part of it


@dataclass(frozen=True)
class Block:
    """A paragraph, a numbered item or a dashed item of a FAQ answer."""

    kind: Literal["paragraph", "numbered", "dashed"]
    text: str
    number: int = 0


def blocks(text: str) -> list[Block]:
    """A FAQ answer split into paragraphs and list items (one line, one block)."""
    out: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := _NUMBERED.match(line):
            out.append(Block("numbered", m.group(2), int(m.group(1))))
        elif m := _DASHED.match(line):
            out.append(Block("dashed", m.group(1)))
        else:
            out.append(Block("paragraph", line))
    return out


def _split_links(text: str) -> Iterable[tuple[str, str | None]]:
    """(text, url) pieces of a line: url is None for plain text."""
    pos = 0
    for m in _URL.finditer(text):
        url = m.group(0)
        # "(see https://x.org/a)" : a closing bracket without its opening one is not the URL's
        while url and (url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        if not url:
            continue
        start, end = m.start(), m.start() + len(url)
        if start > pos:
            yield text[pos:start], None
        href = url if "://" in url or url.lower().startswith("mailto:") else "https://" + url
        yield url, href
        pos = end
    if pos < len(text):
        yield text[pos:], None


# --- plain text (terminal) ------------------------------------------------------------


def plain_text(a: Answer) -> str:
    """The answer as a terminal shows it: notice, answer, source, suggestions."""
    parts: list[str] = []
    if a.notice:
        parts.append(f"({a.notice})")
    parts.append(a.answer)
    if a.kind == "faq":
        parts.append(f"\n{source_line(a)}  [confidence: {a.confidence}, {a.score:.2f}]")
    if a.did_you_mean is not None:
        parts.append(f"Did you mean: {question_label(a.did_you_mean.number, a.did_you_mean.question)}")
    heading, hits = _suggestions(a)
    if hits:
        parts.append(heading)
        parts.extend(f"  {question_label(h.number, h.question)}" for h in hits)
    return "\n".join(parts)


# --- Markdown (notebook) --------------------------------------------------------------

_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~<>&/]")  # "/" and "." stop autolinks
_NAMED = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def md_text(text: str) -> str:
    """Text made inert for Markdown: every special character as an HTML entity.

    Entities (unlike backslashes) show as the character itself in every renderer.
    """
    return _MD_SPECIAL.sub(lambda m: _NAMED.get(m.group(0)) or f"&#{ord(m.group(0))};", text)


def _md_inline(text: str) -> str:
    return "".join(
        md_text(piece) if url is None else f"[{md_text(piece)}](<{url.replace('>', '%3E')}>)"
        for piece, url in _split_links(text)
    )


def answer_markdown(text: str) -> str:
    """A FAQ answer as Markdown: lists stay lists, links stay links, every character kept."""
    lines: list[str] = []
    previous = None
    for block in blocks(text):
        if block.kind == "paragraph" or previous != block.kind:
            lines.append("")
        if block.kind == "numbered":
            lines.append(f"{block.number}. {_md_inline(block.text)}")
        elif block.kind == "dashed":
            lines.append(f"   - {_md_inline(block.text)}")
        else:
            lines.append(_md_inline(block.text))
        previous = block.kind
    return "\n".join(lines).strip()


def markdown(a: Answer) -> str:
    """The answer as Markdown (a notebook): notice, answer, source, suggestions."""
    parts: list[str] = []
    if a.notice:
        parts.append(f"_{md_text(a.notice)}_")
    parts.append(answer_markdown(a.answer))
    if a.kind == "faq":
        parts.append(f"**{md_text(source_line(a))}** · confidence: {a.confidence}")
    if a.did_you_mean is not None:
        dym = a.did_you_mean
        parts.append(f"Did you mean **{md_text(question_label(dym.number, dym.question))}**?")
    heading, hits = _suggestions(a)
    if hits:
        parts.append(
            md_text(heading)
            + "\n\n"
            + "\n".join(f"- {md_text(question_label(h.number, h.question))}" for h in hits)
        )
    return "\n\n".join(parts)


# --- HTML (web chat) ------------------------------------------------------------------


def html_text(text: str) -> str:
    """Text shown exactly as written: HTML-escaped (quotes too)."""
    return _html.escape(text, quote=True)


def _html_inline(text: str) -> str:
    return "".join(
        html_text(piece)
        if url is None
        else f'<a href="{html_text(url)}" target="_blank" rel="noopener noreferrer nofollow">{html_text(piece)}</a>'
        for piece, url in _split_links(text)
    )


def answer_html(text: str) -> str:
    """A FAQ answer as HTML: paragraphs, numbered and dashed lists, exact links."""
    out: list[str] = []
    open_list: str | None = None
    for block in blocks(text):
        tag = {"numbered": "ol", "dashed": "ul"}.get(block.kind)
        if open_list and tag != open_list:
            out.append(f"</{open_list}>")
            open_list = None
        if tag and open_list is None:
            start = f' start="{block.number}"' if tag == "ol" and block.number != 1 else ""
            out.append(f"<{tag}{start}>")
            open_list = tag
        body = _html_inline(block.text)
        out.append(f"<li>{body}</li>" if tag else f"<p>{body}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    return "".join(out)


def user_html(text: str) -> str:
    """What a user typed, as the chat shows it: plain text, never a link or markup."""
    return f'<p class="faq-user-text">{html_text(text)}</p>'


def html(a: Answer, confidence_hint: bool = True, list_suggestions: bool = False) -> str:
    """The body of a chat reply: notice, source and confidence first, then the answer.

    The source comes first: on a phone it is seen before a long answer. With
    ``list_suggestions`` the related questions are listed as text too (the chat
    shows them as buttons instead).
    """
    parts: list[str] = []
    if a.notice:
        parts.append(f'<p class="faq-notice"><em>{html_text(a.notice)}</em></p>')
    if a.kind == "faq":
        hint = CONFIDENCE_HINT[a.confidence] if confidence_hint else a.confidence
        parts.append(
            f'<p class="faq-source"><strong>{html_text(source_line(a))}</strong><br>'
            f"Confidence: {html_text(hint)}</p>"
        )
    parts.append(answer_html(a.answer))
    if a.did_you_mean is not None:
        dym = a.did_you_mean
        parts.append(
            f"<p>Did you mean <strong>{html_text(question_label(dym.number, dym.question))}</strong>? "
            "It is among the related questions below.</p>"
        )
    heading, hits = _suggestions(a)
    if hits:
        parts.append(f"<p>{html_text(heading)}</p>")
        if list_suggestions:
            items = "".join(f"<li>{html_text(question_label(h.number, h.question))}</li>" for h in hits)
            parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


# --- the page -----------------------------------------------------------------------------


GENERIC_DISCLAIMER = "They are general information and may be out of date."


def page_note(logging_unanswered: bool, disclaimer: str = "") -> str:
    """The short visible note on where answers come from and what is kept (Markdown).

    ``disclaimer`` is the FAQ owner's own words on the answers' standing (its meta
    sidecar); without one, a generic sentence.
    """
    note = "Answers are quoted word for word from the FAQ document. " + md_text(
        disclaimer or GENERIC_DISCLAIMER
    )
    if logging_unanswered:
        return note + (
            " Questions the FAQ cannot answer are saved (the question and the time only) "
            "to help improve it; other questions are not stored."
        )
    return note + " Questions you type here are not stored."


def example_questions(entries: list[Entry]) -> list[str]:
    """Example questions for an empty chat."""
    return [e.question for e in entries]
