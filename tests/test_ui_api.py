"""The web chat without a browser: its handlers in-process, and the JSON API of a running server.

The in-process tests call the chat's handlers on the shared bot (no server);
the ``server`` tests talk to a real ``faqbot serve`` through ``gradio_client``.
"""

from __future__ import annotations

import json

import pytest

RETENTION = "How long does New Mexico keep the data it shares with ICE?"
WEATHER = "What's the weather in Albuquerque tomorrow?"
INJECTION = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def chat(bot):
    from faqbot.ui import ChatApp

    return ChatApp(bot)


def _text(message) -> str:
    content = message["content"]
    return content if isinstance(content, str) else content[0]["text"]


# --- how a reply looks ---------------------------------------------------------------


def test_reply_shows_answer_source_confidence_and_related(chat):
    messages, turns, box = chat.respond(RETENTION, [], [])
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    reply = _text(messages[1])
    assert "24 months" in reply
    assert 'Source: Question 9 — "How long does New Mexico retain' in reply
    assert "Confidence: high" in reply
    options = messages[1]["options"]
    assert 1 <= len(options) <= 3
    assert all(o["label"].split(".")[0].isdigit() for o in options)
    assert turns[0] == {"role": "user", "content": RETENTION}
    assert "Source: Question 9" in turns[1]["content"]  # what the follow-up logic reads


def test_answer_lists_stay_lists(bot):
    from faqbot.ui_format import answer_markdown

    a = bot.ask(bot.entry(3).question)
    assert a.question_number == 3
    md = answer_markdown(a)
    assert "\n1. Data Protection Policies: " in md
    assert "\n3. Regular Audits and Monitoring: " in md


def test_confidence_is_words_not_a_number(bot):
    from faqbot.ui_format import answer_markdown

    md = answer_markdown(bot.ask(RETENTION))
    line = next(ln for ln in md.splitlines() if ln.startswith("Confidence:"))
    assert line.split(":", 1)[1].split()[0] in {"high", "medium", "low"}
    assert not any(ch.isdigit() for ch in line)


def test_decline_says_so_and_offers_closest_questions_once(chat):
    messages, _, _ = chat.respond(WEATHER, [], [])
    reply = messages[1]
    text = _text(reply)
    assert "does not seem to cover" in text
    assert len(reply["options"]) == 3
    for option in reply["options"]:
        # offered as buttons, not repeated as a text list in the same reply
        assert option["value"] not in text


def test_user_text_is_shown_literally_never_as_html(chat):
    messages, _, _ = chat.respond(INJECTION, [], [])
    shown = _text(messages[0])
    assert "<img" not in shown
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" == shown


def test_a_megabyte_paste_is_echoed_and_remembered_cut(chat):
    messages, turns, _ = chat.respond("How long does New Mexico keep my data? " * 27_000, [], [])
    shown = _text(messages[0])
    assert shown.startswith("How long does New Mexico") and shown.endswith(" …")
    assert len(shown) < 1100
    assert len(turns[0]["content"]) <= 1000  # the session keeps what the bot read
    assert "Source: Question 9" in turns[1]["content"]


def test_earlier_replies_keep_related_questions_as_text(chat):
    messages, turns, _ = chat.respond(RETENTION, [], [])
    offered = [o["label"] for o in messages[1]["options"]]
    messages, turns, _ = chat.respond(chat.bot.entry(2).question, messages, turns)
    first = messages[1]
    assert "options" not in first
    for label in offered:
        number, question = label.split(". ", 1)
        assert f"- {number}\\. " in _text(first)
    assert messages[3]["options"], "the newest reply keeps its buttons"
    assert len(turns) == 4


def test_empty_and_wordless_input(chat):
    assert chat.respond("   ", [], []) == ([], [], "")
    messages, turns, _ = chat.respond("???!!", [], [])
    assert turns == []
    assert "Please type a question" in _text(messages[-1])


def test_related_question_option_asks_that_question(chat):
    import gradio as gr

    question = chat.bot.entry(17).question
    evt = gr.SelectData(None, {"index": 0, "value": question})
    messages, turns = chat.choose_option([], [], evt)
    assert "Source: Question 17" in _text(messages[-1])
    handler = chat.ask_entry(20)
    messages, turns = handler(messages, turns)
    assert "Source: Question 20" in _text(messages[-1])


def test_page_note_says_what_is_kept():
    from faqbot.ui_format import page_note

    note = page_note(logging_unanswered=False)
    assert "not legal advice" in note and "not stored" in note and "out of date" in note
    logged = page_note(logging_unanswered=True)
    assert "cannot answer are saved" in logged and "Questions you type here are not stored" not in logged


# --- the opt-in unanswered log -------------------------------------------------------


def test_unanswered_log_keeps_only_declined_questions(bot, tmp_path):
    from faqbot.ui import ChatApp
    from faqbot.ui_unanswered import UnansweredLog

    path = tmp_path / "sub" / "unanswered.jsonl"
    chat = ChatApp(bot, UnansweredLog(path))
    chat.respond(RETENTION, [], [])
    chat.respond(WEATHER, [], [])
    chat.api_ask(WEATHER + " Really?")
    chat.api_ask(RETENTION)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows] == [WEATHER, WEATHER + " Really?"]
    assert all(set(r) == {"time", "question"} for r in rows)


def test_unanswered_log_unwritable_path_is_a_clear_error(tmp_path):
    from faqbot.errors import FAQBotError
    from faqbot.ui_unanswered import UnansweredLog

    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(FAQBotError, match="--log-unanswered"):
        UnansweredLog(blocker / "log.jsonl")


# --- the app ---------------------------------------------------------------------------


def test_title_comes_from_the_corpus(embedder, tmp_path):
    from faqbot import FAQBot
    from faqbot.ui import build_app

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
    demo = build_app(other)
    assert demo.title == "Library Card FAQ"
    texts = "".join(str(getattr(b, "value", "")) for b in demo.blocks.values())
    assert "Library Card FAQ" in texts and "New Mexico" not in texts


def test_only_ask_is_a_public_api(bot):
    from faqbot.ui import build_app

    demo = build_app(bot)
    public = [fn.api_name for fn in demo.fns.values() if fn.api_visibility == "public"]
    assert public == ["ask"]


def test_launch_settings_stay_local_and_private():
    from faqbot.ui import DEFAULT_HOST, launch_kwargs

    kw = launch_kwargs(DEFAULT_HOST, 7860)
    assert kw["server_name"] == "127.0.0.1"
    assert kw["share"] is False and kw["run_history"] is False and kw["enable_monitoring"] is False
    theme = kw["theme"]
    assert not theme._stylesheets, "no web fonts: the page must work offline"


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
