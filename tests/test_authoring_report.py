"""The FAQ report's pieces on a toy FAQ with the fake embedder: groups, suggestions, votes, outputs."""

from __future__ import annotations

import base64
import builtins
import json
import re

import pytest
from toy_faqs import CLEAN

from faqbot import FAQBot
from faqbot.authoring import report_render
from faqbot.authoring.logfiles import Logs, Vote
from faqbot.authoring.report import Group, Report, build_report, suggest
from faqbot.build import build_index
from faqbot.corpus import corpus_from_entries, load_corpus
from faqbot.corpus.sidecars import parse_alternates
from faqbot.errors import OutputFileError
from faqbot.models import Entry

INJECTION = "<script>alert(1)</script> | *bold* [link](http://x) \x1b[31mred\u202e"


@pytest.fixture()
def toy_bot(fake_embedder):
    entries = [Entry(i, q, a, tuple(alts)) for i, (q, a, alts) in enumerate(CLEAN, 1)]
    corpus = corpus_from_entries(entries, "City Library FAQ", ["how do I renew my passport"])
    return FAQBot(corpus, build_index(corpus, fake_embedder), fake_embedder)


def logs_of(questions, votes=()):
    return Logs(
        files=["unanswered.jsonl"], unanswered=list(questions), votes=list(votes), lines=len(questions)
    )


PARKING = [
    "where can I park my car near the library",
    "is there car parking at the library",
    "where do I park the car",
    "Where can I park my car near the library",  # a repeat (case folded)
]


def test_suggestion_rule():
    assert suggest(1, 1.0, 0.9, 0.5) == "single"
    assert suggest(5, 0.6, 0.9, 0.8) == "alternates"
    assert suggest(5, 0.5, 0.9, 0.8) == "new"  # no majority
    assert suggest(5, 0.9, 0.7, 0.8) == "new"  # further from the entry than its neighbour is
    assert suggest(5, 0.9, None, None) == "new"


def test_report_groups_repeats_and_asks_the_bot_again(toy_bot):
    questions = [*PARKING, "what are your opening hours", "what are your opening hours?", INJECTION]
    report = build_report(toy_bot, logs_of(questions))
    assert report.questions == 7 and report.distinct == 6
    assert report.title == "City Library FAQ" and report.model == "hash-words"
    assert 0 < report.threshold < 2 and "phrasings" in report.threshold_rule
    answered = [g for g in report.groups if g.kind == "answered"]
    assert any(g.entry == 2 and g.count == 2 for g in answered)  # opening hours: answered now by entry 2
    parking = next(g for g in report.groups if "where do I park the car" in g.questions)
    assert parking.count >= 2 and parking.kind in ("new", "alternates")
    assert sum(g.count for g in report.groups) == 7  # every question in exactly one group
    assert report.groups == sorted(report.groups, key=lambda g: (g.kind == "single", -g.count))
    json.dumps(report.to_dict())


def test_a_logged_line_without_words_is_grouped_not_fatal(toy_bot):
    report = build_report(toy_bot, logs_of(["?!...", "?!...", "what are your opening hours"]))
    wordless = next(g for g in report.groups if "?!..." in g.questions)
    assert wordless.count == 2 and wordless.closest is None and wordless.kind == "new"


def test_votes_per_entry_and_what_downvoted_questions_were_about(toy_bot):
    votes = [
        *(
            Vote(3, "down", question=q)
            for q in ["late fee for a book", "late fee for a dvd", "wifi password"]
        ),
        Vote(3, "up"),
        Vote(None, "down"),
        Vote(999, "up"),  # an entry the FAQ no longer has counts with declines
    ]
    report = build_report(toy_bot, logs_of([], votes))
    by_entry = {v.entry: v for v in report.votes}
    assert (by_entry[3].up, by_entry[3].down) == (1, 3)
    assert by_entry[3].question == CLEAN[2][0]
    assert (by_entry[None].up, by_entry[None].down) == (1, 1)
    assert report.votes[0].entry == 3  # most downvoted first
    top = by_entry[3].downvoted[0]
    assert top.kind == "downvoted" and top.count == 2
    assert set(top.questions) == {"late fee for a book", "late fee for a dvd"}
    assert report.groups == []


def test_suggested_alternates_come_only_from_alternates_groups():
    def group(kind, entry, questions):
        return Group(kind, len(questions), questions, entry, entry, "Q?", 1.0, 0.3)

    report = _report(
        [
            group("alternates", 9, ["how long is my data kept", "when is it deleted"]),
            group("alternates", 9, ["when is it deleted", "is it kept forever"]),
            group("answered", 2, ["is it mandatory"]),
            group("new", None, ["parking?"]),
        ]
    )
    assert report.suggested_alternates == {
        "9": ["how long is my data kept", "when is it deleted", "is it kept forever"]
    }
    text = report_render.alternates_json(report, "log.jsonl")
    data = json.loads(text)
    assert data["_about"].startswith("Suggested by `faqbot report`")
    assert parse_alternates(data, "alt.json", text, numbers={9}) == {9: tuple(data["9"])}


