"""The page in the reader's language, in a real browser.

A browser that prefers Spanish (``Accept-Language: es-MX``) gets the page's own
words in Spanish and ``<html lang="es">``; the English / Español switch changes
them back and forth and keeps the conversation. An entry opened from a link is
framed in the page's language (the FAQ's text stays in English, with a note
saying so). With ``FAQBOT_UPDATE_SCREENSHOTS=1`` the Spanish desktop and phone
screenshots are written to docs/screenshot-chat-es.png and
docs/screenshot-phone-es.png.
"""

from __future__ import annotations

import pytest
from browser_helpers import BOT, DESKTOP, PHONE, Visit

pytestmark = pytest.mark.browser

RETENTION = "How long does New Mexico keep the data it shares with ICE?"


def _interface(page) -> dict:
    return {
        "lang": page.evaluate("document.documentElement.lang"),
        "ask": page.locator("#faq-send").inner_text().strip(),
        "clear": page.locator("#faq-clear").inner_text().strip(),
        "placeholder": page.locator("#faq-input textarea").get_attribute("placeholder"),
        "browse": page.locator("#faq-browse").inner_text().split("\n", 1)[0].strip(),
        "note": page.locator("#faq-note").inner_text(),
        "footer": page.locator("#faq-footer").inner_text(),
    }


SPANISH = {
    "lang": "es",
    "ask": "Preguntar",
    "clear": "Nueva conversación",
    "placeholder": "Escriba su pregunta aquí…",
    "browse": "Todas las preguntas frecuentes (20)",
}
ENGLISH = {
    "lang": "en",
    "ask": "Ask",
    "clear": "New conversation",
    "placeholder": "Type your question here…",
    "browse": "All 20 questions in this FAQ",
}


def test_a_spanish_browser_gets_a_spanish_page_and_can_switch(chromium, ui_server, tmp_path):
    visit = Visit(chromium, ui_server.url, DESKTOP, locale="es-MX")
    page = visit.page
    try:
        shown = _interface(page)
        assert {k: shown[k] for k in SPANISH} == SPANISH
        assert "Las preguntas que escriba aquí no se guardan." in shown["note"]
        assert "Para hablar con una persona:" in shown["footer"]
        assert "Haga una pregunta con sus propias palabras" in page.locator("#faq-chat").inner_text()
        assert page.locator("#faq-lang button[value=es]").get_attribute("aria-pressed") == "true"
        assert page.locator("#faq-lang button[value=en]").get_attribute("aria-pressed") == "false"

        example = page.locator("#faq-chat button.faq-example").first
        number = example.get_attribute("value")
        visit.click_and_wait(example)  # a picked entry: framed in the page's language
        reply = visit.last_reply()
        assert f"Fuente: pregunta {number}" in reply and "Confianza: alta" in reply
        assert "Las preguntas frecuentes están en inglés" in reply
        assert "Copiar enlace" in reply and "Preguntas relacionadas:" in reply
        visit.ask(RETENTION)  # a typed question: framed in its own language (English here)
        assert "Source: Question 9" in visit.last_reply()

        page.locator("#faq-lang").get_by_text("English").click()
        page.wait_for_function("document.documentElement.lang === 'en'")
        page.wait_for_function("document.querySelector('#faq-send').innerText.trim() === 'Ask'")
        shown = _interface(page)
        assert {k: shown[k] for k in ENGLISH} == ENGLISH
        assert "Questions you type here are not stored." in shown["note"]
        replies = page.locator(BOT).all_inner_texts()
        assert len(replies) == 2  # the conversation is kept
        assert f"Source: Question {number}" in replies[0] and "Copy link" in replies[0]
        assert "Source: Question 9" in replies[1]

        page.locator("#faq-lang").get_by_text("Español").click()
        page.wait_for_function("document.documentElement.lang === 'es'")
        page.wait_for_function("document.querySelector('#faq-send').innerText.trim() === 'Preguntar'")
        assert len(page.locator(BOT).all_inner_texts()) == 2
        assert visit.external == []
    finally:
        visit.close()


def test_an_english_browser_gets_english(chromium, ui_server):
    visit = Visit(chromium, ui_server.url, DESKTOP, locale="en-US")
    try:
        shown = _interface(visit.page)
        assert {k: shown[k] for k in ENGLISH} == ENGLISH
    finally:
        visit.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_spanish_screenshots(chromium, ui_server, tmp_path, width):
    phone = width == "phone"
    visit = Visit(
        chromium, ui_server.url, PHONE if phone else DESKTOP, phone=phone, locale="es-MX", path="?entry=9"
    )
    try:
        visit.page.wait_for_selector(BOT)
        visit.settle()
        assert "Fuente: pregunta 9" in visit.last_reply()
        if phone:
            assert visit.overflowing() == []
        name = "screenshot-phone-es.png" if phone else "screenshot-chat-es.png"
        visit.screenshot(tmp_path / name, name)
    finally:
        visit.close()
