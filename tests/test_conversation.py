"""Conversations: follow-ups resolved from history, topic switches left alone, repeats noticed.

The cases are tests/data/conversations.jsonl (written for this test, separate from
the single-question tuning and held-out sets). Every conversation is played four
ways: with history as the bot's earlier Answers (structured, what the chat and the
API pass), as plain strings (earlier user questions), as Gradio-style
``{"role", "content"}`` messages whose assistant turns are the bot's own Markdown
(display text: never read back), and with earlier turns answered as labelled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from conftest import DATA

from faqbot import conversation
from faqbot.render import markdown as to_markdown

CASES = DATA / "conversations.jsonl"
MIN_FOLLOWUP_ACCURACY = 0.90  # earlier turns answered as labelled ("gold")
# With the bot's own earlier answers a wrong first answer (a retrieval miss, not a
# follow-up one) also misleads the follow-up after it: a little slack for that.
MIN_FOLLOWUP_ACCURACY_PLAYED = 0.85
# answers / strings / messages: the bot's own earlier answers (a wrong first answer misleads
# the follow-up); gold: earlier turns answered as labelled, which measures the follow-up alone.
STYLES = ("answers", "strings", "messages", "gold")


def load_conversations() -> list[dict]:
    with CASES.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass
class TurnResult:
    conversation: int
    turn: int
    query: str
    expected: int | None
    got: int | None
    kind: str
    self_contained: bool
    alone: int | None  # what the same question gets with no history


def play(bot, convo: dict, index: int, style: str) -> list[TurnResult]:
    """Run one conversation through ask(history=...) in the given history style."""
    history: list = []
    results = []
    for i, turn in enumerate(convo["turns"]):
        answer = bot.ask(turn["query"], history=list(history))
        got = answer.question_number
        alone = bot.ask(turn["query"]).question_number if turn.get("self_contained") else None
        results.append(
            TurnResult(
                index,
                i,
                turn["query"],
                turn["expected"],
                got,
                answer.kind,
                bool(turn.get("self_contained")),
                alone,
            )
        )
        if style == "strings":
            history.append(turn["query"])
        elif style == "answers":
            history.append(answer.to_dict())
        elif style == "gold":  # earlier turns answered as labelled: isolates follow-up reading
            n = turn["expected"]
            kind = "faq" if n else turn.get("kind", "declined")
            history.append({"query": turn["query"], "kind": kind, "question_number": n})
        else:
            history.append({"role": "user", "content": turn["query"]})
            history.append({"role": "assistant", "content": to_markdown(answer)})
    return results


@pytest.fixture(scope="module")
def played(bot) -> dict[str, list[TurnResult]]:
    convos = load_conversations()
    return {style: [r for n, c in enumerate(convos) for r in play(bot, c, n, style)] for style in STYLES}


def test_cases_file_is_well_formed():
    convos = load_conversations()
    assert len(convos) >= 15
    for convo in convos:
        assert 2 <= len(convo["turns"]) <= 4, convo
        for turn in convo["turns"]:
            assert set(turn) <= {"query", "expected", "self_contained", "kind"}, turn
            assert isinstance(turn["query"], str) and turn["query"].strip()
            assert turn["expected"] is None or 1 <= turn["expected"] <= 20
    switches = [t for c in convos for t in c["turns"][1:] if t.get("self_contained")]
    assert len(switches) >= 5, "need self-contained topic switches mid-conversation"


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
def test_followups_resolve_to_the_expected_question(played, style):
    followups = [r for r in played[style] if r.turn > 0 and r.kind != "smalltalk" and r.expected is not None]
    followups = [r for r in followups if not r.self_contained]
    wrong = [r for r in followups if r.got != r.expected]
    accuracy = 1 - len(wrong) / len(followups)
    detail = "\n".join(
        f"  [{r.conversation}.{r.turn}] {r.query!r}: expected {r.expected}, got {r.got}" for r in wrong
    )
    print(
        f"\n{style}: follow-up accuracy {accuracy:.3f} "
        f"({len(followups) - len(wrong)}/{len(followups)})\n{detail}"
    )
    floor = MIN_FOLLOWUP_ACCURACY if style == "gold" else MIN_FOLLOWUP_ACCURACY_PLAYED
    assert accuracy >= floor, detail


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
def test_self_contained_questions_are_not_pulled_to_the_previous_topic(played, style):
    switches = [r for r in played[style] if r.self_contained]
    assert switches
    for r in switches:
        assert r.got == r.expected, f"{r.query!r}: expected {r.expected}, got {r.got}"
        assert r.got == r.alone, f"{r.query!r} answered {r.got} in the conversation but {r.alone} alone"


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
def test_smalltalk_turns_in_conversations(played, style):
    chat = [r for r in played[style] if r.expected is None and not r.self_contained]
    assert chat
    assert all(r.kind == "smalltalk" and r.got is None for r in chat)


def test_first_turns_are_unaffected_by_empty_history(bot):
    for convo in load_conversations():
        q = convo["turns"][0]["query"]
        assert bot.ask(q, history=[]).question_number == bot.ask(q).question_number


# --- the reading rule, and the history formats -------------------------------------


def test_followup_uses_the_previous_turn(bot):
    q = "and can I get it corrected?"
    alone = bot.ask(q)
    followed = bot.ask(q, history=["how long does New Mexico keep the data it shares with ICE?"])
    assert followed.question_number == 10
    assert followed.resolved_query and followed.score > alone.score


def test_content_free_followup_stays_on_the_previous_entry_and_says_it_repeats(bot):
    first = bot.ask("Does New Mexico work with other state agencies when sharing data with ICE?")
    assert first.question_number == 16
    history = [
        {"role": "user", "content": first.query},
        {"role": "assistant", "content": to_markdown(first)},
    ]
    again = bot.ask("which ones?", history=history)
    assert again.question_number == 16
    assert again.repeated and "same answer" in (again.notice or "")
    assert all(h.number != 16 for h in again.alternatives) and again.alternatives


@pytest.mark.parametrize(
    "first, followup, expected",
    [
        # the previous question again, about another programme
        ("What SNAP data does New Mexico share with ICE?", "what about Medicaid?", 1),
        ("¿Qué datos de SNAP comparte Nuevo México con ICE?", "¿y la de Medicaid?", 1),
        ("How long does New Mexico keep my SNAP data?", "and Medicaid?", 9),
        # a new aspect, sure alone, is not pulled back
        ("What SNAP data does New Mexico share with ICE?", "what about deportation?", 6),
        ("How long does New Mexico keep my SNAP data?", "what about correcting it?", 10),
    ],
)
def test_an_elliptical_followup_asks_the_previous_question_again(bot, first, followup, expected):
    answer = bot.ask(first)
    assert answer.question_number in (1, 9)
    assert bot.ask(followup, history=[answer]).question_number == expected


@pytest.mark.parametrize(
    "text, elliptical",
    [
        ("what about Medicaid?", True),
        ("¿y la de Medicaid?", True),
        ("and for my kids?", True),
        ("¿Y para los niños?", True),
        ("and can I get it corrected?", False),  # it asks something itself
        ("¿y antes era igual?", False),
        ("what about my kids' info, can they share their school records?", False),
        ("Medicaid?", False),  # no lead-in: read the usual way
    ],
)
def test_is_elliptical(text, elliptical):
    assert conversation.is_elliptical(text) is elliptical


@pytest.mark.parametrize("followup", ["what about Medicaid?", "which ones?", "and how long do they keep it?"])
def test_a_history_naming_an_entry_this_faq_lacks_is_read_by_its_question(bot, followup):
    """A turn from another FAQ, or an older edition of this one, names entry 99: its
    question still gives context, its number is not looked up."""
    history = [
        {
            "query": "What state benefits data does New Mexico share with ICE?",
            "kind": "faq",
            "question_number": 99,
        }
    ]
    answer = bot.ask(followup, history=history)
    assert answer.kind in ("faq", "declined")


def test_off_topic_short_question_is_not_dragged(bot):
    history = ["How long is benefits data kept after it is shared with ICE?"]
    for q in ("what's the weather?", "tell me a joke", "who won the game?"):
        a = bot.ask(q, history=history)
        assert a.question_number != 9, q
        assert a.kind in ("declined", "smalltalk"), (q, a.kind, a.question_number)


def test_asking_the_same_thing_twice_is_marked_repeated(bot):
    q = "How long does New Mexico keep the data it shares with ICE?"
    first = bot.ask(q)
    assert not first.repeated
    for history in (
        [q],
        [{"role": "user", "content": q}, {"role": "assistant", "content": to_markdown(first)}],
    ):
        again = bot.ask("how long is my data kept?", history=history)
        assert again.question_number == first.question_number == 9
        assert again.repeated
        assert "same answer as before" in again.notice
        assert again.alternatives and all(h.number != 9 for h in again.alternatives)


def test_not_repeated_after_a_different_answer(bot):
    a = bot.ask(
        "how long do they keep my data?",
        history=["Is sharing benefits data with ICE mandatory in New Mexico?"],
    )
    assert a.question_number == 9 and not a.repeated


def test_yes_accepts_the_did_you_mean_offer(bot):
    offer = {"number": 12, "question": bot.entry(12).question, "score": 0.5}
    history = [{"query": "something", "kind": "faq", "question_number": 11, "did_you_mean": offer}]
    a = bot.ask("yes", history=history)
    assert a.kind == "faq" and a.question_number == 12
    assert bot.ask("yes").kind == "smalltalk"  # nothing was offered


def test_history_formats_are_equivalent():
    strings = conversation.normalise_history(["a", "b"])
    messages = conversation.normalise_history(
        [
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "x"},
            {"role": "user", "content": [{"type": "text", "text": "b"}]},
        ]
    )
    pairs = conversation.normalise_history([["a", "x"], ("b", None)])
    assert conversation.previous_questions(strings) == ["b", "a"]
    assert conversation.previous_questions(messages) == ["b", "a"]
    assert conversation.previous_questions(pairs) == ["b", "a"]


def test_structured_turns_carry_what_was_answered_and_offered(bot):
    first = bot.ask("How long does New Mexico keep the data it shares with ICE?")
    turns = conversation.normalise_history([first, first.to_dict(), {"query": "x", "kind": "declined"}])
    assert [t.answered for t in turns] == [9, 9, None]
    assert turns[0].question == turns[1].question == first.query
    assert conversation.last_reply(turns) is turns[-1]


def test_assistant_text_is_never_read_back():
    """A message that only looks like a reply ("Source: Question 9") says nothing as data."""
    turns = conversation.normalise_history(
        [{"role": "user", "content": "hi"}, {"role": "assistant", "content": 'Source: Question 9 — "..."'}]
    )
    assert [t.question for t in turns] == ["hi"] and conversation.last_reply(turns) is None


@pytest.mark.parametrize("history", ["a string", 12345, {"role": "user"}, b"bytes"])
def test_a_malformed_history_is_a_clear_error(bot, history):
    from faqbot import QuestionError

    with pytest.raises(QuestionError, match="history"):
        bot.ask("how long is my data kept?", history=history)


@pytest.mark.parametrize(
    "text, free",
    [
        ("which ones?", True),
        ("tell me more", True),
        ("who do I ask?", True),
        ("is it encrypted?", False),
        ("what's the weather?", False),
        ("how long?", False),
    ],
)
def test_content_free(text, free):
    assert conversation.is_content_free(text) is free


def test_choose_reading_rule():
    from faqbot.retrieval import EntryScore

    def reading(name, number, conf):
        return conversation.Reading(name, [EntryScore(number, 0.5)], conf)

    def choose(a, s, c, free=False, unknown=False):
        return conversation.choose_reading(
            reading("alone", *a),
            reading("subject", *s),
            reading("context", *c),
            content_free=free,
            unknown_words=unknown,
            threshold=0.5,
        ).name

    assert choose((4, 0.1), (9, 0.9), (9, 0.9)) == "subject"  # subject and context agree
    assert choose((4, 0.4), (7, 0.9), (4, 0.9)) == "context"  # alone and context agree
    assert choose((4, 0.4), (7, 0.9), (9, 0.9)) == "subject"  # no agreement: subject if confident
    assert choose((4, 0.4), (7, 0.3), (9, 0.9)) == "alone"  # ... else the follow-up alone
    assert choose((4, 0.1), (7, 0.3), (9, 0.9), free=True) == "context"  # "which ones?"
    assert choose((4, 0.1), (9, 0.9), (9, 0.9), unknown=True) == "alone"  # "what's the weather?"
    assert choose((9, 0.6), (9, 0.9), (9, 0.9), unknown=True) == "subject"  # unknown word, answerable alone


# --- what a long history costs -----------------------------------------------------------


def test_a_long_history_is_read_within_fixed_bounds(bot, monkeypatch):
    """Earlier turns are cut like questions, and only the most recent few are re-read: a
    50-turn history of long, distinct questions costs no more encoding than a short one."""
    from faqbot import FAQBot
    from faqbot.limits import MAX_HISTORY_QUESTIONS, MAX_HISTORY_SCAN, MAX_QUESTION_CHARS

    fresh = FAQBot(bot.corpus, bot.index, bot.embedder)  # an empty vector cache
    seen: list[str] = []
    encode_one = bot.embedder.encode_one

    def counting(text, role="query"):
        seen.append(text)
        return encode_one(text, role=role)

    monkeypatch.setattr(bot.embedder, "encode_one", counting)
    history = [f"question {i}: " + "does the state share my file " * 60 for i in range(50)]
    answer = fresh.ask("how long do they keep it?", history=history)
    assert answer.kind in ("faq", "declined")
    assert all(len(t) <= MAX_QUESTION_CHARS for t in seen)
    # the question, the scanned history questions, and the re-read ones' contexts
    assert len(set(seen)) <= 1 + MAX_HISTORY_SCAN + 2 * MAX_HISTORY_QUESTIONS
    assert len(seen) == len(set(seen))  # nothing encoded twice: the bot keeps recent vectors


def test_the_same_question_again_is_not_encoded_again(bot, monkeypatch):
    from faqbot import FAQBot

    fresh = FAQBot(bot.corpus, bot.index, bot.embedder)
    calls: list[str] = []
    encode_one = bot.embedder.encode_one
    monkeypatch.setattr(
        bot.embedder, "encode_one", lambda t, role="query": calls.append(t) or encode_one(t, role=role)
    )
    first = fresh.ask("how long is my data kept?")
    again = fresh.ask("how long is my data kept?")
    assert first.to_dict() == again.to_dict() and calls.count("how long is my data kept?") == 1
