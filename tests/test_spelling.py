"""Shorthand written out and typing slips mended before the search (retrieval/spelling.py)."""

from __future__ import annotations

import pytest

from faqbot.retrieval.spelling import Spelling, _one_edit

FAQ_WORDS = frozenset(
    "when does the library open on saturday parking is free at stations how many items can "
    "you borrow times a complaint compliant shared data complex".split()
)


@pytest.fixture(scope="module")
def spelling() -> Spelling:
    return Spelling(FAQ_WORDS, "en")


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        ("what time do you close on saturdy", "what time do you close on saturday"),  # a letter left out
        ("is parkin free at the stations", "is parking free at the stations"),
        ("is parkinng free at the stations", "is parking free at the stations"),  # a letter added
        ("is parkimg free at the stations", "is parking free at the stations"),  # a letter changed
        ("is prakingg free", "is prakingg free"),  # two edits away: not mended
    ],
)
def test_a_slip_one_edit_from_exactly_one_faq_word_is_mended(spelling, typed, mended):
    assert spelling.mend(typed) == mended


@pytest.mark.parametrize(
    "typed",
    [
        "is the data scared with ICE",  # a dictionary word, however near a FAQ word ("shared")
        "the state complies with the law",  # a form of a dictionary word ("comply")
        "i wasnt told, is the data shared",  # a contraction typed without its apostrophe
        "how do i file a complant on the bus",  # "complaint" or "compliant"? ambiguous
        "how many itmes can you borrow",  # "items" or "times"? ambiguous
        "is Parkin free at the stations",  # capitalised: maybe a name
        "is daca shared like the data",  # short words have too many neighbours ("data")
        "¿a qué hora abre la biblioteca el sabado?",  # not English: no English slip
        "parkin",  # no function word says which language it is
    ],
)
def test_what_is_not_a_clear_slip_stays_as_typed(spelling, typed):
    assert spelling.mend(typed) == typed


@pytest.mark.parametrize(
    ("typed", "written_out"),
    [
        ("r u open on saturday", "are you open on saturday"),  # no function word: the shorthand says English
        ("do they share data w/ the state?", "do they share data with the state?"),
        ("q es lo que comparten?", "que es lo que comparten?"),  # Spanish shorthand in a Spanish question
        ("r u open on saturdy", "are you open on saturday"),  # written out, then recognised as English
        ("is the 2 bus free", "is the 2 bus free"),  # no digits: "the 2 bus"
        ("U R here", "U R here"),  # capitals: not shorthand
        ("x-ray at the library?", "x-ray at the library?"),  # inside a word
    ],
)
def test_shorthand_is_written_out_in_the_questions_language(spelling, typed, written_out):
    assert spelling.mend(typed) == written_out


def test_shorthand_is_written_out_whatever_the_faqs_language():
    spanish = Spelling(frozenset({"biblioteca"}), "es")
    assert spanish.mend("pq cierra la biblioteca?") == "porque cierra la biblioteca?"


def test_a_faq_in_a_language_without_a_dictionary_is_not_mended():
    spanish = Spelling(frozenset({"sabado", "biblioteca"}), "es")
    assert not spanish.active
    assert spanish.mend("la biblioteca abre el sabadoo?") == "la biblioteca abre el sabadoo?"


def test_one_edit_covers_deletion_transposition_replacement_and_insertion():
    near = _one_edit("abc")
    assert {"ab", "bac", "abd", "abcd", "xabc"} <= near
    assert "abc" not in near and "cba" not in near


def test_the_bot_searches_the_mended_question_and_shows_the_typed_one(bot):
    typed, spelled = "do they ask permision first", "do they ask permission first"
    answer = bot.ask(typed)
    assert answer.kind == "faq"
    assert answer.question_number == bot.ask(spelled).question_number
    assert answer.query == typed
    assert [h.number for h in bot.search(typed, k=3)] == [h.number for h in bot.search(spelled, k=3)]
