"""``faqbot report`` and ``faqbot lint`` on the bundled FAQ: writes docs/AUTHORS-RESULTS.md from the run.

    .venv/bin/python -m benchmarks.authoring [--model NAME] [--out docs/AUTHORS-RESULTS.md]
                                             [--logs-out DIR]
    make authoring

One process, the default model (or ``--model``), the bundled FAQ and its
committed index (``index/``; a stale index is an error here, never rebuilt):

* **report**: the 200 questions of ``tests/data/unanswered_topics.jsonl`` (10
  written topics, 4 of them belonging to an entry; the acceptance log), then the
  same for ``tests/data/unanswered_topics_dev.jsonl`` (a second blind log of 200,
  written later, on which grouping ideas were tried), are written as an unanswered
  log (``{"time", "question"}``, as ``serve --log-unanswered`` writes it) in a
  temporary folder, read with ``read_logs`` and reported with ``build_report``,
  as in ``tests/test_authoring_quality.py`` (which uses no feedback log). Per
  topic: the share of its questions in its most common group, that group's
  purity and suggestion; the wall and CPU time of the report. Then, on the same
  question vectors and outside the timing, the checks behind docs/AUTHORS.md's
  "What falls short": how often a question's 5 nearest neighbours share its
  topic, a cross-validated logistic regression on the topics, the grouping
  alone (step 1 skipped), clusterings told there are 10 topics (ARI), and
  whether Spanish questions group by language.
* **lint**: ``lint.lint_file`` on the bundled FAQ (the committed index's vectors
  reused, as ``faqbot lint`` does): held-out alternates ranked to their own
  entry, the confused pairs, every cross-validation landing, counts per code and
  severity, how far the near-duplicate and answer checks are from their cut-off,
  wall and CPU time.

Times are wall clock (``time.perf_counter``) and this process's CPU time
(``time.process_time``, all threads), with the model already loaded. The
machine's load average is sampled during the run and written beside them.

Writes ``docs/AUTHORS-RESULTS.md`` and ``docs/authoring.json`` atomically (write
aside, then rename). Every figure in them comes from this run. ``--logs-out
DIR`` also keeps the unanswered log and writes a small example feedback log
(13 votes, for the example in docs/AUTHORS.md; not used in the measured run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

for _var in ("FAQBOT_CORPUS", "FAQBOT_INDEX", "FAQBOT_MODEL", "FAQBOT_MODEL_SHA256"):
    os.environ.pop(_var, None)  # measure the defaults, not this shell's overrides
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from faqbot._files import write_atomic  # noqa: E402
from faqbot.authoring import grouping, lint  # noqa: E402
from faqbot.authoring.cache import CachedEmbedder  # noqa: E402
from faqbot.authoring.logfiles import read_logs  # noqa: E402
from faqbot.authoring.report import Report, build_report  # noqa: E402
from faqbot.bot import FAQBot  # noqa: E402
from faqbot.bundled import bundled_corpus, bundled_index  # noqa: E402
from faqbot.corpus import load_corpus  # noqa: E402
from faqbot.embedders import shared_embedder  # noqa: E402
from faqbot.errors import IndexMismatchError, QuestionError  # noqa: E402
from faqbot.index import load_index  # noqa: E402
from faqbot.language import detect  # noqa: E402

from .measure import LoadWatch, log, machine  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TOPICS = ROOT / "tests" / "data" / "unanswered_topics.jsonl"
TOPICS_DEV = ROOT / "tests" / "data" / "unanswered_topics_dev.jsonl"  # a second blind log (tried ideas on)
OUT = ROOT / "docs" / "AUTHORS-RESULTS.md"
SAME_TOPIC = 0.8  # the bar: this share of a topic in one group (tests/test_authoring_quality.py)
NEIGHBOURS = 5
SEED = 0

# For --logs-out only: a small feedback log for the example in docs/AUTHORS.md (13 votes;
# entry 7's downvoted questions logged with them). Not part of the measured run.
EXAMPLE_FEEDBACK: tuple[tuple[int | None, str, str | None], ...] = (
    (7, "up", None),
    (7, "up", None),
    (7, "up", None),
    (7, "up", None),
    (7, "down", "what consent form did i sign"),
    (7, "down", "do i have to sign a consent form before they share"),
    (7, "down", "is the consent paper optional"),
    (7, "down", "will they tell me when ice gets my file"),
    (7, "down", "do i get a letter if they share my info"),
    (None, "down", "can you help me fill out my snap renewal"),
    (9, "up", None),
    (9, "up", None),
    (9, "up", None),
)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def command_line(argv: list[str]) -> str:
    shown = "python -m benchmarks.authoring" + "".join(f" {a}" for a in argv)
    return f"make authoring (= {shown})" if os.environ.get("MAKELEVEL") and not argv else shown


def tree_state() -> dict[str, Any]:
    """The commit measured and whether the working tree differed from it (best effort)."""

    def git(*args: str) -> str | None:
        try:
            r = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return None
        return r.stdout.rstrip("\n") if r.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": (git("rev-parse", "--short", "HEAD") or "").strip() or None,
        "modified": None if status is None else [line[3:] for line in status.splitlines()],
    }


# --- logs --------------------------------------------------------------------------------


def read_topics(path: Path = TOPICS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_unanswered(rows: list[dict], path: Path) -> None:
    """The questions as ``serve --log-unanswered`` logs them (as the quality test writes them)."""
    lines = [
        json.dumps({"time": f"2026-11-{1 + i % 28:02d}T12:00:00+00:00", "question": r["question"]})
        for i, r in enumerate(rows)
    ]
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def write_example_feedback(path: Path) -> None:
    """``EXAMPLE_FEEDBACK`` as ``serve --log-feedback`` logs it (with questions where kept)."""
    lines = []
    for i, (entry, vote, question) in enumerate(EXAMPLE_FEEDBACK):
        record: dict[str, Any] = {
            "time": f"2026-11-{1 + i % 28:02d}T13:00:00+00:00",
            "entry": entry,
            "kind": "faq" if entry is not None else "declined",
            "vote": vote,
            "confidence": None,
        }
        if question:
            record["question"] = question
        lines.append(json.dumps(record))
    write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


# --- report --------------------------------------------------------------------------------


def topic_figures(report: Report, rows: list[dict]) -> dict[str, dict]:
    """Per written topic: its main group, the share of the topic in it, its suggestion, its purity
    (``tests/test_authoring_quality.py`` checks these), and the share the bot answers now."""
    where = {_key(q): i for i, g in enumerate(report.groups) for q in g.questions}
    topic_of = {_key(r["question"]): r["topic"] for r in rows}
    out = {}
    for topic in sorted({r["topic"] for r in rows}):
        mine = [r for r in rows if r["topic"] == topic]
        groups = Counter(where[_key(r["question"])] for r in mine)
        main, n = groups.most_common(1)[0]
        g = report.groups[main]
        members = [topic_of[_key(q)] for q in g.questions]
        answered = sum(1 for r in mine if report.groups[where[_key(r["question"])]].kind == "answered")
        out[topic] = {
            "entry": mine[0]["entry"],
            "questions": len(mine),
            "share": round(n / len(mine), 4),
            "group": main + 1,
            "group_size": len(g.questions),
            "purity": round(members.count(topic) / len(members), 4),
            "kind": g.kind,
            "suggested": g.entry,
            "suggestion": g.suggestion,
            "answered_now": answered,
        }
    return out


def group_summary(report: Report) -> dict[str, Any]:
    """Groups counted as the report counts them: questions asked once are not a group."""
    kinds = Counter(g.kind for g in report.groups)
    return {
        "groups": sum(1 for g in report.groups if g.kind != "single"),
        "asked_once": kinds.get("single", 0),
        "by_kind": {k: kinds.get(k, 0) for k in ("answered", "alternates", "new")},
        "answered_questions": sum(g.count for g in report.groups if g.kind == "answered"),
        "suggested_alternates": sum(len(v) for v in report.suggested_alternates.values()),
        "sizes": [g.count for g in report.groups],
    }


def top_entries(bot: FAQBot, rows: list[dict]) -> dict[str, dict]:
    """Per topic: the entry its questions most often rank first (``bot.search``) and that share."""
    tops: dict[str, Counter[int | None]] = {}
    for r in rows:
        try:
            hits = bot.search(r["question"], k=1)
        except QuestionError:
            hits = []
        tops.setdefault(r["topic"], Counter())[hits[0].number if hits else None] += 1
    out = {}
    for topic, counts in sorted(tops.items()):
        entry, n = counts.most_common(1)[0]
        out[topic] = {"entry": entry, "share": round(n / sum(counts.values()), 4)}
    return out


def neighbour_agreement(vectors: np.ndarray, topics: list[str], k: int = NEIGHBOURS) -> float:
    """Mean share of each question's k nearest neighbours (cosine) that share its topic."""
    u = grouping.unit(vectors)
    sims = u @ u.T
    np.fill_diagonal(sims, -np.inf)
    labels = np.asarray(topics)
    nearest = np.argsort(-sims, axis=1)[:, :k]
    return float(np.mean(labels[nearest] == labels[:, None]))


