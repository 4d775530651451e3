"""The web chat without a browser: its handlers in-process, and the Gradio API of a running server.

The in-process tests call the chat's handlers on the shared bot (no server);
the ``server`` tests talk to a real ``faqbot serve`` through ``gradio_client``.
The chat's state is server-side data (the turns and their Answers): every
message it shows is rebuilt from that state by ``render.html``. Suggested
questions are buttons inside every reply carrying only an entry number; a vote
is looked up in the session's turns by the message's index.
"""

from __future__ import annotations

import html
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

    return gr.EventData(None, {"index": 0, "value": value})


def _buttons(content: str) -> list[tuple[int, str]]:
    """(entry number, label) of each question button in a message's HTML."""
    import html
    import re

    return [
        (int(n), html.unescape(label))
        for n, label in re.findall(
            r'<button type="button" class="faq-pick [^"]*" value="(\d+)">([^<]*)</button>', content
        )
    ]


class Req:
    """A stand-in for gr.Request: query parameters and headers."""

    def __init__(self, query: dict, accept_language: str | None = None):
        self.query_params = query
        self.headers = {"accept-language": accept_language} if accept_language else {}


# --- how a reply looks ---------------------------------------------------------------


def test_reply_shows_answer_source_confidence_and_related(chat):
    messages, turns, box = chat.respond(RETENTION, [])
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    reply = _text(messages[1])
    assert "24 months" in reply
    assert "Source: Question 9 — &quot;How long does New Mexico retain" in reply
    assert "Confidence: high" in reply
    related = _buttons(reply)  # buttons in the reply's HTML (Gradio's options were dropped)
    assert 1 <= len(related) <= 3
    assert all(label.startswith(f"{n}. ") for n, label in related)
    assert '<button type="button" class="faq-copy" value="9">Copy link</button>' in reply
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
    text = _text(messages[1])
    assert "does not seem to cover" in text
    offered = _buttons(text)
    assert len(offered) == 3
    for _, label in offered:  # offered as buttons, not repeated as a text list in the same reply
        assert text.count(html.escape(label.split(". ", 1)[1], quote=True)) == 1
    assert "faq-copy" not in text  # no permalink for a decline


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


def test_earlier_replies_keep_their_related_questions_as_buttons(chat):
    # Changed on purpose: older replies used to list them as plain text (Gradio draws
    # message options under the newest reply only); now every reply has buttons.
    messages, turns, _ = chat.respond(RETENTION, [])
    offered = _buttons(_text(messages[1]))
    messages, turns, _ = chat.respond(chat.bot.entry(2).question, turns)
    assert _buttons(_text(messages[1])) == offered
    assert _buttons(_text(messages[3])), "the newest reply has its buttons too"
    assert all("options" not in m for m in messages)
    assert len(turns) == 2


def test_empty_and_wordless_input(chat):
    assert chat.respond("   ", []) == ([], [], "")
    messages, turns, _ = chat.respond("???!!", [])
    assert "error" in turns[-1]
    assert "Please type a question" in _text(messages[-1])
    messages, _, _ = chat.respond("???!!", [], "es")
    assert "Por favor, escriba su pregunta con palabras." in _text(messages[-1])


def test_a_picked_question_shows_that_entry(chat):
    messages, turns = chat.pick([], "en", _select("17"))
    assert "Source: Question 17" in _text(messages[-1])
    assert turns[-1]["picked"] is True
    messages, session = chat.on_entry(20)({"turns": turns, "language": "en"})  # a browse button
    turns = session["turns"]
    assert "Source: Question 20" in _text(messages[-1])
    for junk in ("not a number", "999", "-1", "²", "٣", "1" * 40, None, ["9"], {"value": "9"}):
        assert chat.pick(turns, "en", _select(junk))[1] == turns  # nothing happens
    import gradio as gr

    assert chat.pick(turns, "en", gr.EventData(None, None))[1] == turns  # no event data at all


