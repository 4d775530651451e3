"""Asking for a FAQ entry by its number, or by its place in the last reply's list
(faqbot.entry_reference, FAQBot.ask)."""

from __future__ import annotations

import pytest

from faqbot.entry_reference import EntryReference, referenced_entry, referenced_position

NUMBERS = range(1, 21)


@pytest.mark.parametrize(
    "message, reference",
    [
        ("question 5", EntryReference(5, None)),  # English or French: the text decides
        ("5", EntryReference(5, None)),
        ("#9", EntryReference(9, None)),
        ("q7", EntryReference(7, None)),
        ("ok 6", EntryReference(6, None)),
        ("Question 5 please", EntryReference(5, None)),
        ("what does number 3 say?", EntryReference(3, "en")),
        ("tell me more about question 12", EntryReference(12, "en")),
        ("pregunta 9", EntryReference(9, "es")),
        ("¿Qué dice la pregunta 10?", EntryReference(10, "es")),
        ("muéstrame la 4 porfa", EntryReference(4, "es")),
        ("numéro 2", EntryReference(2, None)),  # French, Spanish or Portuguese: the text decides
    ],
)
def test_a_message_that_only_points_at_an_entry(message, reference):
    assert referenced_entry(message, NUMBERS) == reference


@pytest.mark.parametrize(
    "message",
    [
        "can ICE keep my data for 5 years?",  # a question with a number in it
        "question 25",  # no such entry
        "questions 5 and 6",  # two numbers
        "is question 5 about SNAP?",
        "2019",
        "what is the number for legal aid",  # no number
        "",
    ],
)
def test_anything_else_is_a_question(message):
    assert referenced_entry(message, NUMBERS) is None


def test_asking_by_number_quotes_that_entry(bot):
    a = bot.ask("question 5")
    assert (a.kind, a.question_number, a.answer) == ("faq", 5, bot.entry(5).answer)
    es = bot.ask("¿qué dice la pregunta 10?")
    assert (es.question_number, es.language) == (10, "es")
    assert bot.ask("question 99").kind == "declined"


def test_a_number_after_a_list_of_questions_opens_that_one_in_the_conversations_language(bot):
    first = bot.ask("¿pueden usar mis datos para deportar a mi tío que vive en otro estado?")
    offered = [h.number for h in first.alternatives]
    assert offered
    pick = bot.ask(str(offered[-1]), history=[first])
    assert (pick.kind, pick.question_number) == ("faq", offered[-1])
    assert pick.language == first.language == "es"


@pytest.mark.parametrize(
    "message, place",
    [
        ("the second one", 2),
        ("la segunda", 2),
        ("la segunda opción", 2),
        ("show me the last one", -1),
        ("el primero por favor", 1),
        ("1st", 1),
        ("what is the first amendment", None),  # asks something else
        ("first, does ICE get my data?", None),
        ("la primera vez que apliqué", None),
        ("the second question 5", None),  # a number: that entry, not a place
    ],
)
def test_a_place_in_the_last_list(message, place):
    assert referenced_position(message) == place


def test_the_second_one_is_the_second_question_the_last_reply_listed(bot):
    first = bot.ask("can i get a drivers license without papers in nm?")
    listed = [h.number for h in first.alternatives]
    assert len(listed) >= 2
    second = bot.ask("the second one", history=[first])
    assert (second.kind, second.question_number) == ("faq", listed[1])
    assert bot.ask("la última", history=[first]).question_number == listed[-1]
    assert bot.ask("the second one").kind != "faq"  # no list to pick from: not an entry
