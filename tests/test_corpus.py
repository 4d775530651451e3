"""The corpus parser: the real seed FAQ, the JSON/JSONL/CSV formats and malformed files."""

from __future__ import annotations

import json

import pytest

from faqbot import CorpusError, load_corpus
from faqbot.corpus import parse_numbered_text

from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "new-mexico-benefits-data-ice.txt"


def test_seed_has_exactly_20_entries_numbered_1_to_20(corpus):
    assert [e.number for e in corpus.entries] == list(range(1, 21))
    assert all(e.question.endswith("?") for e in corpus.entries)


def test_answer_lists_stay_inside_their_answers(corpus):
    e3 = corpus.by_number[3]
    assert e3.question.startswith("How does New Mexico ensure the privacy and security")
    assert "1. Data Protection Policies:" in e3.answer
    assert "3. Regular Audits and Monitoring:" in e3.answer
    assert e3.answer.rstrip().endswith("individuals receiving state benefits.")
    e13 = corpus.by_number[13]
    assert "1. Benefits:" in e13.answer and "2. Challenges:" in e13.answer
    assert "– Legal and ethical considerations" in e13.answer
    assert corpus.by_number[14].question.startswith("How does New Mexico balance")


def test_answer_20_is_intact_including_its_leading_list(corpus):
    e20 = corpus.by_number[20]
    assert e20.answer.startswith("1. In New Mexico, the state communicates with the public")
    assert e20.answer.count("\n") == 5  # six list items, 1. to 6.
    assert e20.answer.rstrip().endswith("shared with federal immigration authorities.")


def test_curly_quotes_and_dashes_are_kept_verbatim(corpus):
    assert "state’s Motor Vehicle Division" in corpus.by_number[1].answer
    assert "“Immigration and Nationality Act”" in corpus.by_number[4].answer


def test_title_comes_from_the_meta_sidecar(corpus):
    assert "New Mexico" in corpus.title


