"""Answer quality on the bundled FAQ: a regression gate, and the pieces behind it.

The gate runs on tests/data/nm_heldout3.jsonl: written blind for an earlier release
and held out then, it has since been looked at while tuning, so it is a regression
gate with slack, not a measure of quality. The figures that measure quality come
from the sets still held out (nm_heldout4, nm_spanish, library, ...), scored only by
`make quality` into docs/QUALITY.md, never by a test that could be tuned against.
nm_tuning.jsonl, nm_heldout.jsonl and nm_heldout2.jsonl are development data too.
"""

from __future__ import annotations

import json

import pytest
from conftest import DATA, DEFAULT_CORPUS

from faqbot.retrieval.calibration import Calibration, fit
from faqbot.retrieval.names import unknown_names, vocabulary

HELDOUT = DATA / "nm_heldout3.jsonl"  # the regression gate (development data now)
DEV_HELDOUT = DATA / "nm_heldout.jsonl"  # earlier held-out sets, now development data
DEV_HELDOUT2 = DATA / "nm_heldout2.jsonl"
TUNING = DATA / "nm_tuning.jsonl"
ALTERNATES = DEFAULT_CORPUS.with_name(DEFAULT_CORPUS.stem + ".alternates.json")
OUT_OF_SCOPE = DEFAULT_CORPUS.with_name(DEFAULT_CORPUS.stem + ".out-of-scope.json")


@pytest.fixture(scope="module")
def heldout_report(bot):
    from faqbot.evaluate import evaluate_file

    return evaluate_file(bot, HELDOUT)


@pytest.mark.slow
def test_heldout_precision_at_1(heldout_report):
    m = heldout_report.metrics
    assert m["p_at_1"] >= 0.85, f"P@1 fell to {m['p_at_1']}"
    assert m["recall_at_3"] >= 0.95, f"recall@3 fell to {m['recall_at_3']}"


@pytest.mark.slow
def test_heldout_decline_rates(heldout_report):
    m = heldout_report.metrics
    # the gate's floors sit a few queries below what docs/QUALITY.md reports for this set
    assert m["false_decline_rate"] <= 0.05, f"{m['false_decline_rate']:.0%} of in-scope questions declined"
    assert m["decline_recall"] >= 0.88, f"only {m['decline_recall']:.0%} of out-of-scope questions declined"


# --- the labelled data itself -------------------------------------------------------


def _cases(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(text: str) -> str:
    return " ".join(text.lower().strip(" ?¿!.").split())


def test_labelled_sets_cover_every_question_and_are_disjoint(corpus):
    tuning, heldout, heldout2, clean = (
        _cases(TUNING),
        _cases(DEV_HELDOUT),
        _cases(DEV_HELDOUT2),
        _cases(HELDOUT),
    )
    numbers = {e.number for e in corpus.entries}
    for cases, least in ((tuning, 6), (heldout, 4), (heldout2, 5), (clean, 10)):
        for n in numbers:
            assert sum(c["expected"] == n for c in cases) >= least, n
        assert all(c["expected"] is None or c["expected"] in numbers for c in cases)
    assert sum(c["expected"] is None for c in tuning + heldout) >= 30
    assert len(tuning) + len(heldout) >= 180
    assert sum(c["expected"] is None for c in clean) >= 50
    seen: set[str] = set()
    for cases in (tuning, heldout, heldout2, clean):
        keys = {_key(c["query"]) for c in cases}
        assert not keys & seen, keys & seen
        seen |= keys


def test_no_eval_query_is_an_alternate_or_an_out_of_scope_example():
    alternates = json.loads(ALTERNATES.read_text(encoding="utf-8"))
    examples = json.loads(OUT_OF_SCOPE.read_text(encoding="utf-8"))["questions"]
    phrasings = {_key(a) for k, v in alternates.items() if not k.startswith("_") for a in v}
    phrasings |= {_key(q) for q in examples}
    for case in _cases(TUNING) + _cases(DEV_HELDOUT) + _cases(DEV_HELDOUT2) + _cases(HELDOUT):
        assert _key(case["query"]) not in phrasings, case["query"]


def test_alternates_are_loaded(corpus):
    assert all(len(e.alternates) >= 4 for e in corpus.entries)


# --- names and calibration -------------------------------------------------------------


def test_names_the_faq_never_mentions_are_counted():
    known = vocabulary(["New Mexico, ICE, HSD, data"])
    assert unknown_names("does Texas share data with ICE?", known) == 1
    assert unknown_names("does new mexico share data with ICE?", known) == 0
    assert unknown_names("does the IRS get my data", known) == 1  # an acronym the FAQ never uses
    assert unknown_names("can HSD fix my data", known) == 0
    assert unknown_names("Does my landlord see it", known) == 1  # another subject, in lower case
    assert unknown_names("Does my caseworker see it", known) == 0  # a capital at the start is no name
    assert unknown_names("does the post office share my data", known) == 1
    assert unknown_names("Does the IRS get my data from the IRS", known) == 1  # each name once


def test_names_in_a_story_count_in_its_question_part_only():
    from faqbot.text import question_part

    known = vocabulary(["New Mexico, ICE, data, share"])
    story = "My son studies in Albuquerque at UNM. He is worried. Does the state share data with ICE?"
    assert question_part(story) == "Does the state share data with ICE?"
    assert unknown_names(question_part(story), known) == 0
    assert question_part("we live in las cruces. i worry. is it shared") == "is it shared"
    assert question_part("does Texas share data") == "does Texas share data"


def test_near_misses_swap_the_faqs_subject_for_another():
    from faqbot.nearmiss import near_misses, subject_names

    questions = [
        "What data does New Mexico share with ICE?",
        "How long does New Mexico keep data shared with ICE?",
        "Can I correct my data?",
        "Who oversees ICE in New Mexico?",
    ]
    assert sorted(subject_names(questions)) == ["ICE", "New Mexico"]
    made = near_misses(questions, " ".join(questions))
    assert made and all(m not in questions for m in made)
    assert all("New Mexico" in m or "ICE" in m for m in made)  # one name swapped at a time


def test_calibration_is_monotone_and_threshold_sits_between():
    cal = Calibration()
    scores = [cal.confidence(s / 20) for s in range(21)]
    assert scores == sorted(scores) and 0 < scores[0] < 0.05 and scores[-1] > 0.95
    assert cal.confidence(0.30) < cal.threshold < cal.confidence(0.45)


def test_fitted_threshold_declines_the_outside_probes():
    import numpy as np

    rng = np.random.default_rng(0)
    outside = rng.normal(0.1, 0.05, 500)
    inside = rng.normal(0.5, 0.1, 300)
    cal = fit(inside, inside > 0.3, outside)
    declined = np.mean([cal.confidence(s) < cal.threshold for s in outside])
    answered = np.mean([cal.confidence(s) >= cal.threshold for s in inside])
    assert 0.97 <= declined <= 0.99 and answered > 0.95
    assert Calibration.from_dict(cal.to_dict()) == Calibration(**cal.to_dict())


def test_other_state_question_is_declined(bot):
    answer = bot.ask("does texas share benefits data with ice?")
    assert answer.declined
    assert not bot.ask("does new mexico share benefits data with ice?").declined


def test_declines_off_topic_and_answers_worried_paraphrase(bot):
    assert bot.ask("how do i renew my passport").declined
    answer = bot.ask("cuanto tiempo guardan mis datos")
    assert answer.question_number == 9
    assert 0.0 <= answer.score <= 1.0
