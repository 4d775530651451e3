"""How faqbot says things: every sentence it writes, and an Answer as text, Markdown or HTML.

One module owns the wording, so the bot, the command line, the notebook and the
web chat say the same thing the same way, and nothing ever reads it back (a
conversation carries its state as data, ``conversation.py``). The sentences are
written in English and translated through the message catalogue (``i18n.py``):
every function that words something takes the language explicitly, and an
Answer's framing (source line, confidence, suggestions, notices) follows
``Answer.language``. A FAQ's own text (questions, answers, contact, disclaimer)
is quoted as written, in the FAQ's language.

Three renderings of the same ``Answer``:

* ``plain_text`` — the terminal (``faqbot ask``, ``print(answer)``);
* ``markdown`` — a notebook (``Answer._repr_markdown_``);
* ``html`` — the web chat's message body. The chat renders HTML, not Markdown,
  so FAQ text keeps its exact characters (``help_desk_info``, parentheses, a URL
  that ends in ``)``) and what a user typed stays plain text: it is escaped, so
  it never becomes a link, an image or markup. With ``buttons`` the suggested
  questions are ``<button>``s carrying only their entry number, and a FAQ
  answer gets a "Copy link" button (the chat's script handles both).

A FAQ answer's own structure survives in all three: its numbered and dashed
lists stay lists, and web addresses in it become links with the exact URL (only
``http``, ``https`` and ``mailto`` ones; anything else stays text). A contact's
links (``http(s)``, ``mailto``, ``tel``) are links too.

The web page's own words (buttons, placeholders, notes) are here as well:
``interface``, ``page_note``, ``empty_chat_html``, ``footer_html``.
"""

from __future__ import annotations

import gettext
import html as _html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from . import i18n
from .i18n import N_
from .models import Answer, Contact, Entry, Hit

# --- the bot's sentences ------------------------------------------------------------
# English message ids; each is translated where it is used (``_t(language)``).

DECLINE = N_("I'm sorry — the FAQ does not seem to cover this question, so I can't answer it from the FAQ.")
DECLINE_ALTERNATIVES = N_("The closest questions it does answer are:")
SMALLTALK_EXAMPLES = N_("You could ask, for example:")
RELATED = N_("Related questions:")
NO_CONTACT = N_("This chat can only answer from the FAQ; it cannot put you in touch with a person.")
SMALLTALK = {
    "greeting": N_("Hello! I answer questions from {faq}."),
    "thanks": N_("You're welcome! Ask me anything else from {faq}."),
    "goodbye": N_("Goodbye, and take care. Come back any time with questions about {faq}."),
    "identity": N_(
        "I'm faqbot, an automatic helper — not a person. I answer from {faq}. "
        "I quote the FAQ word for word and show which of its questions the answer comes from."
    ),
    "human": N_("I'm an automatic helper, not a person. I can only answer from {faq}."),
    "creator": N_("I'm faqbot, an automatic helper. I don't write the answers: I quote them from {faq}."),
    "languages": N_(
        "You can ask in English or Spanish. I answer from {faq} and quote its answers as written."
    ),
    "capabilities": N_(
        "I answer questions from {faq}. I show the FAQ's answer and its question number, "
        "and I tell you when the FAQ does not cover something."
    ),
    "ack": N_("Is there anything else you'd like to know? I answer from {faq}."),
}
CONFIDENCE_WORD = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
CONFIDENCE_HINT = {
    "high": N_("high"),
    "medium": N_("medium — check that the source question matches what you asked"),
    "low": N_("low — this may not be what you asked; the related questions below may fit better"),
}


def _t(language: str | None) -> gettext.NullTranslations:
    return i18n.translation(language or i18n.SOURCE_LANGUAGE)


def faq_name(title: str, description: str = "", language: str = "en", faq_language: str = "en") -> str:
    """How the bot names its FAQ in a sentence: by what it is about, else by its title.

    The description is the FAQ's own words, so it is used only in the FAQ's language.
    """
    t = _t(language)
    if description and i18n.supported(language) == i18n.supported(faq_language):
        about = f"{description[0].lower()}{description[1:].rstrip('.')}"
        return t.gettext("a FAQ about {description}").format(description=about)
    return t.gettext("the FAQ “{title}”").format(title=title)


def decline_sentence(language: str = "en") -> str:
    """What the bot says when the FAQ does not cover a question."""
    return _t(language).gettext(DECLINE)


