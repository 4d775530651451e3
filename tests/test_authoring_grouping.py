"""Grouping questions: the threshold taken from the FAQ, scikit-learn's clustering, typical examples."""

from __future__ import annotations

import numpy as np

from faqbot.authoring import grouping


def blobs(
    centres: int, per: int, spread: float, seed: int = 0, dim: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    axes = np.eye(dim)[:centres]
    rows = np.repeat(axes, per, axis=0) + spread * rng.standard_normal((centres * per, dim))
    return grouping.unit(rows), np.repeat(np.arange(centres), per)


def test_phrasing_spread_is_where_most_of_a_typical_entry_is_one_group():
    e = np.eye(3)
    v = grouping.unit(np.array([e[0], e[1], e[0], e[0], e[0], e[0] + e[1], e[1]]))
    # entry 1: orthogonal phrasings, joined at distance 1; entry 2: identical, at 0;
    # entry 3: e0 and e1 each 45 degrees from the third; 80% of 3 needs all 3: the
    # second merge, at the mean of 1 - cos(45) and 1
    spread = grouping.phrasing_spread(v, [1, 1, 2, 2, 3, 3, 3])
    heights = [1.0, 0.0, np.mean([1 - np.sqrt(0.5), 1.0])]
    assert np.isclose(spread, np.median(heights))
    # with half of an entry enough, entry 3 counts its first merge (1 - cos(45))
    half = grouping.phrasing_spread(v, [1, 1, 2, 2, 3, 3, 3], share=0.5)
    assert np.isclose(half, np.median([1.0, 0.0, 1 - np.sqrt(0.5)]))
    assert grouping.phrasing_spread(v[:2], [1, 2]) is None  # no entry has two phrasings


def test_one_odd_phrasing_does_not_set_the_spread():
    rng = np.random.default_rng(3)
    base = np.eye(16)[0]
    rows = grouping.unit(base + 0.05 * rng.standard_normal((10, 16)))
    odd = grouping.unit(np.eye(16)[5:6])  # one phrasing unlike the others (another language)
    spread = grouping.phrasing_spread(np.vstack([rows, odd]), [1] * 11)
    assert spread < 0.1


def test_question_separation_is_the_median_nearest_neighbour_distance():
    q = grouping.unit(np.array([[1.0, 0.0, 0.0], [0.8, 0.6, 0.0], [0.0, 0.0, 1.0]]))
    nearest = [1 - 0.8, 1 - 0.8, 1 - 0.0]
    assert np.isclose(grouping.question_separation(q), np.median(nearest))
    assert grouping.question_separation(q[:1]) is None


def test_faq_threshold_says_which_rule_it_used():
    v, labels = blobs(3, 4, 0.1)
    t = grouping.faq_threshold(v, labels.tolist(), v[::4])
    assert "own phrasings form one group" in t.rule and 0 < t.distance < 1
    t = grouping.faq_threshold(v[::4], [0, 1, 2], v[::4])
    assert "nearest neighbour" in t.rule
    t = grouping.faq_threshold(v[:1], [0], v[:1])
    assert t.distance == 0.5


def test_topics_as_spread_as_the_faqs_entries_come_out_as_pure_groups_mostly_whole():
    faq, faq_labels = blobs(6, 20, 0.15, seed=1)
    threshold = grouping.faq_threshold(faq, faq_labels.tolist(), faq[::20]).distance
    logged, truth = blobs(6, 20, 0.15, seed=2)
    labels = grouping.group(logged, threshold)
    shares = [np.bincount(labels[truth == blob]).max() / 20 for blob in range(6)]
    assert np.median(shares) >= 0.7  # the threshold holds 80% of a typical entry together
    for label in set(labels.tolist()):  # and no group mixes topics
        assert len(set(truth[labels == label].tolist())) == 1


def test_groups_are_numbered_largest_first_and_small_inputs_work():
    v, truth = blobs(2, 1, 0.0)
    big = np.vstack([v[[1]] for _ in range(3)] + [v[[0]]])
    labels = grouping.group(big, 0.3)
    assert labels.tolist() == [0, 0, 0, 1]
    assert grouping.group(np.zeros((0, 4)), 0.3).tolist() == []
    assert grouping.group(v[:1], 0.3).tolist() == [0]


def test_central_first_puts_the_most_typical_row_first():
    rows = grouping.unit(np.array([[1.0, 0.05], [1.0, 0.0], [1.0, 0.9], [1.0, -0.7]]))
    order = grouping.central_first(rows)
    assert order[-1] in (2, 3) and sorted(order) == [0, 1, 2, 3]
    assert grouping.central_first(np.zeros((0, 2))) == []
