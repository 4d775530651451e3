"""Accessibility in a real browser: axe-core, the keyboard alone, and what a screen reader hears.

* **axe-core** (WCAG 2.0 and 2.1, levels A and AA) finds no violation on the
  empty page, an answer, a decline and small talk, at desktop (1280x900) and
  phone (390x844) width. No rule is switched off.
* **Keyboard only**: Tab reaches the question box, Enter asks, the focus
  reaches a related question under the reply, Enter (and then Space) opens it,
  and Tab reaches the browse list; every focused element shows a focus ring.
* **Screen readers**: a polite live region receives each new reply's source
  line and first sentence; Gradio's own chat log is not live (so a reply is not
  read out twice in full).
"""

from __future__ import annotations

import pytest
from browser_helpers import BOT, DESKTOP, PHONE, Visit, axe_violations

pytestmark = pytest.mark.browser

RETENTION = "How long does New Mexico keep the data it shares with ICE?"
STATES = {
    "empty": None,
    "answer": RETENTION,
    "decline": "What's the weather in Albuquerque tomorrow?",
    "smalltalk": "hello",
}
MAX_TABS = 80  # bounds a search for the focus; the page has fewer stops than this

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const cs = getComputedStyle(e);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
  const shadow = cs.boxShadow !== 'none' && cs.boxShadow !== '';
  return { tag: e.tagName, cls: String(e.className), text: (e.innerText || e.value || '').slice(0, 60),
           ring: outline || shadow };
}"""


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_no_wcag_a_or_aa_violations(chromium, ui_server, state, width):
    visit = Visit(chromium, ui_server.url, DESKTOP if width == "desktop" else PHONE, phone=width == "phone")
    try:
        if STATES[state]:
            visit.ask(STATES[state])
        assert axe_violations(visit.page) == []
        assert visit.external == []
    finally:
        visit.close()


class Keyboard:
    """Moves the focus with Tab / Shift+Tab only, checking the focus ring at every stop."""

    def __init__(self, visit: Visit):
        self.visit = visit
        self.page = visit.page
        self.without_ring: list[dict] = []

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def tab_until(self, selector: str, backwards: bool = False) -> None:
        """Press Tab (or Shift+Tab) until the focused element matches ``selector`` (bounded)."""
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            now = self.focused()
            if now is not None and not now["ring"]:
                self.without_ring.append(now)
            if self.page.evaluate(
                "s => !!document.activeElement && document.activeElement.matches(s)", selector
            ):
                return
        raise AssertionError(f"{MAX_TABS} presses of Tab did not reach {selector}")

    def focused_value(self) -> str:
        return self.page.evaluate("document.activeElement.value")


def test_the_whole_chat_works_from_the_keyboard(chromium, ui_server):
    visit = Visit(chromium, ui_server.url, DESKTOP)
    keys = Keyboard(visit)
    page = visit.page
    try:
        page.evaluate("document.activeElement && document.activeElement.blur()")
        keys.tab_until("#faq-input textarea")
        page.keyboard.type(RETENTION)
        before = visit.bot_replies()
        page.keyboard.press("Enter")
        visit.wait_for_reply(before)
        assert "Source: Question 9" in visit.last_reply()

        # back from the box into the reply, to a related question; Enter opens it
        keys.tab_until(f"{BOT} button.faq-related", backwards=True)
        number = keys.focused_value()
        before = visit.bot_replies()
        page.keyboard.press("Enter")
        visit.wait_for_reply(before)
        assert f"Source: Question {number}" in visit.last_reply()

        # the focus moved to the new reply: Tab goes on into its related questions; Space opens one
        assert page.evaluate("document.activeElement.matches('[data-testid=\"bot\"]')")
        keys.tab_until(f"{BOT} button.faq-related")
        number = keys.focused_value()
        before = visit.bot_replies()
        page.keyboard.press("Space")
        visit.wait_for_reply(before)
        assert f"Source: Question {number}" in visit.last_reply()

        # on to the list of every question, and open one
        keys.tab_until("#faq-browse button.faq-question-button")
        label = page.evaluate("document.activeElement.innerText")
        before = visit.bot_replies()
        page.keyboard.press("Enter")
        visit.wait_for_reply(before)
        assert f"Source: Question {label.split('.', 1)[0]}" in visit.last_reply()

        assert keys.without_ring == [], "focused without a visible focus ring"
    finally:
        visit.close()


def test_a_new_answer_is_announced_politely(chromium, ui_server):
    visit = Visit(chromium, ui_server.url, DESKTOP)
    page = visit.page
    try:
        live = page.locator("#faq-live")
        assert live.get_attribute("aria-live") == "polite"
        assert page.locator("#faq-chat [role=log]").get_attribute("aria-live") == "off"
        visit.ask(RETENTION)
        page.wait_for_function("document.querySelector('#faq-live').textContent.length > 0")
        said = live.text_content()
        assert said.startswith('Source: Question 9 — "How long does New Mexico retain')
        assert said.endswith("for a period of 24 months.")  # the answer's first sentence, and only that
        assert "This means" not in said

        visit.ask("What's the weather in Albuquerque tomorrow?")
        page.wait_for_function("!document.querySelector('#faq-live').textContent.startsWith('Source')")
        assert live.text_content().startswith("I'm sorry — the FAQ does not seem to cover this question")
    finally:
        visit.close()