def by_language(report: Report, vectors: np.ndarray, rows: list[dict], k: int = NEIGHBOURS) -> dict[str, Any]:
    """Do Spanish questions group by language rather than by topic? (``language.detect`` labels them.)

    Of the Spanish questions: the share of their k nearest neighbours that are Spanish too, and that
    share their topic. Of the report's groups of two or more the bot declines that hold a Spanish
    question: how many are all Spanish, and how many of those mix topics."""
    lang = [detect(r["question"]) for r in rows]
    topic = [r["topic"] for r in rows]
    u = grouping.unit(vectors)
    sims = u @ u.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argsort(-sims, axis=1)[:, :k]
    spanish = [i for i, code in enumerate(lang) if code == "es"]
    of = {_key(r["question"]): (lang[i], topic[i]) for i, r in enumerate(rows)}
    declined = [g for g in report.groups if g.kind in ("new", "alternates")]
    with_spanish = [[of[_key(q)] for q in g.questions] for g in declined]
    with_spanish = [m for m in with_spanish if any(code == "es" for code, _ in m)]
    all_spanish = [m for m in with_spanish if all(code == "es" for code, _ in m)]
    return {
        "questions": dict(Counter(lang)),
        "spanish_neighbours_spanish": round(
            float(np.mean([[lang[j] == "es" for j in nearest[i]] for i in spanish])) if spanish else 0.0, 4
        ),
        "spanish_neighbours_same_topic": round(
            float(np.mean([[topic[j] == topic[i] for j in nearest[i]] for i in spanish])) if spanish else 0.0,
            4,
        ),
        "declined_groups_with_spanish": len(with_spanish),
        "all_spanish": len(all_spanish),
        "all_spanish_mixing_topics": sum(1 for m in all_spanish if len({t for _, t in m}) > 1),
    }