def test_digest_changes_when_the_source_changes(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. Q one?\nA one.\n", encoding="utf-8")
    first = load_corpus(src).sha256
    src.write_text("1. Q one?\nA one, changed.\n", encoding="utf-8")
    assert load_corpus(src).sha256 != first


def test_preamble_lines_become_the_title(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("Library opening hours\n\n1. When do you open?\nAt nine.\n2. Do you close on Sundays?\nYes.\n")
    c = load_corpus(src)
    assert c.title == "Library opening hours"
    assert [e.number for e in c.entries] == [1, 2]


def test_questions_without_question_marks_fall_back_to_numbers(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. Opening hours\nNine to five.\n2. Parking\nBehind the building.\n")
    assert [e.question for e in load_corpus(src).entries] == ["Opening hours", "Parking"]


def test_jsonl_with_numbers_and_alternates(tmp_path):
    src = tmp_path / "faq.jsonl"
    rows = [
        {"question": "How do I reset my password?", "answer": "Use the link.", "number": 7,
         "alternates": ["forgot password"]},
        {"question": "Where is the office?", "answer": "Main street."},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    c = load_corpus(src)
    assert [e.number for e in c.entries] == [7, 2]
    assert c.entries[0].alternates == ("forgot password",)


def test_json_list(tmp_path):
    src = tmp_path / "faq.json"
    src.write_text(json.dumps([{"question": "A?", "answer": "a"}, {"question": "B?", "answer": "b"}]))
    assert [e.number for e in load_corpus(src).entries] == [1, 2]


def test_csv_with_header(tmp_path):
    src = tmp_path / "faq.csv"
    src.write_text('number,Question,Answer\n3,"Is it free?","Yes, it is free."\n4,Who runs it?,The city.\n')
    c = load_corpus(src)
    assert [(e.number, e.question) for e in c.entries] == [(3, "Is it free?"), (4, "Who runs it?")]
    assert c.entries[0].answer == "Yes, it is free."


def test_alternates_sidecar_is_merged(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. When do you open?\nAt nine.\n")
    (tmp_path / "faq.alternates.json").write_text(json.dumps({"1": ["opening time"]}))
    assert load_corpus(src).entries[0].alternates == ("opening time",)


def test_out_of_scope_sidecar_is_read_and_signed(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. When do you open?\nAt nine.\n")
    before = load_corpus(src)
    assert before.out_of_scope == ()
    side = tmp_path / "faq.out-of-scope.json"
    side.write_text(json.dumps({"_about": "not answered here", "questions": ["  where do I  park? ", ""]}))
    after = load_corpus(src)
    assert after.out_of_scope == ("where do I park?",)
    assert after.sha256 != before.sha256  # a changed sidecar makes the index stale


def test_bundled_faq_has_out_of_scope_examples(corpus):
    assert len(corpus.out_of_scope) >= 60


@pytest.mark.parametrize("content", ['{"questions": "where?"}', '{"questions": [1, 2]}', '{"other": []}'])
def test_malformed_out_of_scope_sidecar_names_the_file(tmp_path, content):
    src = tmp_path / "faq.txt"
    src.write_text("1. When do you open?\nAt nine.\n")
    (tmp_path / "faq.out-of-scope.json").write_text(content)
    with pytest.raises(CorpusError, match=r"faq.out-of-scope.json.*list of strings"):
        load_corpus(src)


@pytest.mark.parametrize(
    "name, content, message, line",
    [
        ("empty.txt", "", "no FAQ entries", None),
        ("noanswer.txt", "1. First?\nAnswer.\n2. Second?\n\n3. Third?\nC.\n", "question 2 has no answer", 3),
        ("gap.txt", "1. First?\nA.\n2. Second?\nB.\n4. Fourth?\nD.\n", "expected question 3", 5),
        ("start.txt", "2. Second?\nB.\n", "first question must be number 1", 1),
        ("dup.jsonl", '{"question":"A?","answer":"a","number":1}\n{"question":"B?","answer":"b","number":1}\n',
         "duplicate question number 1", 2),
        ("noanswer.jsonl", '{"question":"A?","answer":"a"}\n{"question":"B?"}\n', "has no answer", 2),
        ("bad.jsonl", '{"question":"A?","answer":"a"}\n{"question": oops}\n', "invalid JSON", 2),
        ("bad.json", '{"question": "A?"}', "must be a list", 1),
        ("nocol.csv", "question,reply\nA?,a\n", "missing: answer", 1),
        ("dup.csv", "number,question,answer\n1,A?,a\n1,B?,b\n", "duplicate question number 1", 3),
        ("badnum.csv", "number,question,answer\nx,A?,a\n", "whole number", 2),
        # bytes that are not UTF-8 text, in every format
        ("latin1.txt", "1. ¿Qué datos?\nLos datos del año.\n".encode("latin-1"), "not valid UTF-8", 1),
        ("late-bad-byte.txt", b"1. Question one?\nAnswer one.\n2. Question two?\nAnswer \xc3\x28 two.\n", "not valid UTF-8", 4),
        ("binary.txt", b"1. Q?\nA\x00\x01\x02\n", "NUL byte", 2),
        ("utf16.txt", "1. Question?\nAnswer.\n".encode("utf-16"), "not valid UTF-8", 1),
        ("blank.txt", b"   \n\n\t\n", "no FAQ entries", None),
        ("bad.json", b'[{"question": "Q?", "answer": "A"},\n {"question": "Q2?", "answer": "\xff"}]', "not valid UTF-8", 2),
        ("bad.jsonl", b'{"question": "Q?", "answer": "A"}\n{"question": \x00}\n', "NUL byte", 2),
        ("bad.csv", b"question,answer\nQ?,A\n\xfe\xff,B\n", "not valid UTF-8", 3),
    ],
)
def test_malformed_files_are_refused_naming_file_and_line(tmp_path, name, content, message, line):
    src = tmp_path / name
    src.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    with pytest.raises(CorpusError) as info:
        load_corpus(src)
    text = str(info.value)
    assert name in text and message in text
    if line is not None:
        assert f"line {line}" in text
        assert info.value.line == line


def test_undecodable_bytes_are_refused_with_the_line(tmp_path):
    src = tmp_path / "latin1.txt"
    src.write_bytes("1. ¿Qué es?\nRespuesta.\n".encode("utf-8") + b"2. Caf\xe9?\nB.\n")
    with pytest.raises(CorpusError, match=r"latin1.txt, line 3: not valid UTF-8"):
        load_corpus(src)


def test_binary_file_is_refused(tmp_path):
    src = tmp_path / "image.txt"
    src.write_bytes(b"1. Q?\nA\x00\x00\x01")
    with pytest.raises(CorpusError, match="NUL byte"):
        load_corpus(src)


def test_missing_file(tmp_path):
    with pytest.raises(CorpusError, match="no such FAQ file"):
        load_corpus(tmp_path / "nope.txt")


def test_parse_numbered_text_directly():
    title, entries = parse_numbered_text(DEFAULT_CORPUS.read_text(encoding="utf-8"))
    assert title == "" and len(entries) == 20
