"""FAQ text is shown exactly, its links work with the exact URL; what a user typed is never markup.

The reported breakage: ``Contact HSD (https://www.hsd.state.nm.us)`` showed as
``...nm.us\\)`` and linked to ``...nm.us%5C``, and ``help_desk_info`` as
``help\\_desk\\_info``; a typed URL became a link in the user's own bubble.
"""

from __future__ import annotations

import html
import re

import pytest

from faqbot import render
from faqbot.models import Answer

FAQ_TEXT = (
    "Contact HSD (https://www.hsd.state.nm.us) or write to help_desk_info@example.org.\n"
    "See https://example.org/a_(b)/c?x=1&y=2, then www.example.org/forms.\n"
    "1. Use *form 5* [online].\n"
    "2. Not javascript:alert(1) or data:text/html,x."
)


def _links(markup: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]*)"', markup)]


def test_faq_links_keep_their_exact_url_and_the_text_its_characters():
    shown = render.answer_html(FAQ_TEXT)
    assert _links(shown) == [
        "https://www.hsd.state.nm.us",
        "https://example.org/a_(b)/c?x=1&y=2",
        "https://www.example.org/forms",
    ]
    text = html.unescape(re.sub(r"<[^>]+>", "", shown))
    assert "Contact HSD (https://www.hsd.state.nm.us) or write to help_desk_info@example.org." in text
    assert "*form 5* [online]" in text and "\\" not in text
    assert "<ol>" in shown and "javascript:" not in "".join(_links(shown))


def test_links_open_safely():
    shown = render.answer_html("see https://example.org")
    assert 'rel="noopener noreferrer nofollow"' in shown and 'target="_blank"' in shown


@pytest.mark.parametrize(
    "typed",
    [
        "see https://evil.example/x and www.evil.example",
        "![x](http://evil.example/i.png)",
        "[click](https://evil.example)",
        "<a href='https://evil.example'>hi</a> <img src=x onerror=alert(1)>",
    ],
)
def test_user_text_is_plain_text(typed):
    shown = render.user_html(typed)
    assert "<a" not in shown and "<img" not in shown
    assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == typed


def test_markdown_for_notebooks_keeps_links_and_characters():
    a = Answer(answer=FAQ_TEXT, kind="faq", score=0.9, question_number=3, question="Who do I call?")
    md = render.markdown(a)
    assert "(<https://www.hsd.state.nm.us>)" in md
    assert "help&#95;desk&#95;info" in md and "\\_" not in md
