"""Unit tests for the metrics in faqbot.evaluate, on hand-made rankings (no model)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import pytest

from faqbot.errors import CorpusError
from faqbot.evaluate import (
    Case,
    CaseResult,
    Conversation,
    compute_metrics,
    decline_metrics,
    evaluate,
    format_report,
    load_cases,
    plot_report,
    ranking_metrics,
    reciprocal_rank,
    threshold_sweep,
)


def test_reciprocal_rank():
    assert reciprocal_rank([3, 1, 2], 3) == 1.0
    assert reciprocal_rank([3, 1, 2], 1) == 0.5
    assert reciprocal_rank([3, 1, 2], 2) == pytest.approx(1 / 3)
    assert reciprocal_rank([3, 1, 2], 9) == 0.0
    assert reciprocal_rank([], 1) == 0.0


def test_ranking_metrics_by_hand():
    rankings = [[1, 2, 3], [2, 1, 3], [3, 2, 1], [4, 5, 6, 1]]
    expected = [1, 1, 1, 1]
    m = ranking_metrics(rankings, expected)
    assert m["p_at_1"] == 0.25
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    assert m["recall_at_3"] == 0.75


def test_ranking_metrics_empty_and_mismatch():
    assert math.isnan(ranking_metrics([], [])["p_at_1"])
    with pytest.raises(ValueError):
        ranking_metrics([[1]], [1, 2])


def test_decline_metrics_by_hand():
    # 4 in scope: right, wrong, declined, right; 2 out of scope: declined, answered
    in_scope = [True, True, True, True, False, False]
    declined = [False, False, True, False, True, False]
    correct = [True, False, False, True, True, False]
    m = decline_metrics(in_scope, declined, correct)
    assert m["decline_precision"] == 0.5  # 2 declined, 1 of them out of scope
    assert m["decline_recall"] == 0.5  # 1 of 2 out-of-scope declined
    assert m["false_decline_rate"] == 0.25
    assert m["answer_accuracy"] == 0.5
    assert m["wrong_answer_rate"] == 0.25


def test_decline_metrics_nothing_declined():
    m = decline_metrics([True, False], [False, False], [True, False])
    assert math.isnan(m["decline_precision"])
    assert m["decline_recall"] == 0.0


def test_threshold_sweep_by_hand():
    scores = [0.9, 0.6, 0.3, 0.5, 0.2]
    in_scope = [True, True, True, False, False]
    top1 = [True, False, True, False, False]
    low, mid, high = threshold_sweep(scores, in_scope, top1, [0.0, 0.55, 1.0])
    assert (low.answered_right, low.answered_wrong, low.in_scope_declined) == (2 / 3, 1 / 3, 0.0)
    assert low.out_of_scope_declined == 0.0
    assert (mid.answered_right, mid.answered_wrong, mid.in_scope_declined) == (1 / 3, 1 / 3, 1 / 3)
    assert mid.out_of_scope_declined == 1.0
    assert high.in_scope_declined == 1.0 and high.answered_right == 0.0


def _result(expected, ranking, answered, kind="faq", score=0.9, expected_kind=None):
    return CaseResult("q", expected, ranking, answered, kind, score, expected_kind=expected_kind)


def test_case_result_correctness():
    assert _result(1, [1, 2], 1).correct
    assert not _result(1, [1, 2], None, kind="declined").correct
    assert _result(None, [1], None, kind="declined").correct
    assert not _result(None, [1], 1).correct
    assert _result(None, [1], None, kind="smalltalk", expected_kind="smalltalk").correct
    assert not _result(None, [1], None, kind="declined", expected_kind="smalltalk").correct


def test_compute_metrics_and_json():
    singles = [
        _result(1, [1, 2, 3], 1),
        _result(2, [1, 2, 3], 1),
        _result(3, [1, 2, 3], None, kind="declined", score=0.2),
        _result(None, [4, 1], None, kind="declined", score=0.1),
    ]
    turns = [_result(1, [1], 1), _result(2, [1], 1)]
    m = compute_metrics(singles, turns)
    assert (m["n_in_scope"], m["n_out_of_scope"]) == (3, 1)
    assert m["p_at_1"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["mrr"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3, abs=1e-4)
    assert m["recall_at_3"] == 1.0
    assert m["decline_recall"] == 1.0 and m["false_decline_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert m["turn_accuracy"] == 0.5
    json.dumps(m, allow_nan=False)  # valid JSON
    only_turns = compute_metrics([], turns)
    assert only_turns["p_at_1"] is None
    json.dumps(only_turns, allow_nan=False)


def test_load_cases(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(
        '{"query": "how long?", "expected": 9}\n\n'
        '{"query": "weather", "expected": null}\n'
        '{"turns": [{"query": "hola", "expected": null, "kind": "smalltalk"}, {"query": "x", "expected": 2}]}\n',
        encoding="utf-8",
    )
    cases = load_cases(path)
    assert cases[0] == Case("how long?", 9)
    assert cases[1] == Case("weather", None)
    assert isinstance(cases[2], Conversation) and cases[2].turns[0].kind == "smalltalk"


@pytest.mark.parametrize(
    "line",
    [
        '{"query": 3, "expected": 1}',
        '{"query": "x", "expected": "nine"}',
        "not json",
        '{"turns": []}',
        '{"query": "x", "expected": true}',
    ],
)
def test_load_cases_rejects_bad_lines(tmp_path, line):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"query": "fine", "expected": 1}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 2"):
        load_cases(path)


# --- evaluate() with a scripted bot (no model): checks the plumbing, history included ---


@dataclass
class _Hit:
    number: int


@dataclass
class _Answer:
    kind: str
    question_number: int | None
    score: float

    def to_dict(self) -> dict:
        return {"kind": self.kind, "question_number": self.question_number, "score": self.score}


@dataclass
class _Calibration:
    threshold: float = 0.5


@dataclass
class _ScriptedBot:
    """Answers from a fixed table; records the history it was given."""

    table: dict
    calibration: _Calibration = field(default_factory=_Calibration)
    histories: list = field(default_factory=list)

    def search(self, question, k=5):
        return [_Hit(n) for n in self.table[question][0]][:k]

    def ask(self, question, history=None):
        self.histories.append(list(history or []))
        ranking, score = self.table[question]
        if score < self.calibration.threshold:
            return _Answer("declined", None, score)
        return _Answer("faq", ranking[0], score)


def test_evaluate_with_scripted_bot(tmp_path):
    bot = _ScriptedBot(
        {
            "a": ([1, 2], 0.9),
            "b": ([1, 2], 0.8),  # expected 2: wrong at rank 1
            "c": ([3, 1], 0.1),  # out of scope, declined
            "d": ([4], 0.9),
            "e": ([5], 0.9),
        }
    )
    cases = [Case("a", 1), Case("b", 2), Case("c", None), Conversation((Case("d", 4), Case("e", 5)))]
    report = evaluate(bot, cases, source="scripted")
    m = report.metrics
    assert m["p_at_1"] == 0.5 and m["mrr"] == 0.75 and m["recall_at_3"] == 1.0
    assert m["decline_recall"] == 1.0 and m["answer_accuracy"] == 0.5
    assert m["turn_accuracy"] == 1.0 and m["n_turns"] == 2
    # the second turn was asked with the first turn's Answer as history, as data
    assert bot.histories[-1] == [{"kind": "faq", "question_number": 4, "score": 0.9}]
    text = format_report(report)
    assert "P@1          0.500" in text and "'b'" in text
    out = tmp_path / "plot.png"
    plot_report(report, out)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