def smalltalk_sentence(
    intent: str,
    title: str,
    count: int,
    description: str = "",
    language: str = "en",
    faq_language: str = "en",
) -> str:
    """A short friendly reply to small talk that says what the FAQ covers."""
    t = _t(language)
    faq = faq_name(title, description, language, faq_language)
    if intent not in SMALLTALK:  # "help", and any intent without its own sentence
        return t.ngettext(
            "Type your question in your own words. I answer from {faq}. It has {count} question.",
            "Type your question in your own words. I answer from {faq}. It has {count} questions.",
            count,
        ).format(faq=faq, count=count)
    return t.gettext(SMALLTALK[intent]).format(faq=faq)


def truncation_notice(original_length: int, kept: int, language: str = "en") -> str:
    """Said when a long question was cut to what the bot reads."""
    return (
        _t(language)
        .gettext("Your question was {length} characters long; only the first {kept} were read.")
        .format(length=f"{original_length:,}", kept=f"{kept:,}")
    )


def repeated_notice(number: int, language: str = "en") -> str:
    """Said when a follow-up lands on the entry the bot just answered."""
    return (
        _t(language)
        .gettext(
            "This is the same answer as before (question {number}) — "
            "the FAQ has nothing more on it. The related questions below may help."
        )
        .format(number=number)
    )


def join_notices(*notices: str | None) -> str | None:
    """Several notices as one (None when there are none)."""
    kept = [n for n in notices if n]
    return " ".join(kept) if kept else None


def question_label(number: int, question: str) -> str:
    """``9. How long does ...?``: how a FAQ question is named in a list or on a button."""
    return f"{number}. {question}"


def source_line(a: Answer, language: str | None = None) -> str:
    """The citation of an answer, e.g. ``Source: Question 9 — "How long ...?"`` (plain text)."""
    return (
        _t(language or a.language)
        .gettext('Source: Question {number} — "{question}"')
        .format(number=a.question_number, question=a.question)
    )


def confidence_text(a: Answer, language: str | None = None, hint: bool = True) -> str:
    """``Confidence: high`` in words (with advice when it is not high)."""
    t = _t(language or a.language)
    word = t.gettext((CONFIDENCE_HINT if hint else CONFIDENCE_WORD)[a.confidence])
    return t.gettext("Confidence: {confidence}").format(confidence=word)


def _language_name(code: str, t: gettext.NullTranslations) -> str | None:
    lang = i18n.primary(code)
    if lang == "en":
        return t.pgettext("language, mid-sentence", "English")
    if lang == "es":
        return t.pgettext("language, mid-sentence", "Spanish")
    return None


def faq_language_note(language: str, faq_language: str) -> str | None:
    """A one-line note, in ``language``, that the FAQ itself is in another language (None if not)."""
    lang = i18n.supported(language)
    if lang == i18n.primary(faq_language):
        return None
    t = _t(lang)
    name = _language_name(faq_language, t)
    if name is None:
        return t.gettext("The FAQ itself is in another language; its answers are quoted as written.")
    return t.gettext("The FAQ itself is in {language_name}; its answers are quoted as written.").format(
        language_name=name
    )


def did_you_mean_text(hit: Hit, language: str = "en") -> str:
    """``Did you mean: 4. ...?`` (plain text)."""
    return (
        _t(language)
        .gettext("Did you mean: {question}")
        .format(question=question_label(hit.number, hit.question))
    )


def _suggestions(a: Answer, language: str | None = None) -> tuple[str, list[Hit]]:
    """The heading and questions listed under an answer (none for a plain FAQ answer)."""
    t = _t(language or a.language)
    if a.kind == "faq":
        return t.gettext(RELATED), list(a.alternatives)
    if a.kind == "declined":
        return t.gettext(DECLINE_ALTERNATIVES), list(a.alternatives)
    return t.gettext(SMALLTALK_EXAMPLES), list(a.alternatives)


def _wants_contact(a: Answer) -> bool:
    """Whether a reply says how to reach a person (or that it cannot): declines and "talk to a human"."""
    return a.contact is not None or a.kind == "declined" or a.intent == "human"


def _quotes_faq(a: Answer) -> bool:
    """Whether a reply shows the FAQ's own text (its answer, or its questions as suggestions)."""
    return a.kind == "faq" or bool(a.alternatives)


