"""The web chat in a real browser (Debian's chromium, driven by Python playwright).

Each test opens the page of a running ``faqbot serve`` (the ``ui_server``
fixture), blocks and records any request that leaves the server (the page
must work offline), and listens for JavaScript dialogs (an injected
``alert`` must never run). Screenshots go to the test's tmp dir; with
``FAQBOT_UPDATE_SCREENSHOTS=1`` the desktop and phone ones are also written to
docs/screenshot-chat.png and docs/screenshot-phone.png.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
TIMEOUT_MS = 60_000  # one answer takes well under a second; this only bounds a hang

RETENTION = "How long does New Mexico keep the data it shares with ICE?"
INJECTION = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.browser


class Visit:
    """One page of the chat, with what it tried to fetch elsewhere and the dialogs it opened."""

    def __init__(self, browser, url: str, viewport: dict, phone: bool = False):
        self.base = url.rstrip("/")
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(
            viewport=viewport,
            device_scale_factor=2 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.goto(url)
        self.page.wait_for_selector("#faq-input textarea")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def bot_replies(self) -> int:
        return self.page.locator('#faq-chat [data-testid="bot"]').count()

    def ask(self, text: str) -> None:
        """Type a question, press Enter, and wait for the bot's reply to it."""
        before = self.bot_replies()
        self.page.fill("#faq-input textarea", text)
        self.page.keyboard.press("Enter")
        self.wait_for_reply(before)

    def wait_for_reply(self, before: int) -> None:
        self.page.wait_for_function(
            "n => document.querySelectorAll('#faq-chat [data-testid=\"bot\"]').length > n", arg=before
        )
        self.page.wait_for_timeout(300)  # let the reply finish rendering before screenshots

    def last_reply(self) -> str:
        return self.page.locator('#faq-chat [data-testid="bot"]').last.inner_text()

    def overflowing(self) -> list[str]:
        """Visible elements sticking out past the right edge of the viewport."""
        return self.page.evaluate(
            """() => Array.from(document.querySelectorAll('body *'))
                 .filter(e => { const r = e.getBoundingClientRect();
                                return r.width > 0 && r.height > 0 && r.right > window.innerWidth + 1; })
                 .map(e => e.tagName + '.' + e.className)"""
        ) + (
            ["document"]
            if self.page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
            else []
        )

    def screenshot(self, path: Path, docs_name: str | None = None) -> None:
        self.page.screenshot(path=str(path))
        if docs_name and os.environ.get("FAQBOT_UPDATE_SCREENSHOTS") == "1":
            shutil.copyfile(path, DOCS / docs_name)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desktop(chromium, ui_server):
    v = Visit(chromium, ui_server.url, {"width": 1280, "height": 900})
    yield v
    v.close()


@pytest.fixture
def phone(chromium, ui_server):
    v = Visit(chromium, ui_server.url, {"width": 390, "height": 844}, phone=True)
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

    option = page.locator("#faq-chat button.option").first
    label = option.inner_text().strip()
    number = int(label.split(".", 1)[0])
    before = desktop.bot_replies()
    option.click()
    desktop.wait_for_reply(before)
    assert f"Source: Question {number}" in desktop.last_reply()
    assert desktop.external == []


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
    example = page.locator("#faq-chat button.example").first
    before = desktop.bot_replies()
    example.click()
    desktop.wait_for_reply(before)
    assert "Source: Question" in desktop.last_reply()

    browse = page.locator("#faq-browse")
    assert browse.locator("button.faq-question-button").count() == 20
    before = desktop.bot_replies()
    browse.get_by_role("button", name="20. ").click()
    desktop.wait_for_reply(before)
    assert "Source: Question 20" in desktop.last_reply()


def test_declined_question_offers_clickable_closest_questions(desktop):
    desktop.ask("What's the weather in Albuquerque tomorrow?")
    assert "does not seem to cover" in desktop.last_reply()
    options = desktop.page.locator("#faq-chat button.option")
    assert options.count() >= 1
    number = int(options.first.inner_text().split(".", 1)[0])
    before = desktop.bot_replies()
    options.first.click()
    desktop.wait_for_reply(before)
    assert f"Source: Question {number}" in desktop.last_reply()


def test_phone_width_has_no_horizontal_overflow(phone, tmp_path):
    assert phone.overflowing() == []
    phone.ask(RETENTION)
    assert "Question 9" in phone.last_reply()
    assert phone.overflowing() == []
    send = phone.page.locator("#faq-send").bounding_box()
    assert send is not None and send["x"] + send["width"] <= 390
    phone.screenshot(tmp_path / "phone.png", "screenshot-phone.png")
    assert phone.external == []
