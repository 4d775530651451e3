"""A conversation in a real browser: the web chat passes its history to the bot.

Three turns — a question, then two follow-ups that only make sense after it — and
each reply must cite the right FAQ question; a fourth turn asking for the same
entry again must say it is the same answer as before. Uses the ``ui_server``
fixture (tests/conftest.py) and Debian's chromium driven by Python playwright.
"""

from __future__ import annotations

import re

import pytest

TIMEOUT_MS = 60_000  # bounds a hang only
BOT = '#faq-chat [data-testid="bot"]'

pytestmark = pytest.mark.browser

CONVERSATION = [
    ("What info does New Mexico share with ICE?", 1),
    ("how long do they keep it?", 9),
    ("and can I get it corrected?", 10),
]


def _source_numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"Source: Question (\d+)", text)]


def test_three_turn_conversation_with_followups(chromium, ui_server, tmp_path):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        base = ui_server.url.rstrip("/")
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:")) else r.abort(),
        )
        page.goto(ui_server.url)
        page.wait_for_selector("#faq-input textarea")

        def ask(text: str) -> str:
            before = page.locator(BOT).count()
            page.fill("#faq-input textarea", text)
            page.keyboard.press("Enter")
            page.wait_for_function(
                "([sel, n]) => document.querySelectorAll(sel).length > n", arg=[BOT, before]
            )
            page.wait_for_timeout(300)
            return page.locator(BOT).last.inner_text()

        for question, number in CONVERSATION:
            reply = ask(question)
            assert _source_numbers(reply) == [number], (question, reply[:300])
            assert "same answer as before" not in reply

        again = ask("can I correct it?")  # the same entry as the last answer
        assert _source_numbers(again) == [10], again[:300]
        assert "same answer as before" in again
        page.screenshot(path=str(tmp_path / "conversation.png"), full_page=True)
    finally:
        context.close()