def test_the_chat_shows_only_what_the_bot_said(chat):
    """Forged-history attack: the handlers take no displayed messages, only server state,
    so whatever a client sends, every reply shown is one the bot gave."""
    import inspect

    for name in (
        "respond",
        "pick",
        "open_entry",
        "switch_language",
        "vote",
        "on_submit",
        "on_pick",
        "on_vote",
    ):
        params = inspect.signature(getattr(chat, name)).parameters
        assert "messages" not in params and "history" not in params, name
    messages, turns, _ = chat.respond(RETENTION, [])
    rebuilt_from_state = chat.respond("", turns)[0]
    assert rebuilt_from_state == messages


def test_permalink_opens_on_that_entry_and_ignores_anything_else(chat):
    messages, turns, language, bad_link = chat.start({"entry": "9"}, None)
    assert "Source: Question 9" in _text(messages[-1]) and turns[-1]["answer"]["question_number"] == 9
    assert (language, bad_link) == ("en", False)
    assert chat.start({}, None) == ([], [], "en", False)  # no link: an empty page, no note
    for bad in ("999", "<script>alert(1)</script>", "-1", "9.5", "", "1" * 40, "²", "٣", "0"):
        # a bad number: an empty chat and the fixed note; nothing from the link is shown
        assert chat.start({"entry": bad}, None) == ([], [], "en", True), bad
    note = chat.entry_note("en")
    assert (
        note
        == '<p class="faq-entry-note" role="status">That question number is not in this FAQ. Choose a question from the list.</p>'
    )


def test_load_reads_the_language_and_the_link_from_the_request(chat):
    session, language, shown, note, box, send, clear, browse, entry_note, footer = chat.on_load(
        Req({"entry": "<script>"}, "es-MX,es;q=0.9,en;q=0.8")
    )
    assert session == {"turns": [], "language": "es", "bad_link": True} and language == "es"
    assert shown["value"] == [] and "Haga una pregunta" in shown["placeholder"]
    assert send["value"] == "Preguntar" and clear["value"] == "Nueva conversación"
    assert box["placeholder"] == "Escriba su pregunta aquí…"
    assert browse["label"] == "Todas las preguntas frecuentes (20)"
    assert entry_note["visible"] is True and "Ese número de pregunta no está" in entry_note["value"]
    assert "<script" not in str((shown, note, entry_note))
    assert "Departamento de Servicios Humanos" in footer["value"]  # the FAQ owner's Spanish words
    assert "Son información general, no asesoría legal" in note["value"]
    english = chat.on_load(Req({}, "en-US,en;q=0.9"))
    assert "Human Services Department" in english[-1]["value"] and "not legal advice" in english[3]["value"]
    assert chat.on_load(Req({}, "en-US,en;q=0.9"))[:2] == (
        {"turns": [], "language": "en", "bad_link": False},
        "en",
    )
    assert chat.on_load(Req({}, "fr-FR,fr;q=0.9"))[1] == "en"  # no catalogue: English


def test_the_session_state_carries_turns_and_language_through_every_event(chat):
    from faqbot.server.chat import new_session

    shown, session = chat.on_entry(9)(new_session(language="es"))
    assert session["language"] == "es" and len(session["turns"]) == 1
    assert "Fuente: pregunta 9" in _text(shown[-1])
    shown, session, box = chat.on_submit("???!!", session)
    assert "Por favor, escriba su pregunta con palabras." in _text(shown[-1]) and box == ""
    shown, session = chat.on_pick(session, _select("10"))
    assert "Fuente: pregunta 10" in _text(shown[-1]) and len(session["turns"]) == 3
    session, *page = chat.on_switch("en", session)
    assert session["language"] == "en" and "Source: Question 9" in _text(page[0]["value"][1])
    assert chat.on_clear(session) == ([], {"turns": [], "language": "en", "bad_link": False})
    for junk in (None, [], "x", {"turns": "x"}):  # a missing or malformed state: a fresh one
        assert chat.on_submit("", junk) == ([], new_session(), "")


