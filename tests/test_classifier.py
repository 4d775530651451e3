"""The phrasing classifier: training, probabilities, saving, and its place in the index."""

from __future__ import annotations

import numpy as np
import pytest

from faqbot import IndexMismatchError
from faqbot.build import build_index
from faqbot.corpus import corpus_from_entries
from faqbot.index import CLASSIFIER, MANIFEST, load_index, read_manifest, save_index
from faqbot.models import Entry
from faqbot.retrieval.classifier import MAX_ENTRIES, PhrasingClassifier, language_directions


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def clusters():
    """Three well-separated clusters of 8-d unit vectors, 6 per class, plus 'outside' ones."""
    rng = np.random.default_rng(0)
    centres = np.eye(8)[:4] * 3
    x = _unit(np.vstack([centres[i] + rng.normal(size=(6, 8)) * 0.3 for i in range(3)]))
    y = np.repeat(np.arange(3), 6)
    outside = _unit(centres[3] + rng.normal(size=(6, 8)) * 0.3)
    return x, y, outside, centres


def test_probabilities_point_to_the_right_entry(clusters):
    x, y, outside, centres = clusters
    clf = PhrasingClassifier.train(x, y, 3)
    for i in range(3):
        p, p_out = clf.probabilities(_unit(centres[i : i + 1])[0])
        assert int(np.argmax(p)) == i and p[i] > 0.5
        assert p_out == 0.0 and np.isclose(p.sum(), 1.0)
    assert not clf.has_outside


def test_outside_class_takes_questions_like_its_examples(clusters):
    x, y, outside, centres = clusters
    clf = PhrasingClassifier.train(x, y, 3, outside)
    assert clf.has_outside
    p, p_out = clf.probabilities(_unit(centres[3:4])[0])
    assert p_out > 0.5 and np.isclose(p.sum() + p_out, 1.0)
    p, p_out = clf.probabilities(_unit(centres[1:2])[0])
    assert int(np.argmax(p)) == 1 and p_out < 0.2


def test_two_classes_use_both_rows(clusters):
    """sklearn keeps one row for two classes; the classifier must still give both entries."""
    x, y, _, centres = clusters
    keep = y < 2
    clf = PhrasingClassifier.train(x[keep], y[keep], 2)
    assert clf.weights.shape[0] == 2
    assert int(np.argmax(clf.probabilities(_unit(centres[0:1])[0])[0])) == 0
    assert int(np.argmax(clf.probabilities(_unit(centres[1:2])[0])[0])) == 1


def test_no_classifier_for_one_entry_or_a_huge_faq(clusters):
    x, y, _, _ = clusters
    assert PhrasingClassifier.train(x[:6], y[:6], 1) is None
    assert PhrasingClassifier.train(x, y, MAX_ENTRIES + 1) is None


def test_an_entry_with_no_phrasing_never_wins(clusters):
    """Cross-validation can hold out an entry's every phrasing: its class stays, and loses."""
    x, y, _, _ = clusters
    clf = PhrasingClassifier.train(x[y < 2], y[y < 2], 3)
    assert clf is not None and clf.weights.shape[0] == 3
    probabilities, _ = clf.probabilities(x[y == 2][0])
    assert probabilities[2] < 1e-6


def test_save_and_load_round_trip(tmp_path, clusters):
    x, y, outside, centres = clusters
    clf = PhrasingClassifier.train(x, y, 3, outside)
    clf.save(tmp_path / "c.npz")
    back = PhrasingClassifier.load(tmp_path / "c.npz")
    v = _unit(centres[2:3])[0]
    assert np.allclose(back.probabilities(v)[0], clf.probabilities(v)[0])
    assert back.probabilities(v)[1] == pytest.approx(clf.probabilities(v)[1])


# --- in the index, on the real model ------------------------------------------


@pytest.fixture(scope="module")
def shop():
    return corpus_from_entries(
        [
            Entry(1, "Do you offer refunds?", "Yes, within 30 days.", ("can I return something",)),
            Entry(2, "How long does shipping take?", "Three to five days.", ("when will my order arrive",)),
            Entry(3, "Do you ship abroad?", "Only within the EU.", ("international delivery",)),
        ],
        out_of_scope=["what is the weather tomorrow", "who won the football match", "tell me a recipe"],
    )


def test_index_trains_saves_and_reloads_the_classifier(tmp_path, shop, embedder):
    built = build_index(shop, embedder)
    assert built.classifier is not None and built.classifier.has_outside
    assert built.manifest["classifier"] == {
        "classes": 4,
        "out_of_scope_examples": 3,
        "generic_outside_examples": 424,
    }
    save_index(built, tmp_path)
    assert CLASSIFIER in read_manifest(tmp_path)["files"]
    loaded = load_index(tmp_path, shop, embedder)
    v = embedder.encode_one("how many days until my parcel comes")
    assert np.allclose(loaded.classifier.probabilities(v)[0], built.classifier.probabilities(v)[0])
    assert int(np.argmax(loaded.classifier.probabilities(v)[0])) == 1  # entry 2, shipping time


