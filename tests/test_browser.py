"""The web chat in a real browser (Debian's chromium, driven by Python playwright).

Each test opens the page of a running ``faqbot serve`` (the ``ui_server``
fixture) through ``browser_helpers.Visit``, which blocks and records any
request that leaves the server (the page must work offline) and listens for
JavaScript dialogs (an injected ``alert`` must never run). Screenshots go to
the test's tmp dir; with ``FAQBOT_UPDATE_SCREENSHOTS=1`` the desktop and phone
ones are also written to docs/screenshot-chat.png and docs/screenshot-phone.png.
"""

from __future__ import annotations

import pytest
from browser_helpers import BOT, DESKTOP, PHONE, Visit

RETENTION = "How long does New Mexico keep the data it shares with ICE?"
INJECTION = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.browser


@pytest.fixture
def desktop(chromium, ui_server):
    v = Visit(chromium, ui_server.url, DESKTOP)
    yield v
    v.close()


@pytest.fixture
def phone(chromium, ui_server):
    v = Visit(chromium, ui_server.url, PHONE, phone=True)
    yield v
    v.close()


def test_ask_then_follow_a_related_question(desktop, tmp_path):
    page = desktop.page
    assert "New Mexico" in page.title()
    assert page.get_by_text("not legal advice").is_visible()
    assert page.get_by_text("Questions you type here are not stored").is_visible()

    desktop.ask(RETENTION)
    reply = desktop.last_reply()
    assert "24 months" in reply
    assert "Question 9" in reply
    assert "Confidence: high" in reply
    assert page.get_by_text("Source: Question 9").first.is_visible()
    desktop.screenshot(tmp_path / "chat.png", "screenshot-chat.png")

    option = page.locator(BOT).last.locator("button.faq-related").first
    label = option.inner_text().strip()
    number = int(label.split(".", 1)[0])
    assert option.get_attribute("value") == str(number)
    desktop.click_and_wait(option)
    assert f"Source: Question {number}" in desktop.last_reply()
    assert desktop.external == []


def test_related_questions_of_older_replies_stay_clickable(desktop):
    desktop.ask(RETENTION)
    desktop.ask("Is sharing my benefits data with ICE mandatory?")
    first = desktop.page.locator(BOT).first.locator("button.faq-related")
    assert first.count() >= 1
    number = int(first.first.get_attribute("value"))
    desktop.click_and_wait(first.first)
    assert f"Source: Question {number}" in desktop.last_reply()
    assert desktop.bot_replies() == 3


def test_typed_html_is_shown_as_text_and_runs_nothing(desktop, tmp_path):
    page = desktop.page
    desktop.ask(INJECTION)
    shown = page.locator('#faq-chat [data-testid="user"]').last
    assert shown.inner_text().strip() == INJECTION
    assert page.locator('#faq-chat img[src="x"]').count() == 0
    page.wait_for_timeout(500)  # a broken image's onerror would have fired by now
    assert desktop.dialogs == []
    desktop.screenshot(tmp_path / "injection.png")


def test_browse_all_questions_and_examples(desktop):
    page = desktop.page
    example = page.locator("#faq-chat button.faq-example").first
    number = int(example.get_attribute("value"))
    desktop.click_and_wait(example)
    assert f"Source: Question {number}" in desktop.last_reply()

    browse = page.locator("#faq-browse")
    assert browse.locator("button.faq-question-button").count() == 20
    desktop.click_and_wait(browse.get_by_role("button", name="20. "))
    assert "Source: Question 20" in desktop.last_reply()


def test_declined_question_offers_clickable_closest_questions_and_the_contact(desktop):
    desktop.ask("What's the weather in Albuquerque tomorrow?")
    reply = desktop.last_reply()
    assert "does not seem to cover" in reply
    assert "Talk to a person:" in reply and "New Mexico Immigrant Law Center" in reply  # the corpus contact
    options = desktop.page.locator(BOT).last.locator("button.faq-related")
    assert options.count() >= 1
    number = int(options.first.inner_text().split(".", 1)[0])
    desktop.click_and_wait(options.first)
    assert f"Source: Question {number}" in desktop.last_reply()


def test_the_footer_names_the_corpus_contact(desktop):
    footer = desktop.page.locator("#faq-footer")
    assert "Talk to a person:" in footer.inner_text()
    assert "New Mexico Human Services Department" in footer.inner_text()


def test_phone_width_has_no_horizontal_overflow(phone, tmp_path):
    assert phone.overflowing() == []
    phone.ask(RETENTION)
    assert "Question 9" in phone.last_reply()
    assert phone.overflowing() == []
    send = phone.page.locator("#faq-send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= 390
    phone.screenshot(tmp_path / "phone.png", "screenshot-phone.png")
    assert phone.external == []