def test_switching_language_keeps_the_conversation(chat):
    _, turns = chat.open_entry(9, [], "en")
    messages, turns, _ = chat.respond(RETENTION, turns, "en")
    shown, note, box, send, *_ = chat.switch_language("es", turns, False)
    assert send["value"] == "Preguntar"
    assert "Las respuestas se citan palabra por palabra" in note["value"]
    replies = [_text(m) for m in shown["value"] if m["role"] == "assistant"]
    assert len(replies) == 2
    assert "Fuente: pregunta 9" in replies[0]  # a picked entry: framed in the page's language
    assert "Copiar enlace" in replies[0] and "Copiar enlace" in replies[1]
    assert "Source: Question 9" in replies[1]  # a typed question: framed in its own language
    back = chat.switch_language("en", turns, False)[0]["value"]
    assert "Source: Question 9" in _text(back[1])
    assert chat.switch_language("<script>", turns, False)[3]["value"] == "Ask"


def test_page_note_says_what_is_kept():
    from faqbot.render import page_note

    nm = "They are general information, not legal advice, and may be out of date."
    note = page_note(logging_unanswered=False, disclaimer=nm)
    assert "not legal advice" in note and "not stored" in note and "out of date" in note
    assert "legal" not in page_note(False) and "out of date" in page_note(False)  # generic default
    logged = page_note(logging_unanswered=True)
    assert "cannot answer are saved" in logged and "Questions you type here are not stored" not in logged
    votes = page_note(logging_unanswered=False, feedback=True)
    assert "not stored" in votes and "not your question" in votes and "👍" in votes
    both = page_note(logging_unanswered=True, feedback=True)
    assert "the questions of answers you rate" in both and "not your question" not in both
    spanish = page_note(False, nm, language="es")
    assert "Las preguntas que escriba aquí no se guardan" in spanish
    assert "“They are general information, not legal advice" in spanish  # the owner's words, quoted
    own = page_note(False, "Información general.", language="es", disclaimer_language="es-MX")
    assert "Información general" in own and "“" not in own  # the owner's own Spanish, not quoted


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


def _like(index, liked, value="forged"):
    import gradio as gr

    return gr.EventData(None, {"index": index, "value": value, "liked": liked})


def test_a_vote_is_logged_only_when_the_operator_opted_in(bot, tmp_path):
    from faqbot.logs import FeedbackLog, read_jsonl
    from faqbot.server.chat import ChatApp

    path = tmp_path / "feedback.jsonl"
    chat = ChatApp(bot, feedback=FeedbackLog(path))
    _, turns, _ = chat.respond(RETENTION, [])
    _, turns, _ = chat.respond(WEATHER, turns)
    chat.vote(turns, _like(1, True, value=["Source: Question 3 (forged)"]))  # the reply to RETENTION
    chat.vote(turns, _like(3, False))  # the decline
    import gradio as gr

    for ignored in (_like(0, True), _like(2, False), _like(9, True), _like(1, ""), _like("1", True)):
        chat.vote(turns, ignored)  # a question, no such message, a withdrawn vote, junk
    for again in (_like(1, True), _like(1, False), _like(3, False)):
        chat.vote(turns, again)  # one vote per reply: clicking again stacks nothing
    chat.vote(turns, _like(1, False), voter="another session")  # another reader's vote counts
    chat.vote(turns, gr.EventData(None, None))  # no event data
    rows = read_jsonl(path)
    assert [(r["entry"], r["kind"], r["vote"]) for r in rows] == [
        (9, "faq", "up"),
        (None, "declined", "down"),
        (9, "faq", "down"),
    ]
    assert all("question" not in r for r in rows)  # questions are kept only with --log-unanswered too
    both = ChatApp(bot, feedback=FeedbackLog(tmp_path / "both.jsonl", with_questions=True))
    _, turns, _ = both.respond(RETENTION, [])
    both.vote(turns, _like(1, True))
    assert read_jsonl(tmp_path / "both.jsonl")[0]["question"] == RETENTION

    _, turns, _ = ChatApp(bot).respond(RETENTION, [])
    ChatApp(bot).vote(turns, _like(1, True))  # no log: nothing is written anywhere
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "both.jsonl",
        "both.jsonl.lock",
        "feedback.jsonl",
        "feedback.jsonl.lock",
    ]