def test_damaged_classifier_is_refused(tmp_path, shop, embedder):
    save_index(build_index(shop, embedder), tmp_path)
    (tmp_path / CLASSIFIER).write_bytes(b"garbage")
    with pytest.raises(IndexMismatchError, match="classifier.npz is damaged"):
        load_index(tmp_path, shop, embedder)


def test_manifest_naming_a_classifier_it_does_not_list_is_refused(tmp_path, shop, embedder):
    import json

    save_index(build_index(shop, embedder), tmp_path)
    m = json.loads((tmp_path / MANIFEST).read_text())
    del m["files"][CLASSIFIER]
    (tmp_path / MANIFEST).write_text(json.dumps(m))
    with pytest.raises(IndexMismatchError, match="classifier"):
        load_index(tmp_path, shop, embedder)


def test_bundled_index_has_a_classifier_with_an_outside_class(bot):
    assert bot.index.classifier is not None and bot.index.classifier.has_outside
    weather = bot.search("what's the weather in albuquerque tomorrow", k=1)
    assert weather[0].score < bot.calibration.threshold


# --- language is not evidence --------------------------------------------------------------


@pytest.fixture(scope="module")
def bilingual():
    """Two entries and an outside class (four topics) in 8-d, all sharing one common
    component (as a multilingual model's vectors do); "es" vectors are "en" ones shifted
    along a language axis (dimension 7). The entries' examples are all "en", the
    outside class's half "es": the skew of a FAQ without translated alternates and a
    multilingual generic outside set."""
    rng = np.random.default_rng(1)
    centres = np.eye(8) * 0.5
    centres[:, 6] += 2.0
    shift = np.eye(8)[7] * 1.5

    def cloud(centre, n, lang_shift=0.0):
        return centre + rng.normal(size=(n, 8)) * 0.2 + lang_shift

    x = np.vstack([cloud(centres[0], 12), cloud(centres[1], 12)])
    y = np.repeat(np.arange(2), 12)
    lang_in = ["en"] * 24
    outside = np.vstack(
        [cloud(centres[k], 4) for k in range(2, 6)] + [cloud(centres[k], 4, shift) for k in range(2, 6)]
    )
    lang_out = ["en"] * 16 + ["es"] * 16
    return _unit(x), y, lang_in, _unit(outside), lang_out, centres, shift


def test_language_directions_find_the_shift_within_classes(bilingual):
    x, y, lang_in, outside, lang_out, _, shift = bilingual
    d = language_directions(
        np.vstack([x, outside]), np.concatenate([y, np.full(len(outside), -1)]), [*lang_in, *lang_out]
    )
    assert d.shape == (1, 8)
    assert np.isclose(np.linalg.norm(d[0]), 1.0, atol=1e-5)
    assert abs(float(d[0] @ (shift / np.linalg.norm(shift)))) > 0.9


def test_language_directions_need_a_class_in_two_languages():
    x = _unit(np.random.default_rng(2).normal(size=(6, 4)))
    assert language_directions(x, np.array([0, 0, 0, 1, 1, 1]), ["en"] * 6).shape == (0, 4)
    # each class in one language only: nothing tells language from topic
    assert language_directions(x, np.array([0, 0, 0, 1, 1, 1]), ["en"] * 3 + ["es"] * 3).shape == (0, 4)
    assert language_directions(np.zeros((0, 4)), np.zeros(0), []).shape == (0, 4)


def test_a_question_in_the_rarer_language_is_not_sent_outside(bilingual):
    """Without the projection the classifier learns "es, therefore outside"; with it an "es"
    question about entry 0 goes to entry 0, and an "es" outside question stays outside."""
    x, y, lang_in, outside, lang_out, centres, shift = bilingual
    neutral = language_directions(
        np.vstack([x, outside]), np.concatenate([y, np.full(len(outside), -1)]), [*lang_in, *lang_out]
    )
    spanish_entry = _unit((centres[0] + shift)[None])[0]
    spanish_outside = _unit((centres[4] + shift)[None])[0]
    plain = PhrasingClassifier.train(x, y, 2, outside)
    neutral_clf = PhrasingClassifier.train(x, y, 2, outside, neutral=neutral)
    assert plain.probabilities(spanish_entry)[1] > 0.5  # the bias this guards against
    p, p_out = neutral_clf.probabilities(spanish_entry)
    assert int(np.argmax(p)) == 0 and p_out < 0.5
    assert neutral_clf.probabilities(spanish_outside)[1] > 0.5


def test_language_directions_survive_saving(tmp_path, bilingual):
    x, y, lang_in, outside, lang_out, *_ = bilingual
    neutral = language_directions(
        np.vstack([x, outside]), np.concatenate([y, np.full(len(outside), -1)]), [*lang_in, *lang_out]
    )
    clf = PhrasingClassifier.train(x, y, 2, outside, neutral=neutral)
    clf.save(tmp_path / "c.npz")
    loaded = PhrasingClassifier.load(tmp_path / "c.npz")
    assert np.array_equal(loaded.neutral, clf.neutral)
    v = x[-1]
    assert np.allclose(loaded.probabilities(v)[0], clf.probabilities(v)[0])


def test_bundled_index_projects_out_a_language_direction(bot):
    assert bot.index.classifier.neutral is not None and len(bot.index.classifier.neutral) >= 1
