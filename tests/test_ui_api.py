"""The web chat without a browser: its handlers in-process, and the Gradio API of a running server.

The in-process tests call the chat's handlers on the shared bot (no server);
the ``server`` tests talk to a real ``faqbot serve`` through ``gradio_client``.
The chat's state is server-side data (the turns and their Answers): every
message it shows is rebuilt from that state by ``render.html``.
"""

from __future__ import annotations

import json

import pytest

RETENTION = "How long does New Mexico keep the data it shares with ICE?"
WEATHER = "What's the weather in Albuquerque tomorrow?"
INJECTION = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def chat(bot):
    from faqbot.server.chat import ChatApp

    return ChatApp(bot)


def _text(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else content[0]["text"]


def _select(value):
    import gradio as gr

    return gr.SelectData(None, {"index": 0, "value": value})


# --- how a reply looks ---------------------------------------------------------------


def test_reply_shows_answer_source_confidence_and_related(chat):
    messages, turns, box = chat.respond(RETENTION, [])
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    reply = _text(messages[1])
    assert "24 months" in reply
    assert "Source: Question 9 — &quot;How long does New Mexico retain" in reply
    assert "Confidence: high" in reply
    options = messages[1]["options"]
    assert 1 <= len(options) <= 3
    assert all(o["label"].split(".")[0].isdigit() for o in options)
    assert turns[0]["asked"] == RETENTION
    assert turns[0]["answer"]["question_number"] == 9  # what the follow-up logic reads, as data


def test_answer_lists_stay_lists(bot):
    from faqbot import render

    a = bot.ask(bot.entry(3).question)
    assert a.question_number == 3
    shown = render.html(a)
    assert "<ol><li>Data Protection Policies: " in shown
    assert "<li>Regular Audits and Monitoring: " in shown


def test_confidence_is_words_not_a_number(bot):
    import re

    from faqbot import render

    shown = render.html(bot.ask(RETENTION))
    line = re.search(r"Confidence: ([^<]*)", shown).group(1)
    assert line.split()[0] in {"high", "medium", "low"}
    assert not any(ch.isdigit() for ch in line)


def test_decline_says_so_and_offers_closest_questions_once(chat):
    messages, _, _ = chat.respond(WEATHER, [])
    reply = messages[1]
    text = _text(reply)
    assert "does not seem to cover" in text
    assert len(reply["options"]) == 3
    for option in reply["options"]:
        # offered as buttons, not repeated as a text list in the same reply
        assert option["label"].split(". ", 1)[1] not in text


def test_user_text_is_shown_literally_never_as_html(chat):
    messages, _, _ = chat.respond(INJECTION, [])
    shown = _text(messages[0])
    assert "<img" not in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown


def test_a_megabyte_paste_is_echoed_and_remembered_cut(chat):
    messages, turns, _ = chat.respond("How long does New Mexico keep my data? " * 27_000, [])
    shown = _text(messages[0])
    assert "How long does New Mexico" in shown and shown.endswith(" …</p>")
    assert len(shown) < 1100
    assert len(turns[0]["asked"]) <= 1002  # the session keeps what the bot read
    assert len(turns[0]["answer"]["query"]) <= 1000
    assert turns[0]["answer"]["question_number"] == 9


def test_earlier_replies_keep_related_questions_as_text(chat):
    messages, turns, _ = chat.respond(RETENTION, [])
    offered = [o["label"] for o in messages[1]["options"]]
    messages, turns, _ = chat.respond(chat.bot.entry(2).question, turns)
    first = messages[1]
    assert "options" not in first
    for label in offered:
        assert f"<li>{label}</li>" in _text(first)
    assert messages[3]["options"], "the newest reply keeps its buttons"
    assert len(turns) == 2


def test_empty_and_wordless_input(chat):
    assert chat.respond("   ", []) == ([], [], "")
    messages, turns, _ = chat.respond("???!!", [])
    assert "error" in turns[-1]
    assert "Please type a question" in _text(messages[-1])


def test_related_question_option_shows_that_entry(chat):
    messages, turns = chat.choose_option([], _select("17"))
    assert "Source: Question 17" in _text(messages[-1])
    handler = chat.entry_handler(20)
    messages, turns = handler(turns)
    assert "Source: Question 20" in _text(messages[-1])
    assert chat.choose_option(turns, _select("not a number"))[1] == turns  # nothing happens


def test_the_chat_shows_only_what_the_bot_said(chat):
    """Forged-history attack: the handlers take no displayed messages, only server state,
    so whatever a client sends, every reply shown is one the bot gave."""
    import inspect

    for name in ("respond", "choose_option", "choose_example", "open_entry"):
        params = inspect.signature(getattr(chat, name)).parameters
        assert "messages" not in params and "history" not in params, name
    messages, turns, _ = chat.respond(RETENTION, [])
    rebuilt_from_state = chat.respond("", turns)[0]
    assert rebuilt_from_state == messages


def test_permalink_opens_on_that_entry_and_ignores_anything_else(chat):
    class Req:
        def __init__(self, query):
            self.query_params = query

    messages, turns = chat.load(Req({"entry": "9"}))
    assert "Source: Question 9" in _text(messages[-1]) and turns[-1]["answer"]["question_number"] == 9
    for bad in ("999", "<script>alert(1)</script>", "-1", "9.5", "", "1" * 40):
        assert chat.load(Req({"entry": bad})) == ([], [])


def test_page_note_says_what_is_kept():
    from faqbot.render import page_note

    nm = "They are general information, not legal advice, and may be out of date."
    note = page_note(logging_unanswered=False, disclaimer=nm)
    assert "not legal advice" in note and "not stored" in note and "out of date" in note
    assert "legal" not in page_note(False) and "out of date" in page_note(False)  # generic default
    logged = page_note(logging_unanswered=True)
    assert "cannot answer are saved" in logged and "Questions you type here are not stored" not in logged


# --- the opt-in unanswered log -------------------------------------------------------


def test_unanswered_log_keeps_only_declined_questions(bot, tmp_path):
    from faqbot.logs import UnansweredLog
    from faqbot.server.chat import ChatApp

    path = tmp_path / "sub" / "unanswered.jsonl"
    chat = ChatApp(bot, UnansweredLog(path))
    chat.respond(RETENTION, [])
    chat.respond(WEATHER, [])
    chat.api_ask(WEATHER + " Really?")
    chat.api_ask(RETENTION)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows] == [WEATHER, WEATHER + " Really?"]
    assert all(set(r) == {"time", "question"} for r in rows)


