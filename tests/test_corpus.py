"""The corpus parser: the real seed FAQ and the JSON/JSONL/CSV formats, read as meant.

Bad files: test_corpus_bad_files.py; numbered-text readings: test_corpus_numbered.py;
the meta sidecar: test_corpus_meta.py; fuzzing: test_corpus_fuzz.py.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from faqbot import load_corpus
from faqbot.corpus import parse_numbered_text

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
    src.write_text(
        "Library opening hours\n\n1. When do you open?\nAt nine.\n2. Do you close on Sundays?\nYes.\n"
    )
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
        {
            "question": "How do I reset my password?",
            "answer": "Use the link.",
            "number": 7,
            "alternates": ["forgot password"],
        },
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


def test_parse_numbered_text_directly():
    title, entries = parse_numbered_text(DEFAULT_CORPUS.read_text(encoding="utf-8"))
    assert title == "" and len(entries) == 20


def test_public_names_are_importable_from_faqbot_corpus():
    import faqbot.corpus as corpus_package

    for name in (
        "Corpus",
        "load_corpus",
        "corpus_from_entries",
        "iter_jsonl",
        "parse_numbered_text",
        "OUT_OF_SCOPE_SUFFIX",
        "Contact",
        "Link",
    ):
        assert hasattr(corpus_package, name), name
    assert corpus_package.OUT_OF_SCOPE_SUFFIX == ".out-of-scope.json"


def _digest_as_before(source: Path) -> str:
    """The corpus digest as it has always been computed: source bytes, then each sidecar."""
    h = hashlib.sha256(source.read_bytes())
    for suffix in (".meta.json", ".alternates.json", ".out-of-scope.json"):
        side = source.with_name(source.stem + suffix)
        if side.is_file():
            h.update(suffix.encode() + b"\0" + side.read_bytes())
    return h.hexdigest()


def test_digest_covers_the_source_and_every_sidecar_byte_as_before(corpus, tmp_path):
    assert corpus.sha256 == _digest_as_before(DEFAULT_CORPUS)  # the committed index stays valid
    src = tmp_path / "faq.txt"
    src.write_text("1. When do you open?\nAt nine.\n")
    seen = {load_corpus(src).sha256}
    (tmp_path / "faq.meta.json").write_text(json.dumps({"language": "es"}))
    seen.add(load_corpus(src).sha256)
    (tmp_path / "faq.meta.json").write_text(json.dumps({"language": "es"}) + " ")
    seen.add(load_corpus(src).sha256)
    assert len(seen) == 3
    assert load_corpus(src).sha256 == _digest_as_before(src)


LONG_ANSWER = "A long answer. " * 20_000  # longer than the csv module's default field limit


def test_a_long_answer_reads_the_same_from_csv_and_jsonl(tmp_path):
    csv_file = tmp_path / "faq.csv"
    csv_file.write_text(f'question,answer\nIs it long?,"{LONG_ANSWER}"\nIs it short?,No.\n')
    jsonl_file = tmp_path / "faq.jsonl"
    jsonl_file.write_text(
        json.dumps({"question": "Is it long?", "answer": LONG_ANSWER})
        + "\n"
        + json.dumps({"question": "Is it short?", "answer": "No."})
        + "\n"
    )
    assert load_corpus(csv_file).entries == load_corpus(jsonl_file).entries
    assert len(load_corpus(csv_file).entries[0].answer) == len(LONG_ANSWER.strip())


def test_csv_multi_line_answers_crlf_and_spaces_after_commas(tmp_path):
    src = tmp_path / "faq.csv"
    src.write_bytes(
        b"\xef\xbb\xbfNumber, Question, Answer\r\n"
        b'1, "Is it free?", "Yes, it is.\r\nAlways."\r\n'
        b"\r\n"
        b"2,Who runs it?,The city.,\r\n"
    )
    c = load_corpus(src)
    assert [(e.number, e.question, e.answer) for e in c.entries] == [
        (1, "Is it free?", "Yes, it is.\nAlways."),
        (2, "Who runs it?", "The city."),
    ]


def test_csv_alternates_and_blank_numbers(tmp_path):
    src = tmp_path / "faq.csv"
    src.write_text("number,question,answer,alternates\n,A?,a,first way| second way |\n7,B?,b,\n")
    c = load_corpus(src)
    assert [e.number for e in c.entries] == [1, 7]
    assert c.entries[0].alternates == ("first way", "second way")


@pytest.mark.parametrize("number, expected", [(None, 1), (3, 3), (3.0, 3), ("3", 3), (" 04 ", 4), (0, 0)])
def test_json_numbers_accepted(tmp_path, number, expected):
    src = tmp_path / "faq.json"
    src.write_text(json.dumps([{"question": "A?", "answer": "a", "number": number}]))
    assert load_corpus(src).entries[0].number == expected


def test_json_nulls_mean_not_given(tmp_path):
    src = tmp_path / "faq.jsonl"
    src.write_text(json.dumps({"question": "A?", "answer": "a", "number": None, "alternates": None}) + "\n")
    e = load_corpus(src).entries[0]
    assert (e.number, e.alternates) == (1, ())


def test_jsonl_keeps_a_raw_line_separator_inside_a_string(tmp_path):
    src = tmp_path / "faq.jsonl"
    src.write_text(
        json.dumps({"question": "A?", "answer": "x\u2028y"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    assert len(load_corpus(src).entries) == 1


def test_crlf_and_cr_numbered_text_read_like_lf(tmp_path):
    body = "Title\n1. When do you open?\nAt nine.\n2. Parking?\nBehind.\n"
    src = tmp_path / "faq.txt"
    results = []
    for newline in ("\n", "\r\n", "\r"):
        src.write_bytes(body.replace("\n", newline).encode())
        c = load_corpus(src)
        results.append((c.title, c.entries))
    assert results[0] == results[1] == results[2]


def test_alternates_sidecar_keys_may_have_leading_zeros_and_comments(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_text("1. When do you open?\nAt nine.\n")
    (tmp_path / "faq.alternates.json").write_text(json.dumps({"_about": "x", "01": ["opening time"]}))
    assert load_corpus(src).entries[0].alternates == ("opening time",)
