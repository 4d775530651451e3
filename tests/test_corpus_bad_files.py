"""Every bad FAQ file is refused with one CorpusError of one line, naming the file and line.

``BAD_FILES`` is the table: (description, file name, bytes, fragment of the
message, line). A file named like a sidecar (``faq.meta.json`` ...) is written
beside a good ``faq.txt``, which is what gets loaded. The line is the one the
error names, or None when the problem is not on one line.
"""

from __future__ import annotations

import json
import os

import pytest

from faqbot import CorpusError, load_corpus
from faqbot.corpus import _text

SIDECARS = (".meta.json", ".alternates.json", ".out-of-scope.json")
GOOD_SOURCE = b"1. When do you open?\nAt nine.\n"


def j(value: object) -> bytes:
    return json.dumps(value).encode()


def side(value: object) -> bytes:
    """A sidecar as people write it: one key or value per line."""
    return json.dumps(value, indent=1, ensure_ascii=False).encode()


def row(**fields: object) -> dict:
    return {"question": "Q?", "answer": "A.", **fields}


BAD_FILES: list[tuple[str, str, bytes, str, int | None]] = [
    # --- numbered text -----------------------------------------------------------------
    ("empty file", "empty.txt", b"", "no FAQ entries", None),
    ("only blank lines", "blank.txt", b"   \n\n\t\n", "no FAQ entries", None),
    ("text with no numbered lines", "prose.txt", b"Some prose.\nMore prose.\n", "no FAQ entries", None),
    (
        "a question without an answer",
        "noanswer.txt",
        b"1. First?\nAnswer.\n2. Second?\n\n3. Third?\nC.\n",
        "question 2 has no answer",
        3,
    ),
    (
        "the last question without an answer",
        "lastnoanswer.txt",
        b"1. First?\nA.\n2. Second?\n\n",
        "question 2 has no answer",
        3,
    ),
    (
        "a skipped question number",
        "gap.txt",
        b"1. First?\nA.\n2. Second?\nB.\n4. Fourth?\nD.\n",
        "expected question 3 next but found question 4",
        5,
    ),
    ("the first question is not 1", "start.txt", b"2. Second?\nB.\n", "first question must be number 1", 1),
    (
        "a duplicated question number",
        "dup.txt",
        b"1. How fast is it?\nFast. People ask:\n2. Can it be faster?\nNot yet.\n2. How do I pay?\nBy card.\n",
        'question 2 could start at line 3 ("2. Can it be faster?") or line 5 ("2. How do I pay?")',
        5,
    ),
    (
        "a list item continues the questions after the last one",
        "listtail.txt",
        b"1. When?\nAt nine.\n2. What to check?\nCheck:\n3. Is it a holiday?\n",
        "question 3 has no answer; if line 5",
        5,
    ),
    (
        "a skipped number, CRLF line ends",
        "crlf.txt",
        b"1. A?\r\na\r\n2. B?\r\nb\r\n4. D?\r\nd\r\n",
        "expected question 3",
        5,
    ),
    (
        "a skipped number, CR-only line ends",
        "cr.txt",
        b"1. A?\ra\r2. B?\rb\r4. D?\rd\r",
        "expected question 3",
        5,
    ),
    (
        "a BOM, then a first question that is not 1",
        "bom.txt",
        b"\xef\xbb\xbf2. B?\nb\n",
        "first question must be number 1",
        1,
    ),
    (
        "Latin-1 bytes",
        "latin1.txt",
        "1. ¿Qué datos?\nLos datos del año.\n".encode("latin-1"),
        "not valid UTF-8",
        1,
    ),
    (
        "a bad byte late in the file",
        "late-bad-byte.txt",
        b"1. Question one?\nAnswer one.\n2. Question two?\nAnswer \xc3\x28 two.\n",
        "not valid UTF-8",
        4,
    ),
    (
        "a bad byte after CR-only line ends",
        "cr-bad-byte.txt",
        b"1. Q?\rA.\r2. Caf\xe9?\rB.\r",
        "not valid UTF-8",
        3,
    ),
    ("an encoded lone surrogate", "surrogate.txt", b"1. Q?\nA \xed\xa0\x80.\n", "not valid UTF-8", 2),
    ("NUL bytes: a binary file", "binary.txt", b"1. Q?\nA\x00\x01\x02\n", "NUL byte", 2),
    ("UTF-16", "utf16.txt", "1. Question?\nAnswer.\n".encode("utf-16"), "looks like UTF-16", 1),
    # --- JSON ------------------------------------------------------------------------------
    ("not a list", "obj.json", b'{"question": "A?"}', "must be a list", 1),
    (
        "invalid JSON",
        "broken.json",
        b'[{"question": "A?", "answer": "a"},\n {"question": oops}]',
        "invalid JSON",
        2,
    ),
    (
        "invalid JSON, CR-only line ends",
        "broken-cr.json",
        b'[\r{"question": "A?", "answer": "a"},\r{oops}]',
        "invalid JSON",
        3,
    ),
    (
        "an item that is not an object",
        "item.json",
        b'[{"question": "A?", "answer": "a"},\n "oops"]',
        "must be an object",
        2,
    ),
    ("an empty list", "emptylist.json", b"[]", "no FAQ entries", None),
    (
        "number 1e999 (infinite as a float)",
        "inf.json",
        b'[{"question": "Q?", "answer": "A.", "number": 1e999}]',
        "whole number from 0 to 999999999, got 1e999",
        1,
    ),
    ("number true", "bool.json", j([row(number=True)]), "whole number from 0 to 999999999, got true", 1),
    ("number 2.9", "frac.json", j([row(number=2.9)]), "got 2.9", 1),
    ("number NaN", "nan.json", b'[{"question": "Q?", "answer": "A.", "number": NaN}]', "got NaN", 1),
    (
        "number with 5000 digits",
        "huge.json",
        b'[{"question": "Q?", "answer": "A.", "number": ' + b"9" * 5000 + b"}]",
        "a number of 5000 digits",
        1,
    ),
    ("number beyond the limit", "big.json", j([row(number=10**12)]), "whole number from 0 to", 1),
    ("number as superscript two", "super.json", j([row(number="²")]), 'got "²"', 1),
    ("number negative", "neg.json", j([row(number=-1)]), "must not be negative", 1),
    ("number a list", "listnum.json", j([row(number=[1])]), "got [1]", 1),
    (
        "duplicate numbers",
        "dup.json",
        b'[{"question": "A?", "answer": "a"},\n{"question": "B?", "answer": "b", "number": 1}]',
        "duplicate question number 1 (also used at line 1)",
        2,
    ),
    ("question null", "qnull.json", j([row(question=None)]), "has no 'question' text", 1),
    ("question a number", "qnum.json", j([row(question=5)]), "'question' must be text, got 5", 1),
    ("answer null", "anull.json", j([row(answer=None)]), "has no answer", 1),
    ("answer an object", "aobj.json", j([row(answer={"text": "x"})]), "'answer' must be text", 1),
    ("alternates not strings", "alts.json", j([row(alternates=[1, 2])]), "list of strings", 1),
    ("alternates with null", "altnull.json", j([row(alternates=["x", None])]), "list of strings", 1),
    (
        "a NUL escape in an answer",
        "nul.json",
        b'[{"question": "Q?", "answer": "a\\u0000b"}]',
        "NUL character",
        1,
    ),
    (
        "a lone surrogate escape",
        "sur.json",
        b'[{"question": "Q?\\ud800", "answer": "a"}]',
        "lone surrogate",
        1,
    ),
    ("nested too deeply", "deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply", 1),
    (
        "nested too deeply inside an item",
        "deepitem.json",
        b'[{"question": "Q?",\n"answer": "a",\n"alternates": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]",
        "nested too deeply",
        3,
    ),
    (
        "a bad byte in a JSON file",
        "badbyte.json",
        b'[{"question": "Q?", "answer": "A"},\n {"question": "Q2?", "answer": "\xff"}]',
        "not valid UTF-8",
        2,
    ),
    # --- JSONL -------------------------------------------------------------------------------
    (
        "duplicate numbers",
        "dup.jsonl",
        b'{"question":"A?","answer":"a","number":1}\n{"question":"B?","answer":"b","number":1}\n',
        "duplicate question number 1",
        2,
    ),
    (
        "a line without an answer",
        "noanswer.jsonl",
        b'{"question":"A?","answer":"a"}\n{"question":"B?"}\n',
        "has no answer",
        2,
    ),
    (
        "invalid JSON on a line",
        "bad.jsonl",
        b'{"question":"A?","answer":"a"}\n{"question": oops}\n',
        "invalid JSON",
        2,
    ),
    ("a NUL byte", "nul.jsonl", b'{"question": "Q?", "answer": "A"}\n{"question": \x00}\n', "NUL byte", 2),
    (
        "a line that is a list",
        "list.jsonl",
        b'{"question":"A?","answer":"a"}\n\n[1, 2]\n',
        "must be an object",
        3,
    ),
    ("number true", "bool.jsonl", b'{"question":"A?","answer":"a","number":true}\n', "got true", 1),
    (
        "number 2.9 on a CRLF line",
        "frac.jsonl",
        b'{"question":"A?","answer":"a"}\r\n{"question":"B?","answer":"b","number":2.9}\r\n',
        "got 2.9",
        2,
    ),
    (
        "nested too deeply",
        "deep.jsonl",
        b'{"question":"A?","answer":"a"}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "nested too deeply",
        2,
    ),
    # --- CSV ---------------------------------------------------------------------------------
    ("no header row", "empty.csv", b"", "missing: question, answer", 1),
    ("a header row only", "header.csv", b"question,answer\n", "no FAQ entries", None),
    ("no answer column", "nocol.csv", b"question,reply\nA?,a\n", "missing: answer", 1),
    (
        "a column named twice",
        "twice.csv",
        b"question,answer,Question\nA?,a,b\n",
        "names column 'question' twice",
        1,
    ),
    (
        "duplicate numbers",
        "dup.csv",
        b"number,question,answer\n1,A?,a\n1,B?,b\n",
        "duplicate question number 1",
        3,
    ),
    ("number not a number", "badnum.csv", b"number,question,answer\nx,A?,a\n", "whole number", 2),
    ("number as superscript two", "super.csv", "number,question,answer\n²,A?,a\n".encode(), 'got "²"', 2),
    ("number 2.9", "frac.csv", b"number,question,answer\n2.9,A?,a\n", 'got "2.9"', 2),
    ("number negative", "neg.csv", b"number,question,answer\n-1,A?,a\n", "must not be negative", 2),
    (
        "an unquoted comma in an answer",
        "comma.csv",
        b"question,answer\nIs it free?,Yes, it is\n",
        "this row has 3 fields but the header row names 2 columns",
        2,
    ),
    ("a quoted field never closed", "unclosed.csv", b'question,answer\n"A?,a\nB?,b\n', "never closed", 2),
    ("a stray quote after a quoted field", "stray.csv", b'question,answer\n"A"?,a\n', "must be doubled", 2),
    (
        "a bad row after a multi-line answer",
        "multiline.csv",
        b'number,question,answer\n1,A?,"line one\nline two\nline three"\nx,B?,b\n',
        "whole number",
        5,
    ),
    (
        "a bad number in a row after a very long answer",
        "long.csv",
        b"number,question,answer\n1,A?," + b"x" * 200_000 + b"\ny,B?,b\n",
        "whole number",
        3,
    ),
    ("a bad byte in a CSV file", "bad.csv", b"question,answer\nQ?,A\n\xfe\xff,B\n", "not valid UTF-8", 3),
    ("a NUL byte in a CSV file", "nul.csv", b"question,answer\nQ?,A\x00\n", "NUL byte", 2),
    # --- sidecars ------------------------------------------------------------------------------
    ("meta: a list", "faq.meta.json", b"[]", "expected a JSON object, got a list", 1),
    ("meta: invalid JSON", "faq.meta.json", b'{\n"title": }', "invalid JSON", 2),
    ("meta: not UTF-8", "faq.meta.json", b'{"title": "\xe9"}', "not valid UTF-8", 1),
    ("meta: NUL byte", "faq.meta.json", b'{"title": "a"}\x00', "NUL byte", 1),
    (
        "meta: nested too deeply",
        "faq.meta.json",
        b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        "nested too deeply",
        1,
    ),
    ("meta: title a number", "faq.meta.json", side({"title": 5}), '"title" must be a string, got 5', 2),
    (
        "meta: description a list",
        "faq.meta.json",
        side({"description": ["x"]}),
        '"description" must be a string',
        2,
    ),
    ("meta: title with a lone surrogate", "faq.meta.json", b'{"title": "\\udfff"}', "lone surrogate", 1),
    ("meta: language a number", "faq.meta.json", side({"language": 1}), '"language" must be a string', 2),
    (
        "meta: language not a code",
        "faq.meta.json",
        side({"language": "English (US)"}),
        '"language" must be a language code',
        2,
    ),
    (
        "meta: contact a string",
        "faq.meta.json",
        side({"contact": "call us"}),
        '"contact" must be an object',
        2,
    ),
    (
        "meta: contact with nothing",
        "faq.meta.json",
        side({"contact": {}}),
        '"contact" needs a "text" or at least one link',
        2,
    ),
    (
        "meta: contact text a number",
        "faq.meta.json",
        side({"contact": {"text": 311}}),
        '"contact" "text" must be a string',
        2,
    ),
    (
        "meta: contact links an object",
        "faq.meta.json",
        side({"contact": {"text": "x", "links": {"url": "https://a.org"}}}),
        '"contact" "links" must be a list',
        2,
    ),
    (
        "meta: contact link without label",
        "faq.meta.json",
        side({"contact": {"links": [{"url": "https://a.org"}]}}),
        '"contact" link 1 needs a "label"',
        2,
    ),
    (
        "meta: contact link without url",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "Web"}]}}),
        '"contact" link 1 needs a "url"',
        2,
    ),
    (
        "meta: contact link javascript:",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "javascript:alert(1)"}]}}),
        "must start with https://",
        6,
    ),
    (
        "meta: contact link file:",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "file:///etc/passwd"}]}}),
        "must start with https://",
        6,
    ),
    (
        "meta: contact link data:",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "data:text/html,<b>hi</b>"}]}}),
        "link 1 url",
        6,
    ),
    (
        "meta: contact link relative",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "/help"}]}}),
        "must start with https://",
        6,
    ),
    (
        "meta: contact link without host",
        "faq.meta.json",
        side(
            {
                "contact": {
                    "links": [{"label": "ok", "url": "https://a.org"}, {"label": "x", "url": "https:/a.org"}]
                }
            }
        ),
        '"contact" link 2 url',
        10,
    ),
    (
        "meta: contact link with a space",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "https://a.org/x y"}]}}),
        "contains spaces",
        6,
    ),
    (
        "meta: contact link with a quote",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": 'https://a.org/"onclick="x'}]}}),
        "contains spaces, quotes",
        6,
    ),
    (
        "meta: contact link bad port",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "https://a.org:99999/"}]}}),
        "not a valid web address",
        6,
    ),
    (
        "meta: translations a list",
        "faq.meta.json",
        side({"translations": ["es"]}),
        '"translations" must be an object such as {"es": {"contact"',
        2,
    ),
    (
        "meta: translations keyed by a language name",
        "faq.meta.json",
        side({"translations": {"Spanish": {"disclaimer": "x"}}}),
        '"translations" is keyed by language codes',
        3,
    ),
    (
        "meta: a translation that is a string",
        "faq.meta.json",
        side({"translations": {"es": "hola"}}),
        'translations "es" must be an object',
        3,
    ),
    (
        "meta: a translated title",
        "faq.meta.json",
        side({"translations": {"es": {"title": "Preguntas"}}}),
        'translations "es" has "title"; only "contact" and "disclaimer" are translated',
        4,
    ),
    (
        "meta: a translated disclaimer that is a number",
        "faq.meta.json",
        side({"translations": {"es": {"disclaimer": 3}}}),
        'translations "es": "disclaimer" must be a string, got 3',
        4,
    ),
    (
        "meta: a translated contact link javascript:",
        "faq.meta.json",
        side({"translations": {"es": {"contact": {"links": [{"label": "x", "url": "javascript:1"}]}}}}),
        'translations "es": "contact" link 1 url',
        8,
    ),
    (
        "meta: contact mailto without address",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "mailto:"}]}}),
        "not an email address",
        6,
    ),
    (
        "meta: contact tel with letters",
        "faq.meta.json",
        side({"contact": {"links": [{"label": "x", "url": "tel:call-me"}]}}),
        "not a phone number",
        6,
    ),
    ("alternates: a list", "faq.alternates.json", b'["x"]', "expected a JSON object, got a list", 1),
    (
        "alternates: key superscript two",
        "faq.alternates.json",
        '{"²": ["x"]}'.encode(),
        'alternates given for "²"',
        1,
    ),
    ("alternates: key not a number", "faq.alternates.json", side({"one": ["x"]}), "not a question number", 2),
    (
        "alternates: key 1 twice (1 and 01)",
        "faq.alternates.json",
        side({"1": ["x"], "01": ["y"]}),
        "given twice",
        5,
    ),
    (
        "alternates: a question the FAQ lacks",
        "faq.alternates.json",
        side({"7": ["x"]}),
        "which the FAQ does not have",
        2,
    ),
    ("alternates: not strings", "faq.alternates.json", side({"1": [1]}), "must be a list of strings", 2),
    ("alternates: null", "faq.alternates.json", side({"1": None}), "must be a list of strings", 2),
    ("alternates: a string", "faq.alternates.json", side({"1": "x"}), "must be a list of strings", 2),
    ("alternates: a NUL escape", "faq.alternates.json", b'{"1": ["a\\u0000"]}', "NUL character", 1),
    (
        "out-of-scope: questions a string",
        "faq.out-of-scope.json",
        side({"questions": "where?"}),
        "list of strings",
        2,
    ),
    (
        "out-of-scope: questions numbers",
        "faq.out-of-scope.json",
        side({"questions": [1, 2]}),
        "list of strings",
        2,
    ),
    ("out-of-scope: no questions key", "faq.out-of-scope.json", side({"other": []}), "list of strings", None),
    ("out-of-scope: a list", "faq.out-of-scope.json", side(["where?"]), "expected a JSON object", 1),
    ("out-of-scope: null", "faq.out-of-scope.json", b"null", "expected a JSON object, got null", 1),
    (
        "out-of-scope: a lone surrogate",
        "faq.out-of-scope.json",
        b'{"questions": ["\\udc00"]}',
        "lone surrogate",
        1,
    ),
    (
        "out-of-scope: invalid JSON on line 3",
        "faq.out-of-scope.json",
        b'\n\n{"questions": [}',
        "invalid JSON",
        3,
    ),
]


