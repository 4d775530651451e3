"""Permalinks in a real browser: "Copy link" under an answer, and links with good and hostile numbers.

* "Copy link" puts ``<origin>/?entry=N`` on the clipboard and says so; where
  the clipboard refuses, the link is shown in a field, selected, to copy by hand.
  The copied link opens the chat on that entry.
* ``?entry=`` with a number this FAQ does not have, or with anything that is not
  a number, shows the list of questions and one fixed note; nothing from the
  link appears on the page and nothing runs (phone width).
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import BOT, DESKTOP, PHONE, Visit

pytestmark = pytest.mark.browser

NOTE = "That question number is not in this FAQ. Choose a question from the list."
HOSTILE = {
    "too-big": "999",
    "script": "%3Cscript%3Ealert(1)%3C/script%3E",
    "negative": "-1",
    "img": "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E",
    "empty": "",
    "digits-elsewhere": "%D9%A3",  # an Arabic-Indic three
}
REJECTING_CLIPBOARD = """
Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
  writeText: () => Promise.reject(new Error('denied')) } });
"""


def test_copy_link_copies_a_link_that_opens_that_entry(chromium, ui_server):
    visit = Visit(chromium, ui_server.url, DESKTOP, clipboard=True)
    try:
        visit.click_and_wait(
            visit.page.locator("#faq-browse").get_by_role("button", name=re.compile(r"^9\. "))
        )
        reply = visit.page.locator(BOT).last
        reply.locator("button.faq-copy").click()
        visit.page.wait_for_function("document.querySelector('.faq-copy-status').textContent.length > 0")
        assert reply.locator(".faq-copy-status").inner_text() == "Link copied."
        link = visit.page.evaluate("navigator.clipboard.readText()")
        assert link == ui_server.url.rstrip("/") + "/?entry=9"

        visit.open(link.removeprefix(ui_server.url.rstrip("/")))
        visit.page.wait_for_selector(BOT)
        assert "Source: Question 9" in visit.last_reply()
        assert visit.page.locator("#faq-entry-note .faq-entry-note").count() == 0
    finally:
        visit.close()


def test_copy_link_shows_the_link_when_the_clipboard_refuses(chromium, ui_server):
    visit = Visit(chromium, ui_server.url, PHONE, phone=True, locale="es-MX", init_script=REJECTING_CLIPBOARD)
    try:
        visit.click_and_wait(visit.page.locator("#faq-chat button.faq-example").first)
        reply = visit.page.locator(BOT).last
        number = reply.locator("button.faq-copy").get_attribute("value")
        reply.locator("button.faq-copy").click()
        field = reply.locator("input.faq-copy-url")
        field.wait_for()
        assert field.input_value() == f"{ui_server.url.rstrip('/')}/?entry={number}"
        assert field.get_attribute("aria-label") == "Copie este enlace:"
        assert visit.page.evaluate("document.activeElement.classList.contains('faq-copy-url')")
        assert "Copie este enlace:" in reply.locator(".faq-copy-status").inner_text()
        assert visit.overflowing() == []
    finally:
        visit.close()


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_bad_entry_number_shows_the_list_and_a_fixed_note(chromium, ui_server, name):
    value = HOSTILE[name]
    visit = Visit(chromium, ui_server.url, PHONE, phone=True, path=f"?entry={value}")
    page = visit.page
    try:
        note = page.locator("#faq-entry-note .faq-entry-note")
        note.wait_for()
        assert note.inner_text() == NOTE
        assert note.get_attribute("role") == "status"
        assert visit.bot_replies() == 0
        browse = page.locator("#faq-browse")
        browse.locator("button.faq-question-button").first.wait_for()
        page.wait_for_function(
            "() => { const r = document.querySelector('#faq-browse').getBoundingClientRect();"
            " return r.top < window.innerHeight && r.bottom > 0; }"
        )
        body = page.content()
        for piece in ("alert(1)", "alert(2)", "onerror", "<script>alert", "٣"):
            assert piece not in body, piece
        page.wait_for_timeout(300)  # an injected script or image handler would have run by now
        assert visit.dialogs == [] and visit.external == []
        assert visit.overflowing() == []
        visit.click_and_wait(browse.get_by_role("button", name=re.compile(r"^4\. ")))
        assert "Source: Question 4" in visit.last_reply()
    finally:
        visit.close()


def test_a_good_entry_number_opens_that_entry_on_a_phone(chromium, ui_server):
    visit = Visit(chromium, ui_server.url, PHONE, phone=True, path="?entry=20")
    try:
        visit.page.wait_for_selector(BOT)
        assert "Source: Question 20" in visit.last_reply()
        assert visit.page.locator("#faq-entry-note .faq-entry-note").count() == 0
        assert visit.overflowing() == []
    finally:
        visit.close()
