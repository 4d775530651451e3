"""What the real-browser tests share: one visit of the chat page, and an axe-core run.

``Visit`` opens the page of a running ``faqbot serve`` in Debian's chromium
(driven by Python playwright) at a given size and language, blocks and records
every request that leaves the server (the page must work offline), records
JavaScript dialogs (an injected ``alert`` must never run), and waits until the
page's load event has finished (the page marks ``<html data-faq-ready>``).

``axe_violations`` runs axe-core (bundled by the PyPI package
``axe-playwright-python``) on the page for WCAG 2.0 / 2.1 levels A and AA.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"
TIMEOUT_MS = 60_000  # one answer takes well under a second; this only bounds a hang
BOT = '#faq-chat [data-testid="bot"]'
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Visit:
    """One page of the chat, with what it tried to fetch elsewhere and the dialogs it opened."""

    def __init__(
        self,
        browser,
        url: str,
        viewport: dict,
        phone: bool = False,
        locale: str = "en-US",
        path: str = "",
        clipboard: bool = False,
        init_script: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.base = url.rstrip("/")
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(
            viewport=viewport,
            device_scale_factor=2 if phone else 1,
            is_mobile=phone,
            has_touch=phone,
            locale=locale,  # also the Accept-Language header
            extra_http_headers=headers,  # e.g. X-Forwarded-For, to look like a remote reader
        )
        if clipboard:
            self.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=self.base)
        if init_script:
            self.context.add_init_script(init_script)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.open(path)

    def open(self, path: str = "") -> None:
        """Load the page (``path`` such as ``?entry=9``) and wait until its load event is done."""
        self.page.goto(self.base + "/" + path.lstrip("/"))
        self.page.wait_for_selector("#faq-input textarea")
        self.page.wait_for_function("document.documentElement.dataset.faqReady === '1'")

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
        return self.page.locator(BOT).count()

    def ask(self, text: str) -> None:
        """Type a question, press Enter, and wait for the bot's reply to it."""
        before = self.bot_replies()
        self.page.fill("#faq-input textarea", text)
        self.page.keyboard.press("Enter")
        self.wait_for_reply(before)

    def wait_for_reply(self, before: int) -> None:
        """Wait until there are more replies than ``before`` (or, once the chat is full, a new one)."""
        self.page.wait_for_function(
            "n => document.querySelectorAll('#faq-chat [data-testid=\"bot\"]').length > n", arg=before
        )
        self.settle()

    def settle(self) -> None:
        self.page.wait_for_timeout(300)  # let the reply finish rendering (not a timing assertion)

    def last_reply(self) -> str:
        return self.page.locator(BOT).last.inner_text()

    def click_and_wait(self, locator) -> None:
        before = self.bot_replies()
        locator.click()
        self.wait_for_reply(before)

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


def axe_violations(page, tags: list[str] = WCAG_AA) -> list[dict]:
    """axe-core's violations on the page for ``tags``: [{id, impact, help, targets}], empty when clean."""
    from axe_playwright_python.sync_playwright import Axe

    try:  # let transitions end (bounded: a looping animation would never end)
        page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')", timeout=5000)
    except Exception:  # noqa: BLE001 - playwright's TimeoutError: run axe on the page as it is
        pass
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]],
        }
        for v in results.response["violations"]
    ]