def _safe_contact_url(url: str) -> bool:
    """A contact link the page may show as a link (the corpus already refused anything else)."""
    return bool(
        re.match(r"^(?:https?://[^\s\"'<>]+|mailto:[^\s\"'<>]+|tel:[0-9+().\-]+)$", url, re.IGNORECASE)
    )


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


def contact_text(contact: Contact, language: str = "en") -> str:
    """A contact as plain text: a heading, its text, and each link as ``label: url``."""
    lines = [_t(language).gettext("Talk to a person:")]
    if contact.text:
        lines.append(f"  {contact.text}")
    lines.extend(f"  {link.label}: {link.url}" for link in contact.links)
    return "\n".join(lines)


def plain_text(a: Answer, faq_language: str | None = None) -> str:
    """The answer as a terminal shows it: notice, answer, source, suggestions.

    The framing is in ``a.language``; with ``faq_language`` (the FAQ's), a note
    says when the FAQ itself is in another language.
    """
    t = _t(a.language)
    parts: list[str] = []
    if a.notice:
        parts.append(f"({a.notice})")
    note = faq_language_note(a.language, faq_language) if faq_language and _quotes_faq(a) else None
    if note:
        parts.append(f"({note})")
    parts.append(a.answer)
    if a.kind == "faq":
        confidence = t.gettext("confidence: {confidence}, {score}").format(
            confidence=t.gettext(CONFIDENCE_WORD[a.confidence]), score=f"{a.score:.2f}"
        )
        parts.append(f"\n{source_line(a)}  [{confidence}]")
    if a.did_you_mean is not None:
        parts.append(did_you_mean_text(a.did_you_mean, a.language))
    if a.contact is not None:
        parts.append(contact_text(a.contact, a.language))
    elif _wants_contact(a):
        parts.append(t.gettext(NO_CONTACT))
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


def _md_link(label: str, url: str) -> str:
    return f"[{md_text(label)}](<{url.replace('>', '%3E')}>)"


