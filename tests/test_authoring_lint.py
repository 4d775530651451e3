"""faqbot lint's checks on small FAQs, with the fake embedder (the real model: test_authoring_quality)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from toy_faqs import write_broken, write_clean

from faqbot.authoring import lint
from faqbot.authoring.lint import EntryCheck, Finding, LintReport
from faqbot.corpus import corpus_from_entries, load_corpus
from faqbot.models import Entry


def codes(findings):
    return sorted(f.code for f in findings)


def test_a_clean_faq_has_no_errors(tmp_path, fake_embedder):
    report = lint.lint_corpus(load_corpus(write_clean(tmp_path)), fake_embedder)
    assert report.count("error") == 0 and report.exit_status == 0
    assert report.entries == 5 and report.phrasings == 15
    assert not [f for f in report.findings if f.code.startswith("no-")]  # every sidecar is there
    assert sum(c.held_out for c in report.checks) == 10  # every alternate held out once


def test_a_duplicated_question_and_an_empty_alternate_are_errors(tmp_path, fake_embedder):
    path = write_broken(tmp_path)
    report = lint.lint_corpus(load_corpus(path), fake_embedder)
    errors = [f for f in report.findings if f.severity == "error"]
    assert codes(errors) == ["duplicate-question", "empty-alternate"]
    dup = next(f for f in errors if f.code == "duplicate-question")
    assert (dup.entry, dup.other) == (1, 5)
    empty = next(f for f in errors if f.code == "empty-alternate")
    assert empty.entry == 2 and empty.file.endswith("broken.alternates.json") and empty.line == 6
    assert empty.figures == {"position": 3}
    assert report.exit_status == 1
    assert report.findings[0].severity == "error"  # errors first


def test_alternates_in_the_wrong_place_are_errors():
    entries = [
        Entry(1, "How do I get a card?", "At the desk.", ("card please", "when are you open", "card please")),
        Entry(2, "When are you open?", "9 to 5.", ("when are you open", "opening hours")),
        Entry(3, "Is there wifi?", "Yes.", ("Is there wifi?",)),
    ]
    found = lint.check_text(corpus_from_entries(entries))
    assert codes(found) == [
        "alternate-in-two-entries",
        "alternate-is-other-question",
        "alternate-is-own-question",  # entry 2, told apart from its question only by "?"
        "alternate-is-own-question",
        "duplicate-alternate",
    ]
    other = next(f for f in found if f.code == "alternate-is-other-question")
    assert (other.entry, other.other, other.severity) == (1, 2, "error")


@pytest.mark.parametrize(
    ("name", "content", "entry"),
    [
        (
            "faq.json",
            [{"question": "A?", "answer": "a", "alternates": ["x", ""]}, {"question": "B?", "answer": "b"}],
            1,
        ),
        ("faq.jsonl", None, 2),
        ("faq.csv", "number,question,answer,alternates\n1,A?,a,x\n2,B?,b,y||z\n", 2),
    ],
)
def test_empty_alternates_are_found_in_every_format(tmp_path, name, content, entry):
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(content))
    elif name.endswith(".jsonl"):
        path.write_text(
            '{"question": "A?", "answer": "a"}\n{"question": "B?", "answer": "b", "alternates": [" "]}\n'
        )
    else:
        path.write_text(content)
    found = [f for f in lint.check_text(load_corpus(path)) if f.code == "empty-alternate"]
    assert [f.entry for f in found] == [entry]
    if name.endswith(".jsonl"):
        assert found[0].line == 2


def test_missing_sidecars_say_what_they_would_improve(tmp_path):
    path = tmp_path / "bare.txt"
    path.write_text("1. Is there wifi?\nYes.\n")
    found = {f.code: f for f in lint.check_sidecars(load_corpus(path))}
    assert set(found) == {"no-alternates", "no-out-of-scope", "no-meta", "no-contact"}
    assert found["no-alternates"].severity == "warning"
    assert "teach the bot" in found["no-out-of-scope"].message and found["no-meta"].severity == "info"
    assert found["no-alternates"].file.endswith("bare.alternates.json")


def test_robust_z():
    z = lint.robust_z(np.array([1.0, 1.1, 0.9, 1.0, 5.0]))
    assert z[-1] > 3.5 and abs(z[0]) < 1
    assert lint.robust_z(np.array([2.0, 2.0, 2.0])).tolist() == [0.0, 0.0, 0.0]


def _vectors(questions, answers):
    q = np.asarray(questions, dtype=np.float32)
    return lint._Vectors(
        q, np.asarray(answers, dtype=np.float32), q, np.arange(len(q)), [f"q{i}" for i in range(len(q))]
    )


def _corpus(n):
    return corpus_from_entries([Entry(i, f"Question {i}?", f"Answer {i}.") for i in range(1, n + 1)])


def test_near_duplicate_questions_are_outliers_of_this_faqs_pairs():
    rng = np.random.default_rng(0)
    q = rng.standard_normal((12, 32))
    q[11] = q[10] + 0.05 * rng.standard_normal(32)  # entries 11 and 12 nearly the same
    found = lint.check_near_duplicates(_corpus(12), _vectors(q, q))
    assert [(f.entry, f.other) for f in found] == [(11, 12)]
    assert found[0].figures["z"] >= 3.5 and found[0].figures["cosine"] > 0.9


def test_an_answer_off_its_question_is_an_outlier_of_this_faqs_pairs():
    rng = np.random.default_rng(1)
    q = rng.standard_normal((8, 16))
    a = q + 0.3 * rng.standard_normal((8, 16))
    a[2] = q[5] + 0.3 * rng.standard_normal(16)  # entry 3's answer answers entry 6
    found = lint.check_answers(_corpus(8), _vectors(q, a))
    assert [(f.entry, f.other) for f in found] == [(3, 6)]
    assert "matches entry 6's question better" in found[0].message


def test_confusions_over_the_share_and_count_are_reported():
    checks = [
        EntryCheck(8, held_out=20, right=15, declined=1, landed={11: 3, 2: 1, 4: 1}),
        EntryCheck(9, held_out=10, right=9, declined=0, landed={3: 1}),  # 10%, but one phrasing
    ]
    found = lint.check_confusions(checks)
    assert [(f.entry, f.other) for f in found] == [(8, 11)]
    assert found[0].message.startswith("15% of entry 8's phrasings go to entry 11 (3 of 20")
    assert found[0].figures == {"share": 0.15, "count": 3, "held_out": 20}


def test_cross_validation_holds_each_alternate_out_once(tmp_path, fake_embedder):
    corpus = load_corpus(write_clean(tmp_path))
    cached = lint.CachedEmbedder(fake_embedder)
    checks, threshold = lint.cross_validate(corpus, cached, folds=2)
    assert {c.entry: c.held_out for c in checks} == {n: 2 for n in range(1, 6)}
    assert threshold is not None
    before = cached.misses
    lint.cross_validate(corpus, cached, folds=2)
    assert cached.misses == before  # the second run encodes nothing


def test_entries_without_alternates_are_checked_by_their_question(tmp_path, fake_embedder):
    path = tmp_path / "plain.txt"
    path.write_text(
        "1. Is there wifi at the library?\nYes.\n\n2. Is there free wifi at the library?\nYes, free.\n"
    )
    report = lint.lint_corpus(load_corpus(path), fake_embedder)
    assert report.checks == []
    overlap = [f for f in report.findings if f.code == "question-overlap"]
    assert all(f.severity == "warning" and f.figures["confidence"] >= f.figures["threshold"] for f in overlap)


def test_text_and_json_outputs():
    report = LintReport(
        "faq.txt",
        "T",
        "m",
        2,
        4,
        [
            Finding(
                "duplicate-question", "error", "entries 1 and 2 ask the same question", 1, 2, file="faq.txt"
            )
        ],
        [EntryCheck(1, 4, 3, 0, {2: 1})],
        1.5,
    )
    text = lint.to_text(report)
    assert "error    duplicate-question" in text and "faq.txt / entry 1 / entry 2" in text
    assert "75.0% of 4" in text and text.rstrip().endswith("1 error, 0 warnings, 0 infos; 1.5s")
    data = json.loads(lint.to_json(report))
    assert data["exit_status"] == 1 and data["counts"] == {"error": 1, "warning": 0, "info": 0}
    assert data["findings"][0]["location"] == "faq.txt / entry 1 / entry 2"


def test_a_saved_index_of_the_same_model_seeds_the_cache(tmp_path):
    """Seeded vectors are the index's passage-role vectors: a model that encodes a question
    differently as a query (e5 does) still gets its questions encoded as queries."""
    from fakes import HashEmbedder

    from faqbot.authoring.cache import CachedEmbedder
    from faqbot.build import build_index

    class RoleAware(HashEmbedder):
        def _encode(self, texts, role):
            vectors = super()._encode(texts, role)
            return np.roll(vectors, 1, axis=1) if role == "passage" else vectors

    model = RoleAware()
    corpus = load_corpus(write_clean(tmp_path))
    index = build_index(corpus, model)
    cached = CachedEmbedder(model)
    assert cached.seed(index) == len(index.chunk_text)
    passages = list(index.chunk_text)
    assert np.allclose(cached.encode(passages, role="passage"), model.encode(passages, role="passage"))
    assert cached.misses == 0
    phrasings = [p for e in corpus.entries for p in (e.question, *e.alternates)]
    assert np.allclose(cached.encode(phrasings, role="query"), model.encode(phrasings, role="query"))
    assert cached.misses == len(set(phrasings))  # queries come from the model, not the index
    index.manifest["model"] = {"sha256": "another model"}
    assert CachedEmbedder(model).seed(index) == 0  # never another model's vectors
