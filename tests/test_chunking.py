"""Chunking: every passage keeps its source question number; lists split into items."""

from __future__ import annotations

import re

from faqbot.chunking import chunk_entries, split_answer, split_sentences
from faqbot.models import Entry


def test_every_entry_has_its_question_and_answer_passages(corpus):
    chunks = chunk_entries(corpus.entries)
    for entry in corpus.entries:
        mine = [c for c in chunks if c.number == entry.number]
        assert [c.text for c in mine if c.kind == "question"] == [entry.question]
        answers = [c.text for c in mine if c.kind == "answer"]
        assert answers, f"entry {entry.number} has no answer passage"
        # every answer sentence appears in some passage
        for line in entry.answer.splitlines():
            for sentence in split_sentences(re.sub(r"^(\d+\.|–)\s+", "", line)):
                words = sentence.split()[-4:]
                assert any(" ".join(words) in a for a in answers), (entry.number, sentence)


def test_list_items_become_their_own_passages(corpus):
    passages = split_answer(corpus.by_number[3].answer)
    assert any(p.startswith("Data Encryption: New Mexico employs robust encryption") for p in passages)
    assert not any(p.startswith("2.") for p in passages)  # the list marker is dropped


def test_list_headings_are_prefixed_to_their_items(corpus):
    passages = split_answer(corpus.by_number[13].answer)
    assert any(p.startswith("Challenges: Privacy concerns:") for p in passages)
    assert "Benefits:" not in passages


def test_long_prose_is_split_into_overlapping_windows():
    answer = " ".join(f"Sentence number {i} is here." for i in range(1, 8))
    passages = split_answer(answer)
    assert len(passages) == 3
    assert passages[0].startswith("Sentence number 1") and "number 3" in passages[0]
    assert passages[1].startswith("Sentence number 3")  # one sentence of overlap
    assert passages[-1].endswith("Sentence number 7 is here.")


def test_alternates_are_passages_of_their_entry():
    chunks = chunk_entries([Entry(4, "Q?", "A.", ("other way to ask",))])
    assert [(c.kind, c.number) for c in chunks] == [("question", 4), ("alternate", 4), ("answer", 4)]