def supervised_accuracy(vectors: np.ndarray, topics: list[str]) -> float:
    """Cross-validated (5-fold, stratified) accuracy of a logistic regression telling the topics apart."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    # standardised features: unscaled, e5's unit vectors (all within a narrow cone) leave the default
    # regularisation far too strong, and the figure would measure that instead of the vectors
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    scores = cross_val_score(model, grouping.unit(vectors), topics, cv=folds, scoring="accuracy")
    return float(np.mean(scores))


def shares(labels: np.ndarray, topics: list[str]) -> dict[str, float]:
    """Per topic, the share of its questions in its most common cluster."""
    out = {}
    for topic in sorted(set(topics)):
        mine = [int(labels[i]) for i, t in enumerate(topics) if t == topic]
        out[topic] = round(Counter(mine).most_common(1)[0][1] / len(mine), 4)
    return out


def clusterings(vectors: np.ndarray, topics: list[str], threshold: float) -> dict[str, Any]:
    """The grouping alone (the report's threshold, step 1 skipped) and clusterings told the number of
    topics, each scored by the adjusted Rand index against the written topics."""
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    u = grouping.unit(vectors)
    k = len(set(topics))
    alone = grouping.group(vectors, threshold)
    alone_shares = shares(alone, topics)
    told = {
        "average linkage, cosine": AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average"),
        "complete linkage, cosine": AgglomerativeClustering(
            n_clusters=k, metric="cosine", linkage="complete"
        ),
        "Ward linkage, unit vectors": AgglomerativeClustering(n_clusters=k, linkage="ward"),
        "k-means, unit vectors": KMeans(n_clusters=k, n_init=10, random_state=SEED),
    }
    told_ari = {
        name: round(float(adjusted_rand_score(topics, m.fit_predict(u))), 4) for name, m in told.items()
    }
    values = sorted(alone_shares.values())
    return {
        "grouping_alone": {
            "groups": int(alone.max()) + 1,
            "shares": alone_shares,
            "share_min": values[0],
            "share_median": round(float(np.median(values)), 4),
            "share_max": values[-1],
            "ari": round(float(adjusted_rand_score(topics, alone)), 4),
        },
        "told_k": {"k": k, "ari": told_ari},
        # how well the written topics themselves separate (1 apart, 0 overlapping): the bound
        # on what any clustering of these vectors can recover
        "topic_silhouette": round(float(silhouette_score(u, topics, metric="cosine")), 4),
    }


def report_section(bot: FAQBot, rows: list[dict], tmp: Path) -> dict[str, Any]:
    log_path = tmp / "unanswered.jsonl"
    write_unanswered(rows, log_path)
    log(f"report: {len(rows)} questions")
    wall, cpu = time.perf_counter(), time.process_time()
    report = build_report(bot, read_logs([log_path]))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    figures = topic_figures(report, rows)
    log(
        f"report: {sum(g.kind != 'single' for g in report.groups)} groups in {wall:.1f}s wall, {cpu:.1f}s CPU; checks on the vectors"
    )
    from sklearn.metrics import adjusted_rand_score

    where = {_key(q): i for i, g in enumerate(report.groups) for q in g.questions}
    topics = [r["topic"] for r in rows]
    vectors = bot.embedder.encode([r["question"] for r in rows], role="query")
    return {
        "log": {
            "questions": report.questions,
            "distinct": report.distinct,
            "lines": report.lines,
            "skipped": report.skipped,
        },
        "threshold": report.threshold,
        "threshold_rule": report.threshold_rule,
        **group_summary(report),
        "topics": figures,
        "topics_in_one_group": sum(1 for f in figures.values() if f["share"] >= SAME_TOPIC),
        "topics_with_entry_right": sum(
            1 for f in figures.values() if f["entry"] is not None and f["suggested"] == f["entry"]
        ),
        "topics_with_entry": sum(1 for f in figures.values() if f["entry"] is not None),
        "ari": round(float(adjusted_rand_score(topics, [where[_key(r["question"])] for r in rows])), 4),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "top_entry": top_entries(bot, rows),
        "neighbours_same_topic": round(neighbour_agreement(vectors, topics), 4),
        "language": by_language(report, vectors, rows),
        "supervised_accuracy": round(supervised_accuracy(vectors, topics), 4),
        **clusterings(vectors, topics, report.threshold),
    }


# --- lint ------------------------------------------------------------------------------------


def outlier_margins(corpus_path: Path, model: str | None) -> dict[str, Any]:
    """The most extreme robust z of the near-duplicate and answer checks (cut-offs +-OUTLIER_Z)."""
    corpus = load_corpus(corpus_path)
    cached = CachedEmbedder(shared_embedder(model))
    try:
        cached.seed(load_index(bundled_index(), corpus, cached))
    except (IndexMismatchError, OSError, ValueError):
        pass
    v = lint._encode(corpus, cached)
    numbers = [e.number for e in corpus.entries]
    q, a = grouping.unit(v.questions), grouping.unit(v.answers)
    iu = np.triu_indices(len(numbers), 1)
    pairs = (q @ q.T)[iu]
    z = lint.robust_z(pairs)
    top = int(np.argmax(z))
    own = np.sum(q * a, axis=1)
    z_own = lint.robust_z(own)
    low = int(np.argmin(z_own))
    return {
        "cut_off": lint.OUTLIER_Z,
        "near_duplicate_max": {
            "z": round(float(z[top]), 2),
            "entries": [numbers[iu[0][top]], numbers[iu[1][top]]],
            "cosine": round(float(pairs[top]), 4),
            "median": round(float(np.median(pairs)), 4),
        },
        "answer_off_min": {
            "z": round(float(z_own[low]), 2),
            "entry": numbers[low],
            "cosine": round(float(own[low]), 4),
            "median": round(float(np.median(own)), 4),
        },
    }


def lint_section(corpus_path: Path, model: str | None) -> dict[str, Any]:
    log("lint: the bundled FAQ (5-fold cross-validation)")
    wall, cpu = time.perf_counter(), time.process_time()
    report = lint.lint_file(corpus_path, model=model)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    log(f"lint: {len(report.findings)} findings in {wall:.1f}s wall, {cpu:.1f}s CPU")
    codes = Counter(f.code for f in report.findings)
    confused = [
        {"entry": f.entry, "other": f.other, **f.figures}
        for f in report.findings
        if f.code == "confused-entries"
    ]
    landings = sorted(
        (
            {"entry": c.entry, "other": o, "count": n, "held_out": c.held_out}
            for c in report.checks
            for o, n in c.landed.items()
        ),
        key=lambda d: (-d["count"] / d["held_out"], d["entry"], d["other"]),
    )
    acc = report.held_out_accuracy
    return {
        "model": report.model,
        "entries": report.entries,
        "phrasings": report.phrasings,
        "held_out": sum(c.held_out for c in report.checks),
        "held_out_right": sum(c.right for c in report.checks),
        "held_out_declined": sum(c.declined for c in report.checks),
        "held_out_accuracy": None if acc is None else round(acc, 4),
        "confused": confused,
        "landings": landings,
        "codes": dict(sorted(codes.items())),
        "severities": {s: report.count(s) for s in lint.SEVERITIES},
        "exit_status": report.exit_status,
        "lint_seconds": report.seconds,
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "outliers": outlier_margins(corpus_path, model),
        "findings": [
            {"severity": f.severity, "code": f.code, "location": f.location, "message": f.message}
            for f in report.findings
        ],
    }


# --- the page ------------------------------------------------------------------------------------


def pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def _report_lines(rep: dict[str, Any], name: str, role: str) -> list[str]:
    """The report's figures on one written log."""
    lines = [
        f"## Report: `tests/data/{name}` as an unanswered log",
        "",
        f"Role: {role}.",
        "",
        f"{rep['log']['questions']} questions ({rep['log']['distinct']} distinct) in {len(rep['topics'])} written topics, "
        f"{rep['topics_with_entry']} of which belong to an entry; no feedback log. "
        "**share**: the share of the topic's questions in its most common group; **purity**: the share "
        "of that group that is this topic; **answered now**: the topic's questions the bot answers today.",
        "",
        f"* grouping threshold: cosine distance {rep['threshold']:.3f} ({rep['threshold_rule']})",
        f"* groups: **{rep['groups']}** ({rep['by_kind']['answered']} answered now, "
        f"{rep['by_kind']['alternates']} add as alternates, {rep['by_kind']['new']} new entry), and "
        f"{rep['asked_once']} questions asked once",
        f"* questions the bot answers now: {rep['answered_questions']} of {rep['log']['questions']}",
        f"* suggested alternates: {rep['suggested_alternates']}",
        f"* topics with 80% of their questions in one group: **{rep['topics_in_one_group']} of "
        f"{len(rep['topics'])}**",
        f"* topics of an entry whose main group names that entry: {rep['topics_with_entry_right']} of "
        f"{rep['topics_with_entry']}",
        f"* adjusted Rand index of the report's groups against the topics: {rep['ari']:.2f}",
        f"* time: **{rep['wall_s']:.1f} s wall, {rep['cpu_s']:.1f} s CPU** (`read_logs` + `build_report`)",
        "",
        "| topic | entry | n | share | group (size) | purity | suggestion | answered now | ranked first most |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for topic, f in rep["topics"].items():
        top = rep["top_entry"][topic]
        lines.append(
            f"| {topic} | {f['entry'] if f['entry'] is not None else '–'} | {f['questions']} | "
            f"{f['share']:.2f} | {f['group']} ({f['group_size']}) | {f['purity']:.2f} | {f['suggestion']} | "
            f"{f['answered_now']} | entry {top['entry']} ({top['share']:.0%}) |"
        )
    alone = rep["grouping_alone"]
    lang = rep["language"]
    lines += [
        "",
        "### The question vectors, without the report",
        "",
        f"* a question's {NEIGHBOURS} nearest neighbours (cosine) share its topic: "
        f"**{rep['neighbours_same_topic']:.0%}** on average",
        "* a logistic regression on the standardised vectors (supervised; 5-fold stratified "
        f"cross-validation) tells the {len(rep['topics'])} topics apart: **{rep['supervised_accuracy']:.0%}**",
        f"* grouping alone (step 1 skipped, same threshold): {alone['groups']} groups; share of a topic "
        f"in its most common group {alone['share_min']:.2f}–{alone['share_max']:.2f} "
        f"(median {alone['share_median']:.2f}); ARI {alone['ari']:.2f}",
        f"* told there are {rep['told_k']['k']} topics, ARI: "
        + "; ".join(f"{name} {v:.2f}" for name, v in rep["told_k"]["ari"].items()),
        f"* silhouette of the written topics themselves (cosine; 1 = apart, 0 = overlapping): "
        f"**{rep['topic_silhouette']:.2f}**",
        f"* Spanish questions ({lang['questions'].get('es', 0)} of {rep['log']['questions']}, by "
        f"`language.detect`): of their {NEIGHBOURS} nearest neighbours, {lang['spanish_neighbours_spanish']:.0%} "
        f"are Spanish and {lang['spanish_neighbours_same_topic']:.0%} share their topic. Of the "
        f"{lang['declined_groups_with_spanish']} declined groups holding a Spanish question, "
        f"{lang['all_spanish']} are all Spanish, {lang['all_spanish_mixing_topics']} of which mix topics",
        "",
    ]
    return lines


def render(results: dict[str, Any]) -> str:
    meta, rep, lin = results["meta"], results["report"], results["lint"]
    load = meta["load"]
    tree = meta["tree"]
    changed = (
        f", working tree with uncommitted changes to {', '.join(f'`{p}`' for p in tree['modified'])}"
        if tree.get("modified")
        else ""
    )
    lines = [
        "# `faqbot report` and `faqbot lint`: measured",
        "",
        f"Generated by `{meta['command']}` on {meta['date']}; do not edit by hand. Every figure below",
        "comes from that run (raw figures: `docs/authoring.json`); docs/AUTHORS.md explains them.",
        "",
        f"* model: {meta['model']} (the default), bundled FAQ `{meta['corpus']}` with its committed index",
        f"* tree: commit `{tree.get('commit')}`{changed}",
        f"* machine: {meta['machine']['cpu']}, {meta['machine']['cores']} CPUs; 1-minute load average "
        f"{load['start']:.2f} at the start, mean {load['mean']:.2f}, max {load['max']:.2f} during the run",
        "* times: wall clock and this process's CPU time (all threads), model already loaded",
        "",
    ]
    lines += _report_lines(rep, TOPICS.name, "the acceptance log (issue 15's check; not tuned on)")
    lines += _report_lines(
        results["report_dev"],
        TOPICS_DEV.name,
        "a second blind log, written later; grouping ideas were tried on it",
    )
    lines += [
        "## Lint: the bundled FAQ",
        "",
        f"{lin['entries']} entries, {lin['phrasings']} phrasings; {lin['model']}.",
        "",
        f"* held-out alternates ranked to their own entry (5-fold, bot rebuilt per fold): "
        f"**{pct(lin['held_out_accuracy'])} of {lin['held_out']}** ({lin['held_out_declined']} of them "
        "below the answer threshold)",
        f"* errors {lin['severities']['error']}, warnings {lin['severities']['warning']}, infos "
        f"{lin['severities']['info']}; exit status {lin['exit_status']}",
        "* findings per code: "
        + (", ".join(f"`{c}` {n}" for c, n in lin["codes"].items()) if lin["codes"] else "none"),
        f"* time: **{lin['wall_s']:.1f} s wall, {lin['cpu_s']:.1f} s CPU** (`lint.lint_file`; "
        f"lint's own clock {lin['lint_seconds']:.1f} s)",
        "",
        "`confused-entries` (at least 10% and 2 of an entry's held-out alternates on one other entry):",
        "",
    ]
    if lin["confused"]:
        lines += ["| entry | goes to | share | held-out alternates |", "|---|---|---|---|"]
        lines += [
            f"| {c['entry']} | {c['other']} | {c['share']:.0%} | {c['count']} of {c['held_out']} |"
            for c in lin["confused"]
        ]
    else:
        lines.append("none")
    o = lin["outliers"]
    nd, ao = o["near_duplicate_max"], o["answer_off_min"]
    lines += [
        "",
        f"Distance from the cut-offs (robust z, ±{o['cut_off']}):",
        "",
        f"* most extreme `near-duplicate-questions` z: {nd['z']:.2f} (entries {nd['entries'][0]} and "
        f"{nd['entries'][1]}, cosine {nd['cosine']:.2f}; FAQ median {nd['median']:.2f})",
        f"* most extreme `answer-off-question` z: {ao['z']:.2f} (entry {ao['entry']}, cosine "
        f"{ao['cosine']:.2f}; FAQ median {ao['median']:.2f})",
        "",
        "Every cross-validation landing on another entry (held-out alternates of *entry* ranked "
        "*other* first):",
        "",
        "| entry | other | count | of held out |",
        "|---|---|---|---|",
    ]
    lines += [f"| {d['entry']} | {d['other']} | {d['count']} | {d['held_out']} |" for d in lin["landings"]]
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.authoring", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--model", help="embedding model (default: faqbot's default)")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="the Markdown page; authoring.json goes beside it"
    )
    parser.add_argument(
        "--logs-out",
        type=Path,
        metavar="DIR",
        help="also keep the unanswered log and an example feedback log",
    )
    args = parser.parse_args(argv)
    watch = LoadWatch()
    started = time.perf_counter()
    corpus_path = bundled_corpus()
    log("model and the committed index")
    embedder = shared_embedder(args.model)
    corpus = load_corpus(corpus_path)
    try:
        index = load_index(bundled_index(), corpus, embedder)
    except IndexMismatchError as exc:
        raise SystemExit(f"the committed index does not match ({exc}); run `make index` first") from None
    bot = FAQBot(corpus, index, embedder)
    bot.warm()
    rows = read_topics()
    with tempfile.TemporaryDirectory(prefix="faqbot-authoring-") as tmp:
        report = report_section(bot, rows, Path(tmp))
    with tempfile.TemporaryDirectory(prefix="faqbot-authoring-") as tmp:
        report_dev = report_section(bot, read_topics(TOPICS_DEV), Path(tmp))
    lint_results = lint_section(corpus_path, args.model)
    watch.stop()
    results = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": command_line(argv),
            "model": embedder.info.name,
            "corpus": str(corpus_path.relative_to(ROOT))
            if corpus_path.is_relative_to(ROOT)
            else str(corpus_path),
            "index_model": index.manifest.get("model", {}).get("name"),
            "tree": tree_state(),
            "machine": machine(),
            "load": watch.between(0, float("inf")),
            "elapsed_s": round(time.perf_counter() - started, 1),
        },
        "report": report,
        "report_dev": report_dev,
        "lint": lint_results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    json_path = args.out.with_name("authoring.json")
    write_atomic(json_path, (json.dumps(results, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    write_atomic(args.out, render(results).encode("utf-8"))
    if args.logs_out:
        args.logs_out.mkdir(parents=True, exist_ok=True)
        write_unanswered(rows, args.logs_out / "unanswered.jsonl")
        write_example_feedback(args.logs_out / "feedback.jsonl")
        log(f"wrote unanswered.jsonl and feedback.jsonl in {args.logs_out}")
    log(f"wrote {args.out} and {json_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
