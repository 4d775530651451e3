"""Fuzzing ``load_corpus``: any file gives a Corpus or one CorpusError, never anything else.

Hypothesis writes arbitrary JSON values, CSV text, numbered text and raw bytes to
a FAQ file (or a sidecar beside a good one) and loads it. A Corpus that comes
back must be sound: entries with distinct numbers, non-empty text that encodes
as UTF-8 and holds no NUL.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from faqbot import CorpusError, load_corpus
from faqbot.corpus import Corpus

FUZZ = settings(
    max_examples=150,
    deadline=None,
    database=None,  # nothing written into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SIDECARS = (".meta.json", ".alternates.json", ".out-of-scope.json")
GOOD_SOURCE = b"1. When do you open?\nAt nine.\n2. Where?\nMain street.\n"

# any character, surrogates included (JSON escapes them; raw, they are not UTF-8)
any_text = st.text(st.characters(blacklist_categories=()), max_size=12)
tricky_text = st.sampled_from(
    ["", " ", "?", "1", "²", "\x00", "\ud800", "\u2028", "\r\n", "-3", "2.9", "1e999"]
)
texts = any_text | tricky_text
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)
field_values = st.one_of(json_values, st.lists(texts, max_size=3), st.integers(-2, 30))
tricky_numbers = st.sampled_from(
    [True, False, 2.9, 3.0, -0.0, float("inf"), float("nan"), -1, 10**30, "²", "3", " 4 ", "x", None]
)
good_text = st.sampled_from(["Q?", "How do I pay?", "By card.", "  spaced \n text "])
records = st.fixed_dictionaries(
    # mostly well-formed, so that loading gets past the question and answer to the rest
    {
        "question": st.one_of(good_text, good_text, good_text, field_values),
        "answer": st.one_of(good_text, good_text, good_text, field_values),
    },
    optional={
        "number": tricky_numbers | field_values,
        "alternates": field_values | st.lists(texts, max_size=2),
    },
)
meta_values = st.fixed_dictionaries(
    {},
    optional={
        "title": json_values,
        "description": json_values,
        "language": json_values | st.sampled_from(["es", "pt-BR"]),
        "contact": json_values
        | st.fixed_dictionaries(
            {},
            optional={
                "text": json_values,
                "links": json_values
                | st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "label": json_values,
                            "url": texts
                            | st.sampled_from(["https://a.org", "tel:311", "mailto:a@b.org", "javascript:x"]),
                        },
                    ),
                    max_size=3,
                ),
            },
        ),
    },
)
sidecar_values = (
    json_values
    | meta_values
    | st.dictionaries(
        st.sampled_from(["1", "2", "01", "7", "_about", "²", "questions"]), json_values, max_size=3
    )
)


def dumps(value: object, ascii_only: bool) -> bytes:
    return json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module")
def folder():
    path = Path(tempfile.mkdtemp(prefix="faqbot-fuzz-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def load(folder: Path, name: str, content: bytes) -> Corpus | None:
    """Write ``content`` as ``name`` (a sidecar goes beside a good faq.txt) and load it.

    Returns the Corpus, or None when the file was refused (as it may be).
    """
    for old in folder.iterdir():
        old.unlink()
    (folder / name).write_bytes(content)
    source = folder / name
    if name.endswith(SIDECARS):
        source = folder / "faq.txt"
        source.write_bytes(GOOD_SOURCE)
    try:
        corpus = load_corpus(source)
    except CorpusError as exc:
        assert type(exc) is CorpusError
        message = str(exc)
        assert message.startswith(str(folder)) and "\n" not in message and "\r" not in message
        return None
    assert isinstance(corpus, Corpus)
    numbers = [e.number for e in corpus.entries]
    assert numbers and len(set(numbers)) == len(numbers)
    for e in corpus.entries:
        assert isinstance(e.number, int) and not isinstance(e.number, bool) and e.number >= 0
        for text in (e.question, e.answer, *e.alternates):
            assert isinstance(text, str) and text.strip() and "\x00" not in text
            text.encode("utf-8")
    for text in (corpus.title, corpus.description, corpus.language, *corpus.out_of_scope):
        assert isinstance(text, str) and "\x00" not in text
        text.encode("utf-8")
    return corpus


def never_a_number(value: object) -> bool:
    """A ``number`` no FAQ record may give: true/false or a number that is not whole."""
    if isinstance(value, bool):
        return True
    return isinstance(value, float) and not (
        value == value and abs(value) != float("inf") and value.is_integer()
    )


@FUZZ
@given(
    value=st.one_of(*[st.lists(records, min_size=1, max_size=3)] * 3, json_values),
    ascii_only=st.booleans(),
    lines=st.booleans(),
)
def test_fuzz_json_and_jsonl(folder, value, ascii_only, lines):
    if lines and isinstance(value, list):
        corpus = load(folder, "faq.jsonl", b"\n".join(dumps(v, ascii_only) for v in value))
    else:
        corpus = load(folder, "faq.json", dumps(value, ascii_only))
    if corpus is not None:
        assert not any(isinstance(v, dict) and never_a_number(v.get("number")) for v in value)


@FUZZ
@given(value=sidecar_values, suffix=st.sampled_from(SIDECARS), ascii_only=st.booleans())
def test_fuzz_sidecars(folder, value, suffix, ascii_only):
    load(folder, "faq" + suffix, dumps(value, ascii_only))


csv_cells = st.text(st.sampled_from(list('ab?1²2.9-, "|\n\r\x00é')), max_size=8)


@FUZZ
@given(
    header=st.sampled_from(
        ["question,answer", "number,question,answer,alternates", "Question, ANSWER", "", "q,a"]
    ),
    rows=st.lists(st.lists(csv_cells, max_size=5), max_size=5),
    quote=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_fuzz_csv(folder, header, rows, quote, newline):
    def cell(c: str) -> str:
        return '"' + c.replace('"', '""') + '"' if quote else c

    text = newline.join([header] + [",".join(cell(c) for c in r) for r in rows])
    load(folder, "faq.csv", text.encode("utf-8", "surrogatepass"))


numbered_lines = st.sampled_from(
    [
        "1. A?",
        "2. B?",
        "3. C?",
        "2. Dup?",
        "5. E?",
        "1) x",
        "2) y",
        "99999. Z?",
        "0. Zero?",
        "text",
        "",
        "   ",
        "# Title",
        "- item",
        "1.5 million?",
        "\x0c",
        "\u2028",
        "١. Arabic?",
    ]
) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)


@FUZZ
@given(lines=st.lists(numbered_lines, max_size=14), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_fuzz_numbered_text(folder, lines, newline):
    load(folder, "faq.txt", newline.join(lines).encode("utf-8"))


@FUZZ
@given(
    content=st.binary(max_size=200)
    | st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe1\x00", b"[" * 5000, b'{"a":' * 5000, b"\xed\xa0\x80"]),
    name=st.sampled_from(
        ["faq.txt", "faq.md", "faq.json", "faq.jsonl", "faq.csv", *("faq" + s for s in SIDECARS)]
    ),
)
def test_fuzz_raw_bytes(folder, content, name):
    load(folder, name, content)