def test_unanswered_log_unwritable_path_is_a_clear_error(tmp_path):
    from faqbot.errors import FAQBotError
    from faqbot.logs import UnansweredLog

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(FAQBotError, match="--log-unanswered"):
        UnansweredLog(blocker / "log.jsonl")


# --- the app ---------------------------------------------------------------------------


def test_title_comes_from_the_corpus(embedder, tmp_path):
    from faqbot import FAQBot
    from faqbot.server.chat import build_chat

    faq = tmp_path / "library.jsonl"
    faq.write_text(
        "\n".join(
            json.dumps(e)
            for e in [
                {"question": "How do I get a library card?", "answer": "Bring an ID to any branch."},
                {"question": "How many books can I borrow?", "answer": "Up to 30 at a time."},
            ]
        ),
        encoding="utf-8",
    )
    (tmp_path / "library.meta.json").write_text(json.dumps({"title": "Library Card FAQ"}))
    other = FAQBot.from_corpus(faq, in_memory=True)
    demo = build_chat(other)
    assert demo.title == "Library Card FAQ"
    texts = "".join(str(getattr(b, "value", "")) for b in demo.blocks.values())
    assert "Library Card FAQ" in texts and "New Mexico" not in texts


def test_only_ask_is_a_public_api(bot):
    from faqbot.server.chat import build_chat

    demo = build_chat(bot)
    public = [fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask"]


def test_server_settings_stay_local_and_private(bot):
    from faqbot.server import DEFAULT_HOST, create_app
    from faqbot.server.chat import theme

    assert DEFAULT_HOST == "127.0.0.1"
    app = create_app(bot)
    blocks = next(r.app for r in app.routes if getattr(r, "path", None) == "").blocks  # the mounted chat
    assert blocks.run_history is False and blocks.enable_monitoring is False
    assert blocks.footer_links == ["api"]
    assert not theme()._stylesheets, "no web fonts: the page must work offline"


def test_app_py_is_faqbot_serve():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "app.py", "--help"], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0
    assert "faqbot serve" in out.stdout and "--port" in out.stdout


# --- a running server --------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(ui_server):
    from gradio_client import Client

    return Client(ui_server.url, verbose=False)


@pytest.mark.server
def test_api_answers_with_the_source_number(client):
    result = client.predict(RETENTION, api_name="/ask")
    assert result["question_number"] == 9
    assert result["declined"] is False
    assert result["confidence"] in {"high", "medium", "low"}
    assert "24 months" in result["answer"]


@pytest.mark.server
def test_api_declines_what_the_faq_does_not_cover(client):
    result = client.predict(WEATHER, api_name="/ask")
    assert result["declined"] is True
    assert result["question_number"] is None
    assert result["alternatives"]


@pytest.mark.server
def test_api_empty_question_is_a_clear_error(client, ui_server):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="Please type a question"):
        client.predict("", api_name="/ask")
    with pytest.raises(AppError, match="Please type a question"):
        client.predict("   ", api_name="/ask")
    assert "Traceback" not in ui_server.log.read_text()


@pytest.mark.server
def test_server_binds_to_localhost_and_logs_no_questions(client, ui_server):
    client.predict("secret-canary how long is my data kept?", api_name="/ask")
    log = ui_server.log.read_text()
    assert f"http://127.0.0.1:{ui_server.port}" in log
    assert "secret-canary" not in log
    assert "public URL" not in log