def test_vote_buttons_only_with_the_feedback_log(bot, tmp_path):
    from faqbot.logs import FeedbackLog
    from faqbot.server.chat import build_chat

    def chatbot_and_likes(demo):
        chatbot = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "faq-chat")
        likes = [fn for fn in demo.fns.values() if any(t[1] == "like" for t in fn.targets)]
        return chatbot.feedback_options, likes

    assert chatbot_and_likes(build_chat(bot)) == (None, [])
    options, likes = chatbot_and_likes(build_chat(bot, feedback=FeedbackLog(tmp_path / "f.jsonl")))
    assert tuple(options) == ("Like", "Dislike") and len(likes) == 1


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


def test_vote_memory_says_first_once_and_stays_bounded(monkeypatch):
    from faqbot.server.chat import VoteMemory

    monkeypatch.setattr(VoteMemory, "MAX_VOTES_REMEMBERED", 3)
    memory = VoteMemory()
    assert memory.first(("s", 1, "q")) and not memory.first(("s", 1, "q"))
    assert memory.first(("t", 1, "q"))  # another session
    for n in range(2, 6):
        assert memory.first(("s", n, "q"))
    assert len(memory._keys) == 3
    assert memory.first(("s", 1, "q"))  # the oldest was forgotten


# --- the per-address rate limit (server/ratelimit.py) ----------------------------------


def test_past_its_budget_a_typed_question_is_not_asked_and_the_reader_is_told(bot, monkeypatch):
    from faqbot.server.chat import ChatApp
    from faqbot.server.ratelimit import AddressLimit

    chat = ChatApp(bot, limit=AddressLimit(1))
    _, turns, _ = chat.respond(RETENTION, [], "en", "203.0.113.7")
    assert turns[-1]["answer"]["question_number"] == 9
    asked = []
    monkeypatch.setattr(bot, "ask", lambda *a, **k: asked.append(a))
    shown, turns, box = chat.respond(RETENTION, turns, "es", "203.0.113.7")
    assert asked == [] and box == "" and turns[-1]["error"] == "too_many"
    assert "Espere un minuto" in shown[-1]["content"]  # in the page's language
    assert "many questions in a short time" in chat.messages(turns, "en")[-1]["content"]
    monkeypatch.undo()
    _, turns, _ = chat.respond(RETENTION, turns, "en", "198.51.100.2")  # another reader
    assert turns[-1]["answer"]["question_number"] == 9


def test_past_its_budget_a_vote_is_dropped(bot, tmp_path):
    from faqbot.logs import FeedbackLog, read_jsonl
    from faqbot.server.chat import ChatApp
    from faqbot.server.ratelimit import AddressLimit

    path = tmp_path / "feedback.jsonl"
    chat = ChatApp(bot, feedback=FeedbackLog(path), limit=AddressLimit(1))
    _, turns, _ = chat.respond(RETENTION, [])  # this machine: not limited
    _, turns, _ = chat.respond(WEATHER, turns)
    chat.vote(turns, _like(1, True), voter="s1", address="203.0.113.7")
    chat.vote(turns, _like(3, False), voter="s1", address="203.0.113.7")  # over the budget
    chat.vote(turns, _like(3, False), voter="s2", address="198.51.100.2")
    assert [(r["entry"], r["vote"]) for r in read_jsonl(path)] == [(9, "up"), (None, "down")]