def _md_inline(text: str) -> str:
    return "".join(
        md_text(piece) if url is None else _md_link(piece, url) for piece, url in _split_links(text)
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


def contact_markdown(contact: Contact, language: str = "en") -> str:
    """A contact as Markdown: a heading, its text, its links as links."""
    heading = _t(language).gettext("Talk to a person:")
    parts = [f"**{md_text(heading)}**"]
    if contact.text:
        parts.append(md_text(contact.text))
    links = [
        _md_link(link.label, link.url) if _safe_contact_url(link.url) else md_text(link.label)
        for link in contact.links
    ]
    if links:
        parts.append(" · ".join(links))
    return " ".join(parts)


def markdown(a: Answer, faq_language: str | None = None) -> str:
    """The answer as Markdown (a notebook): notice, answer, source, suggestions."""
    t = _t(a.language)
    parts: list[str] = []
    if a.notice:
        parts.append(f"_{md_text(a.notice)}_")
    note = faq_language_note(a.language, faq_language) if faq_language and _quotes_faq(a) else None
    if note:
        parts.append(f"_{md_text(note)}_")
    parts.append(answer_markdown(a.answer))
    if a.kind == "faq":
        parts.append(f"**{md_text(source_line(a))}** · {md_text(confidence_text(a, hint=False))}")
    if a.did_you_mean is not None:
        dym = a.did_you_mean
        before, _, after = t.gettext("Did you mean: {question}").partition("{question}")
        label = f"**{md_text(question_label(dym.number, dym.question))}**"
        parts.append(f"{md_text(before)}{label}{md_text(after)}")
    if a.contact is not None:
        parts.append(contact_markdown(a.contact, a.language))
    elif _wants_contact(a):
        parts.append(md_text(t.gettext(NO_CONTACT)))
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


def user_html(text: str, turn: int | None = None) -> str:
    """What a user typed, as the chat shows it: plain text, never a link or markup.

    ``turn`` (the turn's sequence number) marks the message, so the page's script
    can tell a new question from a re-rendered one.
    """
    mark = f" faq-turn-{int(turn)}" if turn is not None else ""
    return f'<p class="faq-user-text{mark}">{html_text(text)}</p>'


def contact_html(contact: Contact, language: str = "en") -> str:
    """A contact as HTML: a heading, its text, and its links as links (http(s), mailto, tel only)."""
    heading = _t(language).gettext("Talk to a person:")
    out = [f'<p class="faq-contact-heading"><strong>{html_text(heading)}</strong></p>']
    if contact.text:
        out.append(f"<p>{html_text(contact.text)}</p>")
    items = []
    for link in contact.links:
        if _safe_contact_url(link.url):
            target = "" if link.url.lower().startswith(("tel:", "mailto:")) else ' target="_blank"'
            items.append(
                f'<li><a href="{html_text(link.url)}"{target} rel="noopener noreferrer nofollow">'
                f"{html_text(link.label)}</a></li>"
            )
        else:
            items.append(f"<li>{html_text(link.label)}</li>")
    if items:
        out.append(f"<ul>{''.join(items)}</ul>")
    return f'<div class="faq-contact">{"".join(out)}</div>'


def pick_button(hit: Hit | Entry, css: str = "faq-related") -> str:
    """A button that opens a FAQ entry in the chat; it carries only the entry's number."""
    label = question_label(hit.number, hit.question)
    return (
        f'<button type="button" class="faq-pick {css}" value="{int(hit.number)}">{html_text(label)}</button>'
    )


def copy_link_html(number: int, language: str = "en") -> str:
    """The "Copy link" control under a FAQ answer (the chat's script builds the link from the number)."""
    t = _t(language)
    copy, done, manual = t.gettext("Copy link"), t.gettext("Link copied."), t.gettext("Copy this link:")
    return (
        f'<p class="faq-permalink"><button type="button" class="faq-copy" value="{int(number)}">'
        f"{html_text(copy)}</button> "
        '<span class="faq-copy-status" role="status"></span>'
        f'<span class="faq-copy-done" hidden>{html_text(done)}</span>'
        f'<span class="faq-copy-manual" hidden>{html_text(manual)}</span></p>'
    )


def html(
    a: Answer,
    confidence_hint: bool = True,
    list_suggestions: bool = False,
    *,
    language: str | None = None,
    faq_language: str | None = None,
    buttons: bool = False,
    interface_language: str | None = None,
) -> str:
    """The body of a chat reply: notice, source and confidence first, then the answer.

    The source comes first: on a phone it is seen before a long answer. The
    framing is in ``language`` (default: the answer's); with ``faq_language`` a
    note says when the FAQ itself is in another language. The suggested
    questions are listed as text with ``list_suggestions``, or as buttons with
    ``buttons`` (which also adds "Copy link" under a FAQ answer, worded in
    ``interface_language``).
    """
    language = language or a.language
    t = _t(language)
    parts: list[str] = []
    if a.notice:
        parts.append(f'<p class="faq-notice"><em>{html_text(a.notice)}</em></p>')
    if a.kind == "faq":
        parts.append(
            f'<p class="faq-source"><strong>{html_text(source_line(a, language))}</strong><br>'
            f"{html_text(confidence_text(a, language, hint=confidence_hint))}</p>"
        )
    note = faq_language_note(language, faq_language) if faq_language and _quotes_faq(a) else None
    note_html = f'<p class="faq-language-note"><em>{html_text(note)}</em></p>' if note else ""
    if a.kind == "faq":  # before the FAQ's words; otherwise before the FAQ questions offered
        parts.append(note_html)
        note_html = ""
    parts.append(f'<div class="faq-answer">{answer_html(a.answer)}</div>')
    if a.did_you_mean is not None:
        dym = a.did_you_mean
        label = f"<strong>{html_text(question_label(dym.number, dym.question))}</strong>"
        before, _, after = t.gettext(
            "Did you mean: {question} It is among the related questions below."
        ).partition("{question}")
        parts.append(f"<p>{html_text(before)}{label}{html_text(after)}</p>")
    if a.kind == "faq" and buttons and a.question_number is not None:
        parts.append(copy_link_html(a.question_number, interface_language or language))
    if a.contact is not None:
        parts.append(contact_html(a.contact, language))
    elif _wants_contact(a):
        parts.append(f'<p class="faq-no-contact">{html_text(t.gettext(NO_CONTACT))}</p>')
    heading, hits = _suggestions(a, language)
    if hits:
        parts.append(note_html)
        parts.append(f'<p class="faq-suggestions-heading">{html_text(heading)}</p>')
        if buttons:
            parts.append(
                f'<ul class="faq-suggestions">{"".join(f"<li>{pick_button(h)}</li>" for h in hits)}</ul>'
            )
        elif list_suggestions:
            items = "".join(f"<li>{html_text(question_label(h.number, h.question))}</li>" for h in hits)
            parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


# --- the page -----------------------------------------------------------------------------


GENERIC_DISCLAIMER = N_("They are general information and may be out of date.")


@dataclass(frozen=True)
class Interface:
    """The chat page's own words in one language (the FAQ's text is not among them)."""

    language: str
    ask: str  # the send button
    box_label: str
    box_placeholder: str
    new_conversation: str
    browse: str  # the heading of the list of every FAQ question
    chat_label: str
    unknown_entry: str  # a permalink naming no entry of this FAQ
    question_error: str  # a message with no words in it
    too_many: str  # this address sent more questions a minute than the server allows


def interface(language: str, count: int, title: str) -> Interface:
    """The page's words in ``language`` for a FAQ of ``count`` questions titled ``title``."""
    t = _t(language)
    return Interface(
        language=i18n.supported(language),
        ask=t.gettext("Ask"),
        box_label=t.gettext("Your question"),
        box_placeholder=t.gettext("Type your question here…"),
        new_conversation=t.gettext("New conversation"),
        browse=t.ngettext("The one question in this FAQ", "All {count} questions in this FAQ", count).format(
            count=count
        ),
        chat_label=t.gettext("Ask about: {title}").format(title=title),
        unknown_entry=t.gettext("That question number is not in this FAQ. Choose a question from the list."),
        question_error=t.gettext("Please type a question in words."),
        too_many=t.gettext(
            "You have sent many questions in a short time. Please wait a minute, then ask again."
        ),
    )


def empty_chat_html(examples: Iterable[Entry], count: int, language: str = "en") -> str:
    """What the empty chat shows: how to start, and example questions as buttons."""
    t = _t(language)
    intro = t.ngettext(
        "<strong>Ask a question about the FAQ in your own words</strong>, or choose an example below. "
        "The FAQ has {count} question.",
        "<strong>Ask a question about the FAQ in your own words</strong>, or choose an example below. "
        "The FAQ has {count} questions.",
        count,
    ).format(count=count)
    buttons = "".join(f"<li>{pick_button(e, 'faq-example')}</li>" for e in examples)
    return f'<div class="faq-empty"><p>{intro}</p><ul class="faq-examples">{buttons}</ul></div>'


def page_note(
    logging_unanswered: bool,
    disclaimer: str = "",
    *,
    language: str = "en",
    disclaimer_language: str = "en",
    feedback: bool = False,
) -> str:
    """The short visible note on where answers come from and what is kept (Markdown).

    ``disclaimer`` is the FAQ owner's own words on the answers' standing (its meta
    sidecar, in ``disclaimer_language``), quoted when the page is in another
    language; without one, a generic sentence. ``feedback``:
    the operator keeps readers' 👍 / 👎 votes (with the question when unanswered
    questions are kept too), and the note asks for them.
    """
    t = _t(language)
    note = [t.gettext("Answers are quoted word for word from the FAQ document.")]
    if not disclaimer:
        note.append(t.gettext(GENERIC_DISCLAIMER))
    elif i18n.supported(language) == i18n.primary(disclaimer_language):
        note.append(disclaimer)
    else:
        note.append(t.gettext("The document says: “{disclaimer}”").format(disclaimer=disclaimer))
    if logging_unanswered and feedback:
        note.append(
            t.gettext(
                "Questions the FAQ cannot answer, and the questions of answers you rate, are saved "
                "(the question, the time and the rating) to help improve it; other questions are not stored."
            )
        )
    elif logging_unanswered:
        note.append(
            t.gettext(
                "Questions the FAQ cannot answer are saved (the question and the time only) "
                "to help improve it; other questions are not stored."
            )
        )
    else:
        note.append(t.gettext("Questions you type here are not stored."))
    if feedback:
        if not logging_unanswered:
            note.append(
                t.gettext(
                    "If you rate an answer, the rating is saved with the number of the FAQ question "
                    "and the time (not your question)."
                )
            )
        note.append(t.gettext("Was an answer helpful? Rate it with 👍 or 👎 under it."))
    return md_text(" ".join(note))


def footer_html(contact: Contact | None, language: str = "en") -> str:
    """The page footer: how to reach a person, when the FAQ names a way ("" when it does not)."""
    return contact_html(contact, language) if contact is not None else ""


def example_questions(entries: list[Entry]) -> list[str]:
    """Example questions for an empty chat."""
    return [e.question for e in entries]
