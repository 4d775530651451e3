"""Thumbs up / down in a real browser, only when the operator opted in.

``faqbot serve --log-feedback FILE`` shows 👍 / 👎 under each reply and says in
the page note what a vote keeps; a vote on an answer appends one line (time,
entry, kind, vote, confidence; no question without ``--log-unanswered``) to
FILE. The default server (no opt-in) shows no vote buttons, has no vote
handler, and writes no file.
"""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from browser_helpers import BOT, DESKTOP, Visit

pytestmark = pytest.mark.browser

RETENTION = "How long does New Mexico keep the data it shares with ICE?"
WEATHER = "what's the weather in albuquerque tomorrow"
LOG_WAIT_S = 60  # bounds waiting for the vote's line (not a timing assertion)


@pytest.fixture(scope="module")
def feedback_server(tmp_path_factory):
    """A second `faqbot serve`, opted in to the feedback log only."""
    import types

    from web_helpers import running_server

    folder = tmp_path_factory.mktemp("feedback_server")
    log = folder / "feedback.jsonl"
    with running_server("--log-feedback", str(log), log=folder / "server.log") as (_proc, url):
        yield types.SimpleNamespace(url=url, log=log, folder=folder)


def _lines(path) -> list[dict]:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_a_vote_is_written_to_the_feedback_log(chromium, feedback_server):
    visit = Visit(chromium, feedback_server.url, DESKTOP)
    page = visit.page
    try:
        note = page.locator("#faq-note").inner_text()
        assert (
            "the rating is saved with the number of the FAQ question and the time (not your question)" in note
        )
        assert "Rate it with 👍 or 👎" in note
        assert _lines(feedback_server.log) == []  # opened, nothing written yet

        visit.ask(RETENTION)
        assert page.locator(BOT).count() == 1
        page.locator('#faq-chat button[aria-label="Like"]').last.click()  # the one reply's 👍
        deadline = time.monotonic() + LOG_WAIT_S
        while not _lines(feedback_server.log) and time.monotonic() < deadline:
            time.sleep(0.2)
        rows = _lines(feedback_server.log)
        assert len(rows) == 1, rows
        assert rows[0]["entry"] == 9 and rows[0]["vote"] == "up" and rows[0]["kind"] == "faq"
        assert set(rows[0]) == {"time", "entry", "kind", "vote", "confidence"}  # no question without opt-in
        assert RETENTION not in feedback_server.log.read_text(encoding="utf-8")

        # One vote per reply: a 👎 on the same reply adds nothing; a vote on the next reply does.
        page.locator('#faq-chat button[aria-label="Dislike"]').last.click()
        visit.ask(WEATHER)
        assert page.locator(BOT).count() == 2
        page.locator('#faq-chat button[aria-label="Dislike"]').last.click()
        deadline = time.monotonic() + LOG_WAIT_S
        while len(_lines(feedback_server.log)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)  # room for a stray third line to show up (none may)
        rows = _lines(feedback_server.log)
        assert [(r["entry"], r["kind"], r["vote"]) for r in rows] == [
            (9, "faq", "up"),
            (None, "declined", "down"),
        ]
        assert visit.external == []
    finally:
        visit.close()


def test_without_opt_in_there_are_no_vote_buttons_and_nothing_is_written(chromium, ui_server, tmp_path):
    visit = Visit(chromium, ui_server.url, DESKTOP)
    try:
        visit.ask(RETENTION)
        assert (
            visit.page.locator(
                '#faq-chat button[aria-label="Like"], #faq-chat button[aria-label="Dislike"]'
            ).count()
            == 0
        )
        assert "👍" not in visit.page.locator("#faq-note").inner_text()
    finally:
        visit.close()
    with urllib.request.urlopen(ui_server.url.rstrip("/") + "/config", timeout=30) as r:
        config = json.load(r)
    assert not any(t[1] == "like" for d in config["dependencies"] for t in d.get("targets") or [])
    server_log = ui_server.log.read_text(errors="replace")
    assert "feedback" not in server_log.lower()