@pytest.mark.parametrize(
    "description, name, content, message, line", BAD_FILES, ids=[f"{c[1]}: {c[0]}" for c in BAD_FILES]
)
def test_bad_file_is_refused_naming_file_and_line(tmp_path, description, name, content, message, line):
    target = tmp_path / name
    target.write_bytes(content)
    if name.endswith(SIDECARS):
        source = tmp_path / "faq.txt"
        source.write_bytes(GOOD_SOURCE)
    else:
        source = target
    with pytest.raises(CorpusError) as info:
        load_corpus(source)
    text = str(info.value)
    assert type(info.value) is CorpusError
    assert "\n" not in text and "\r" not in text, text
    assert text.startswith(f"{target}"), text
    assert message in text, text
    assert info.value.line == line, text
    if line is not None:
        assert text.startswith(f"{target}, line {line}: "), text


def test_table_names_are_unique_per_kind_of_problem():
    assert len({(c[0], c[1]) for c in BAD_FILES}) == len(BAD_FILES)


def test_missing_file(tmp_path):
    with pytest.raises(CorpusError, match="no such FAQ file"):
        load_corpus(tmp_path / "nope.txt")


def test_a_folder_is_not_a_faq_file(tmp_path):
    (tmp_path / "faq.txt").mkdir()
    with pytest.raises(CorpusError, match="no such FAQ file"):
        load_corpus(tmp_path / "faq.txt")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    src = tmp_path / "faq.txt"
    src.write_bytes(GOOD_SOURCE)
    src.chmod(0)
    try:
        with pytest.raises(CorpusError, match="cannot read the FAQ file"):
            load_corpus(src)
    finally:
        src.chmod(0o600)


def test_huge_files_are_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(_text, "MAX_FILE_BYTES", 1000)
    src = tmp_path / "faq.txt"
    src.write_bytes(b"1. Q?\n" + b"a" * 2000 + b"\n")
    with pytest.raises(CorpusError, match=r"faq.txt: the FAQ file is too large \(2,007 bytes"):
        load_corpus(src)
    src.write_bytes(GOOD_SOURCE)
    (tmp_path / "faq.alternates.json").write_bytes(b'{"1": ["' + b"x" * 2000 + b'"]}')
    with pytest.raises(CorpusError, match=r"faq.alternates.json: the sidecar is too large"):
        load_corpus(src)


def test_undecodable_bytes_are_refused_with_the_line(tmp_path):
    src = tmp_path / "latin1.txt"
    src.write_bytes("1. ¿Qué es?\nRespuesta.\n".encode() + b"2. Caf\xe9?\nB.\n")
    with pytest.raises(CorpusError, match=r"latin1.txt, line 3: not valid UTF-8"):
        load_corpus(src)
