"""Bad input through the web door: the JSON ``/ask`` endpoint and the chat box of a real server.

Requests are sent raw (``web_helpers``), so input a browser can produce but
``gradio_client`` cannot send (lone surrogates, a megabyte of text, a number
instead of a string) reaches the server. Each must get a clear message or a normal
answer/decline; no traceback is shown to the user, and none is even logged.
"""

from __future__ import annotations

import json

import httpx
import pytest
from web_helpers import api_ask, api_base, chat_submit, message_texts, visible_text

pytestmark = pytest.mark.server

MEGABYTE = "How long does New Mexico keep my data? " * 27_000
HOSTILE = {
    "html-js": "<script>alert(document.cookie)</script><img src=x onerror=alert(1)> how long is my data kept?",
    "markdown": "**how long** is my [data](javascript:alert(1)) ![x](http://evil.example/p.png) kept?",
    "rtl": "كم من الوقت يحتفظون ببياناتي؟ כמה זמן שומרים את המידע?",
    "bidi-override": "\u202ehow long is my data kept?\u202c",
    "emoji": "🙏🇺🇸👨‍👩‍👧 how long do they keep my data? 😟",
    "control": "how long\x00\x01\x1b[31m is my data\x7f kept?",
    "lone-surrogate": "how long is my data \udcff\ud800 kept?",
}
NOT_QUESTIONS = {
    "empty": "",
    "whitespace": " \t\n\u3000",
    "nul-only": "\x00" * 50,
    "emoji-only": "😀🙏",
    "number": 42,
    "null": None,
    "list": ["how long is my data kept?"],
    "object": {"question": "how long?"},
}


@pytest.fixture()
def server_log_since(ui_server):
    """The server's output written during one test (to check nothing bad was logged)."""
    start = ui_server.log.stat().st_size

    def read() -> str:
        with open(ui_server.log, "rb") as f:
            f.seek(start)
            return f.read().decode("utf-8", errors="replace")

    return read


def assert_answer_dict(d: dict) -> None:
    assert d["kind"] in ("faq", "declined", "smalltalk")
    assert 0 <= d["score"] <= 1 and d["declined"] == (d["kind"] == "declined")
    assert (d["question_number"] is None) == (d["kind"] != "faq")
    json.dumps(d, ensure_ascii=False).encode("utf-8")  # strict UTF-8 all the way


@pytest.mark.parametrize("name", list(HOSTILE))
def test_api_answers_or_declines_hostile_text(ui_server, server_log_since, name):
    status, d = api_ask(ui_server.url, HOSTILE[name])
    assert status == "complete", d
    assert_answer_dict(d)
    assert d["notice"] is None
    assert "Traceback" not in server_log_since()


@pytest.mark.parametrize("name", list(NOT_QUESTIONS))
def test_api_refuses_non_questions_with_a_clear_message(ui_server, server_log_since, name):
    status, message = api_ask(ui_server.url, NOT_QUESTIONS[name])
    assert status == "error", message
    assert message and "question" in message.lower() and "Traceback" not in message
    assert "Traceback" not in server_log_since()


def test_api_megabyte_question_is_refused_before_it_is_read(ui_server):
    """A megabyte is far over the request limit: 413, as JSON, not a slow answer."""
    status, d = api_ask(ui_server.url, MEGABYTE)
    assert status == "http" and d[0] == 413, d
    assert json.loads(d[1])["error"] == "too_large"


def test_api_long_question_is_cut_and_says_so(ui_server):
    long = MEGABYTE[:20_000]  # under the request limit, over what the model reads
    status, d = api_ask(ui_server.url, long)
    assert status == "complete", d
    assert_answer_dict(d)
    assert "only the first 1,000 were read" in d["notice"]
    assert len(d["query"]) <= 1000


@pytest.mark.parametrize(
    "body",
    [
        b'{"data": ["how long \xff\xfe is my data kept?"]}',
        b"\x00\x01\x02",
        b'{"data": ',
        b"[]",
        b'{"data": "not a list"}',
    ],
    ids=["invalid-utf8", "binary", "truncated-json", "json-list", "data-not-list"],
)
def test_malformed_request_bodies_get_a_4xx_without_a_traceback(ui_server, body):
    r = httpx.post(
        f"{api_base(ui_server.url)}/call/ask",
        content=body,
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert 400 <= r.status_code < 500 or r.status_code == 200, r.status_code
    assert "Traceback" not in r.text and 'File "' not in r.text
    if r.status_code == 200:  # accepted: then the result must be a clean error, not a crash
        event = httpx.get(f"{api_base(ui_server.url)}/call/ask/{r.json()['event_id']}", timeout=60).text
        assert "Traceback" not in event and "event: error" in event


@pytest.mark.parametrize("name", list(HOSTILE))
def test_chat_box_shows_hostile_text_literally_and_answers(ui_server, server_log_since, name):
    done = chat_submit(ui_server.url, HOSTILE[name])
    assert done.get("msg") == "process_completed" and done.get("success") is True, done
    messages = done["output"]["data"][0]
    texts = message_texts(messages)
    assert len(texts) == 2 and messages[0]["role"] == "user" and messages[1]["role"] == "assistant"
    assert "<script" not in texts[0] and "<img" not in texts[0]  # user text is escaped
    assert "Traceback" not in texts[1]
    assert "Traceback" not in server_log_since()


def test_chat_box_long_paste_is_answered_with_a_notice(ui_server):
    done = chat_submit(ui_server.url, MEGABYTE[:20_000])
    assert done.get("success") is True, str(done)[:500]
    shown, reply = (visible_text(t) for t in message_texts(done["output"]["data"][0])[:2])
    assert "only the first 1,000 were read" in reply
    # the echo shows what the bot read, not the whole paste (the session's history: test_ui_api)
    assert shown.startswith("How long does New Mexico") and len(shown) < 1100, len(shown)


def test_chat_box_megabyte_is_refused_before_it_is_read(ui_server):
    """The page's box takes at most a few thousand characters; a client that sends a
    megabyte anyway gets 413 before the body is read."""
    done = chat_submit(ui_server.url, MEGABYTE)
    assert done.get("status") == 413, str(done)[:300]


@pytest.mark.parametrize("name", ["nul-only", "emoji-only"])
def test_chat_box_non_questions_get_a_clear_reply(ui_server, name):
    done = chat_submit(ui_server.url, NOT_QUESTIONS[name])
    assert done.get("success") is True, done
    reply = message_texts(done["output"]["data"][0])[-1]
    assert "Please type a question" in reply and "Traceback" not in reply