def _report(groups, votes=()):
    return Report(
        title="T <b>FAQ</b>",
        model="m",
        files=["log.jsonl"],
        lines=10,
        skipped={"not JSON": 2},
        questions=sum(g.count for g in groups),
        distinct=sum(len(g.questions) for g in groups),
        grouped=sum(len(g.questions) for g in groups),
        threshold=0.7,
        threshold_rule="rule",
        groups=list(groups),
        votes=list(votes),
    )


def _injected_report():
    g = Group("new", 3, [INJECTION, "plain question", "another"], None, 4, "Entry <4>?", 0.67, 0.05, 0.4, 0.8)
    single = Group("single", 1, [INJECTION + " once"], None, 1, "Q?", 1.0, 0.1)
    from faqbot.authoring.report import EntryVotes

    votes = [
        EntryVotes(
            7,
            "How are people *notified*?",
            up=1,
            down=2,
            downvoted=[Group("downvoted", 2, [INJECTION], None, None, None, 0.0, 0.0)],
        )
    ]
    return _report([g, single], votes)


def test_terminal_table_shows_groups_and_drops_control_characters():
    text = report_render.to_text(_injected_report(), width=200)
    assert "\x1b" not in text and "\u202e" not in text
    assert "no entry covers this: consider a new one" in text
    assert "2 lines skipped (not JSON: 2)" in text
    assert "downvoted questions were mostly about (2 of 2)" in text
    assert "Asked once (1)" in text


def test_markdown_escapes_logged_text():
    md = report_render.to_markdown(_injected_report())
    assert "<script>" not in md and "\\<script\\>" in md
    assert "\\*bold\\*" in md and "\\[link\\](http://x)" in md
    assert "\\|" in md  # a pipe cannot break the table
    table_rows = [line for line in md.splitlines() if line.startswith("| 1 |")]
    assert len(table_rows) == 1 and table_rows[0].count(" | ") == 4


@pytest.mark.parametrize(
    ("logged", "shown"),
    [("1. first", "1\\. first"), ("- dash", "\\- dash"), ("# head", "\\# head"), ("> quote", "\\> quote")],
)
def test_markdown_list_items_cannot_start_a_block(logged, shown):
    assert report_render.md(logged) == shown


def test_html_is_self_contained_escaped_and_carries_the_plot():
    report = _injected_report()
    page = report_render.to_html(report, report_render.group_sizes_png(report))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "T &lt;b&gt;FAQ&lt;/b&gt;" in page
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)  # nothing loads from anywhere
    assert "default-src 'none'" in page
    png = re.search(r'src="data:image/png;base64,([^"]+)"', page)
    assert png and base64.b64decode(png.group(1)).startswith(b"\x89PNG")


def test_html_without_matplotlib_says_so(monkeypatch, tmp_path, toy_bot):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    out = tmp_path / "r.html"
    lines = report_render.write_files(_injected_report(), toy_bot.corpus.path, html=out)
    assert "needs matplotlib" in lines[0] and "data:image/png" not in out.read_text()
    assert "needs matplotlib" in out.read_text()


def test_outputs_never_replace_the_faq_its_sidecars_or_a_log(tmp_path):
    faq = tmp_path / "faq.txt"
    faq.write_text("1. Q?\nA.\n")
    corpus = load_corpus(faq)
    log = tmp_path / "log.jsonl"
    log.write_text("")
    report = _report([])
    for kwargs, reason in [
        ({"alternates": tmp_path / "faq.alternates.json"}, "sidecar of the FAQ"),
        ({"markdown": faq}, "is the FAQ"),
        ({"html": log}, "a log given to read"),
        ({"html": tmp_path / "x", "markdown": tmp_path / "x"}, "both"),
        ({"html": tmp_path}, "is a folder"),
    ]:
        with pytest.raises(OutputFileError, match=reason):
            report_render.write_files(report, corpus.path, inputs=[log], **kwargs)
    assert not (tmp_path / "faq.alternates.json").exists() and faq.read_text() == "1. Q?\nA.\n"
    with pytest.raises(OutputFileError, match="cannot write"):
        report_render.write_files(report, corpus.path, markdown=tmp_path / "no" / "such" / "dir.md")
    lines = report_render.write_files(
        report, corpus.path, markdown=tmp_path / "r.md", alternates=tmp_path / "a.json"
    )
    assert lines == [
        f"wrote the Markdown report to {tmp_path / 'r.md'}",
        f"wrote suggested alternates to {tmp_path / 'a.json'} (0 phrasings for 0 entries)",
    ]
