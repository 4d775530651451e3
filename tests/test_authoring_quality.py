"""The report and lint on real data with the real model (slow).

* ``tests/data/unanswered_topics.jsonl``: 200 questions in 10 written topics (4 of
  them belong to an entry), written blind. They are logged as an unanswered log
  (time and question only), the report is built with the default bot, and per
  topic: the share of its questions in its most common group, that group's
  suggestion, and the share of that group that is this topic (purity).
* lint on the bundled FAQ names the pairs the bot confuses, with figures, and
  passes a clean toy FAQ.

Run with ``-s`` to see the figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import DATA, DEFAULT_CORPUS
from toy_faqs import write_clean

from faqbot.authoring import lint
from faqbot.authoring.logfiles import read_logs
from faqbot.authoring.report import Report, build_report

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.authoring import topic_figures  # noqa: E402  (make authoring reports the same figures)

pytestmark = pytest.mark.slow

TOPICS = DATA / "unanswered_topics.jsonl"
SAME_TOPIC = 0.8  # the bar: this share of a topic in one group


def print_figures(figures: dict[str, dict], report: Report) -> None:
    print(f"\nthreshold {report.threshold:.3f} ({report.threshold_rule}); {report.model}")
    print(f"{'topic':<27}{'entry':>6}{'n':>4}{'share':>7}{'group':>6}{'size':>5}{'purity':>7}  suggestion")
    for topic, f in figures.items():
        print(
            f"{topic:<27}{f['entry']!s:>6}{f['questions']:>4}{f['share']:>7.2f}{f['group']:>6}"
            f"{f['group_size']:>5}{f['purity']:>7.2f}  {f['kind']} {f['suggested'] or ''}"
        )


@pytest.fixture(scope="module")
def topics_report(bot, tmp_path_factory):
    rows = [json.loads(line) for line in TOPICS.read_text(encoding="utf-8").splitlines() if line.strip()]
    log = tmp_path_factory.mktemp("logs") / "unanswered.jsonl"
    with log.open("w", encoding="utf-8") as f:
        for i, r in enumerate(rows):
            f.write(
                json.dumps({"time": f"2026-11-{1 + i % 28:02d}T12:00:00+00:00", "question": r["question"]})
                + "\n"
            )
    report = build_report(bot, read_logs([log]))
    figures = topic_figures(report, rows)
    print_figures(figures, report)
    return report, figures


def test_every_logged_question_is_in_one_group(topics_report):
    report, _ = topics_report
    assert report.questions == 200 and report.skipped == {}
    assert sum(g.count for g in report.groups) == 200


def test_topics_of_an_entry_get_that_entry(topics_report):
    _, figures = topics_report
    for topic, f in figures.items():
        if f["entry"] is not None:
            assert f["kind"] in ("answered", "alternates") and f["suggested"] == f["entry"], topic


@pytest.mark.xfail(
    reason="measured short: the model's vectors do not hold these broad topics together without merging "
    "them (a question's 5 nearest neighbours share its topic about half the time); see docs/AUTHORS.md",
    strict=False,
)
def test_most_of_each_topic_lands_in_one_group(topics_report):
    _, figures = topics_report
    short = {t: round(f["share"], 2) for t, f in figures.items() if f["share"] < SAME_TOPIC}
    assert not short


def test_lint_names_the_pairs_the_bot_confuses_on_the_bundled_faq():
    report = lint.lint_file(DEFAULT_CORPUS)
    print("\n" + lint.to_text(report))
    confused = [f for f in report.findings if f.code == "confused-entries"]
    assert confused, "no pair over the confusion threshold"
    for f in confused:
        assert f.figures["share"] >= lint.CONFUSION_SHARE and f.figures["count"] >= lint.CONFUSION_MIN
        assert "% of entry" in f.message and f.entry != f.other
    assert report.count("error") == 0 and report.exit_status == 0
    assert report.held_out_accuracy is not None


def test_lint_passes_a_clean_faq(tmp_path: Path):
    report = lint.lint_file(write_clean(tmp_path))
    print("\n" + lint.to_text(report))
    assert report.exit_status == 0
