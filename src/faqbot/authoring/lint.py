"""Lint a FAQ before publishing: what the author should fix, each finding with figures.

Every check measures the FAQ with the bot's own model and retrieval. Findings
have a severity:

* **error**, an unambiguous mistake the bot cannot resolve; ``faqbot lint`` exits 1:
  two entries with the same question (``duplicate-question``), an empty
  alternate (``empty-alternate``), an alternate listed under two entries
  (``alternate-in-two-entries``), an alternate identical to another entry's
  question (``alternate-is-other-question``);
* **warning**, a measured risk that needs the author's judgement:

  - ``near-duplicate-questions``: two entries' questions are unusually close
    for this FAQ: a robust z-score (median and MAD, Iglewicz and Hoaglin's
    cut-off of 3.5) of their cosine among all pairs of its questions;
  - ``confused-entries``: cross-validation over the alternates. Each entry's
    alternates are split into ``FOLDS`` folds; for each fold the bot is rebuilt
    in memory without those alternates and asked each of them. A pair is
    reported when at least ``CONFUSION_SHARE`` of an entry's held-out phrasings
    land on one other entry (and at least two do): one neighbour taking a tenth
    of an entry's askers alone breaks the project's P@1 target of 0.90. An
    entry without alternates is checked by its question instead
    (``question-overlap``): the runner-up entry would answer it by itself
    (the runner-up's confidence clears the bot's answer threshold);
  - ``answer-off-question``: the cosine of an entry's question and its answer
    is an outlier low for this FAQ (robust z-score at most -3.5);
  - ``alternate-closer-to-other-entry``: two views agree that an alternate
    sits with another entry M: in that cross-validation the bot answers it,
    held out, with M (confidence at or above its answer threshold), and its
    nearest phrasing in the FAQ (cosine) is one of M's. (Either view alone
    flags many good alternates of a one-subject FAQ: entry centroids are
    "hubs" close to everything, and a held-out phrasing is often just hard.)
  - ``duplicate-alternate``: the same alternate twice in one entry;
  - ``no-alternates``: no entry has alternates (no sidecar, none inline);
* **info**, what would help: ``alternate-is-own-question``, ``no-out-of-scope``,
  ``no-meta``, ``no-contact``.

Speed: every text is encoded once (``CachedEmbedder``); the folds' rebuilds
reuse those vectors and only re-fit BM25 and the phrasing classifier.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..build import build_index
from ..corpus import Corpus, corpus_from_entries, load_corpus
from ..corpus.sidecars import META_SUFFIX, OUT_OF_SCOPE_SUFFIX, sidecar_path
from ..embedders import Embedder
from ..errors import IndexMismatchError, QuestionError
from ..index import load_index
from ..models import Entry
from . import grouping
from .cache import CachedEmbedder
from .written import empty_alternates

if TYPE_CHECKING:
    from ..bot import FAQBot

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

FOLDS = 5
CONFUSION_SHARE = 0.10  # an entry losing this share of its phrasings to one other entry
CONFUSION_MIN = 2  # ... and at least this many (one stray phrasing is noise)
OUTLIER_Z = 3.5  # Iglewicz and Hoaglin's cut-off for the modified z-score
SEED = 0  # fold assignment is deterministic


@dataclass(frozen=True)
class Finding:
    """One thing to fix or consider, where it is, and the figures behind it."""

    code: str
    severity: Severity
    message: str
    entry: int | None = None
    other: int | None = None  # the other entry involved, if any
    text: str | None = None  # the alternate or question concerned
    file: str | None = None
    line: int | None = None
    figures: dict[str, float | int] = field(default_factory=dict)

    @property
    def location(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        if self.entry is not None:
            parts.append(f"entry {self.entry}")
        if self.other is not None:
            parts.append(f"entry {self.other}")
        return " / ".join(parts) or "-"


@dataclass
class EntryCheck:
    """Cross-validation of one entry: where its held-out phrasings landed."""

    entry: int
    held_out: int
    right: int
    declined: int  # held-out phrasings the bot would decline
    landed: dict[int, int]  # other entry -> phrasings that ranked it first
    elsewhere: list[tuple[str, int, float]] = field(default_factory=list)  # (alternate, entry, confidence)


@dataclass
class LintReport:
    """All findings on one FAQ, with the cross-validation behind the confusion findings."""

    corpus: str
    title: str
    model: str
    entries: int
    phrasings: int
    findings: list[Finding]
    checks: list[EntryCheck]
    seconds: float

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def exit_status(self) -> int:
        """0 without errors, 1 with errors."""
        return 1 if self.count("error") else 0

    @property
    def held_out_accuracy(self) -> float | None:
        total = sum(c.held_out for c in self.checks)
        return sum(c.right for c in self.checks) / total if total else None

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        for f, d in zip(self.findings, data["findings"]):
            d["location"] = f.location
        data["counts"] = {s: self.count(s) for s in SEVERITIES}
        data["held_out_accuracy"] = self.held_out_accuracy
        data["exit_status"] = self.exit_status
        return data


# --- helpers ---------------------------------------------------------------------


def _fold(text: str) -> str:
    """Text as the bot tells phrasings apart: case, punctuation and spacing ignored."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def robust_z(values: np.ndarray) -> np.ndarray:
    """Modified z-scores, 0.6745 (x - median) / MAD; zeros when the MAD is 0."""
    values = np.asarray(values, dtype=np.float64)
    median = np.median(values)
    mad = np.median(np.abs(values - median))
    if mad == 0:
        return np.zeros_like(values)
    return 0.6745 * (values - median) / mad


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- checks on the text -------------------------------------------------------------


def check_text(corpus: Corpus) -> list[Finding]:
    """Duplicates, empty alternates and alternates in the wrong entry: exact, no model."""
    out: list[Finding] = []
    source = str(corpus.path) if corpus.path else None
    by_question: dict[str, list[int]] = defaultdict(list)
    for e in corpus.entries:
        by_question[_fold(e.question)].append(e.number)
    for numbers in by_question.values():
        for other in numbers[1:]:
            out.append(
                Finding(
                    "duplicate-question",
                    "error",
                    f"entries {numbers[0]} and {other} ask the same question; merge them or reword one",
                    entry=numbers[0],
                    other=other,
                    text=corpus.by_number[other].question,
                    file=source,
                )
            )
    if corpus.path is not None:
        for empty in empty_alternates(corpus.path):
            where = f"entry {empty.entry}" if empty.entry is not None else "an entry"
            out.append(
                Finding(
                    "empty-alternate",
                    "error",
                    f"{where} has an empty alternate (number {empty.position} in its list); "
                    "it is ignored: fill it in or remove it",
                    entry=empty.entry,
                    file=empty.file,
                    line=empty.line,
                    figures={"position": empty.position},
                )
            )
    owners: dict[str, list[int]] = defaultdict(list)
    for e in corpus.entries:
        seen: Counter[str] = Counter(_fold(a) for a in e.alternates)
        for text, n in seen.items():
            owners[text].append(e.number)
            if n > 1:
                out.append(
                    Finding(
                        "duplicate-alternate",
                        "warning",
                        f"entry {e.number} lists the alternate {_short(text)!r} {n} times",
                        entry=e.number,
                        text=text,
                        figures={"times": n},
                    )
                )
        own = _fold(e.question)
        if own in seen:
            out.append(
                Finding(
                    "alternate-is-own-question",
                    "info",
                    f"entry {e.number} lists its own question as an alternate (adds nothing)",
                    entry=e.number,
                    text=e.question,
                )
            )
    for text, numbers in owners.items():
        if len(numbers) > 1:
            out.append(
                Finding(
                    "alternate-in-two-entries",
                    "error",
                    f"the alternate {_short(text)!r} is listed under entries "
                    f"{', '.join(map(str, numbers))}; keep it under the one that answers it",
                    entry=numbers[0],
                    other=numbers[1],
                    text=text,
                )
            )
        for number in by_question.get(text, []):
            for owner in numbers:
                if owner != number:
                    out.append(
                        Finding(
                            "alternate-is-other-question",
                            "error",
                            f"entry {owner} lists entry {number}'s question as an alternate: "
                            f"questions asked that way would go to entry {owner}",
                            entry=owner,
                            other=number,
                            text=text,
                        )
                    )
    return out


def check_sidecars(corpus: Corpus) -> list[Finding]:
    """What the optional sidecars would add, when they are missing."""
    out: list[Finding] = []
    path = corpus.path
    if not any(e.alternates for e in corpus.entries):
        out.append(
            Finding(
                "no-alternates",
                "warning",
                "no entry has alternates: other ways users ask each question (an .alternates.json "
                "sidecar) teach the bot their wording, and let lint measure which entries it confuses",
                file=str(sidecar_path(path, ".alternates.json")) if path else None,
            )
        )
    if not corpus.out_of_scope:
        out.append(
            Finding(
                "no-out-of-scope",
                "info",
                "no out-of-scope examples: questions users ask that the FAQ does not answer "
                "(an .out-of-scope.json sidecar) teach the bot to decline questions like them",
                file=str(sidecar_path(path, OUT_OF_SCOPE_SUFFIX)) if path else None,
            )
        )
    meta = sidecar_path(path, META_SUFFIX) if path else None
    if meta is not None and not meta.is_file():
        out.append(
            Finding(
                "no-meta",
                "info",
                "no .meta.json sidecar: a title, a description and the FAQ's language make the "
                "chat page and the bot's small talk name the FAQ properly",
                file=str(meta),
            )
        )
    if corpus.contact is None:
        out.append(
            Finding(
                "no-contact",
                "info",
                "no contact in the meta sidecar: with one, a decline or 'talk to a human' can "
                "point readers to a person",
                file=str(meta) if meta else None,
            )
        )
    return out


# --- checks with the model -------------------------------------------------------------


@dataclass
class _Vectors:
    questions: np.ndarray  # one row per entry
    answers: np.ndarray  # one row per entry (role "passage")
    phrasings: np.ndarray  # question and alternates of every entry, in order
    owner: np.ndarray  # entry position of each phrasing row
    texts: list[str]  # each phrasing row's text


def _encode(corpus: Corpus, embedder: Embedder) -> _Vectors:
    texts: list[str] = []
    owner: list[int] = []
    for i, e in enumerate(corpus.entries):
        for p in (e.question, *e.alternates):
            texts.append(p)
            owner.append(i)
    phrasings = embedder.encode(texts, role="query")
    answers = embedder.encode([e.answer for e in corpus.entries], role="passage")
    first = [owner.index(i) for i in range(len(corpus.entries))]
    return _Vectors(phrasings[first], answers, phrasings, np.asarray(owner), texts)


def check_near_duplicates(corpus: Corpus, v: _Vectors) -> list[Finding]:
    """Pairs of questions unusually close for this FAQ (robust z of their cosine)."""
    n = len(corpus.entries)
    if n < 4:
        return []  # too few pairs for a distribution
    sims = grouping.unit(v.questions) @ grouping.unit(v.questions).T
    iu = np.triu_indices(n, 1)
    pairs = sims[iu]
    z = robust_z(pairs)
    out = []
    entries = corpus.entries
    for k in np.argsort(-pairs):
        if z[k] < OUTLIER_Z:
            break
        a, b = entries[iu[0][k]], entries[iu[1][k]]
        if _fold(a.question) == _fold(b.question):
            continue  # already an error
        out.append(
            Finding(
                "near-duplicate-questions",
                "warning",
                f"entries {a.number} and {b.number} ask nearly the same question (cosine "
                f"{pairs[k]:.2f}; this FAQ's median pair {np.median(pairs):.2f}, robust z {z[k]:.1f})",
                entry=a.number,
                other=b.number,
                figures={
                    "cosine": round(float(pairs[k]), 4),
                    "median": round(float(np.median(pairs)), 4),
                    "z": round(float(z[k]), 2),
                },
            )
        )
    return out


def check_answers(corpus: Corpus, v: _Vectors) -> list[Finding]:
    """Answers whose similarity to their own question is an outlier low for this FAQ."""
    n = len(corpus.entries)
    if n < 4:
        return []
    q = grouping.unit(v.questions)
    a = grouping.unit(v.answers)
    cross = q @ a.T  # question i x answer j
    own = np.diag(cross)
    z = robust_z(own)
    out = []
    for i in np.nonzero(z <= -OUTLIER_Z)[0]:
        e = corpus.entries[i]
        best = int(np.argmax(cross[:, i]))
        closer = (
            f"; it matches entry {corpus.entries[best].number}'s question better ({cross[best, i]:.2f})"
            if best != i
            else ""
        )
        out.append(
            Finding(
                "answer-off-question",
                "warning",
                f"entry {e.number}'s answer hardly addresses its question (cosine {own[i]:.2f}; "
                f"this FAQ's median {np.median(own):.2f}, robust z {z[i]:.1f}){closer}",
                entry=e.number,
                other=corpus.entries[best].number if best != i else None,
                figures={
                    "cosine": round(float(own[i]), 4),
                    "median": round(float(np.median(own)), 4),
                    "z": round(float(z[i]), 2),
                },
            )
        )
    return out


def _folds(entry: Entry, k: int) -> list[list[str]]:
    alternates = list(dict.fromkeys(entry.alternates))
    random.Random(f"{SEED}:{entry.number}").shuffle(alternates)
    return [alternates[f::k] for f in range(k)]


def _rebuilt(corpus: Corpus, entries: list[Entry], embedder: Embedder) -> FAQBot:
    """A bot over ``entries`` (the corpus's other data kept), built in memory."""
    from ..bot import FAQBot

    fold_corpus = corpus_from_entries(
        entries, corpus.title, corpus.out_of_scope, language=corpus.language, contact=corpus.contact
    )
    return FAQBot(fold_corpus, build_index(fold_corpus, embedder), embedder)


def cross_validate(
    corpus: Corpus, embedder: Embedder, folds: int = FOLDS
) -> tuple[list[EntryCheck], float | None]:
    """Where each entry's held-out alternates land when the bot is rebuilt without them,
    and the bot's answer threshold (None when no entry has alternates)."""
    split = {e.number: _folds(e, folds) for e in corpus.entries if e.alternates}
    checks = {n: EntryCheck(n, 0, 0, 0, {}) for n in split}
    threshold: float | None = None
    for f in range(folds):
        held = {n: parts[f] for n, parts in split.items() if parts[f]}
        if not held:
            continue
        kept = [
            Entry(
                e.number,
                e.question,
                e.answer,
                tuple(a for a in e.alternates if a not in held.get(e.number, ())),
            )
            for e in corpus.entries
        ]
        bot = _rebuilt(corpus, kept, embedder)
        threshold = bot.calibration.threshold
        for number, texts in held.items():
            check = checks[number]
            for text in texts:
                try:
                    hits = bot.search(text, k=1)
                except QuestionError:
                    continue
                if not hits:
                    continue
                check.held_out += 1
                check.declined += hits[0].score < threshold
                top = hits[0]
                if top.number == number:
                    check.right += 1
                else:
                    check.landed[top.number] = check.landed.get(top.number, 0) + 1
                    if top.score >= threshold:
                        check.elsewhere.append((text, top.number, top.score))
    return [c for c in checks.values() if c.held_out], threshold


def check_confusions(checks: list[EntryCheck]) -> list[Finding]:
    """Pairs where one entry takes a large share of another's held-out phrasings."""
    out = []
    for c in checks:
        for other, n in sorted(c.landed.items(), key=lambda kv: -kv[1]):
            share = n / c.held_out
            if share >= CONFUSION_SHARE and n >= CONFUSION_MIN:
                out.append(
                    Finding(
                        "confused-entries",
                        "warning",
                        f"{share:.0%} of entry {c.entry}'s phrasings go to entry {other} "
                        f"({n} of {c.held_out} held-out alternates)",
                        entry=c.entry,
                        other=other,
                        figures={"share": round(share, 4), "count": n, "held_out": c.held_out},
                    )
                )
    out.sort(key=lambda f: -float(f.figures["share"]))
    return out


def check_alternate_places(
    corpus: Corpus, v: _Vectors, checks: list[EntryCheck], threshold: float
) -> list[Finding]:
    """Alternates both views place with another entry: held out, the bot answers them with it,
    and their nearest phrasing in the FAQ is one of its."""
    rows = grouping.unit(v.phrasings)
    numbers = [e.number for e in corpus.entries]
    row_of = {(numbers[int(o)], t): r for r, (o, t) in enumerate(zip(v.owner, v.texts))}
    out = []
    for c in checks:
        for text, other, confidence in c.elsewhere:
            r = row_of.get((c.entry, text))
            if r is None:
                continue
            sims = rows @ rows[r]
            sims[[i for i, t in enumerate(v.texts) if t == text]] = -np.inf  # itself and its copies
            nearest = int(np.argmax(sims))
            if numbers[int(v.owner[nearest])] != other:
                continue
            out.append(
                Finding(
                    "alternate-closer-to-other-entry",
                    "warning",
                    f"entry {c.entry}'s alternate {_short(text)!r} sits with entry {other}: held out, the "
                    f"bot answers it with entry {other} (confidence {confidence:.2f}), and its nearest "
                    f"phrasing is entry {other}'s {_short(v.texts[nearest], 50)!r} (cosine {sims[nearest]:.2f}). "
                    "Is it filed under the right entry?",
                    entry=c.entry,
                    other=other,
                    text=text,
                    figures={
                        "confidence": round(confidence, 4),
                        "threshold": threshold,
                        "nearest_cosine": round(float(sims[nearest]), 4),
                    },
                )
            )
    return out


def check_question_overlap(corpus: Corpus, bot: FAQBot) -> list[Finding]:
    """Entries without alternates: would the runner-up entry answer the question by itself?"""
    out = []
    threshold = bot.calibration.threshold
    for e in corpus.entries:
        if e.alternates:
            continue
        hits = bot.search(e.question, k=3)
        others = [h for h in hits if h.number != e.number]
        if others and others[0].score >= threshold:
            h = others[0]
            out.append(
                Finding(
                    "question-overlap",
                    "warning",
                    f"entry {e.number}'s question would also be answered by entry {h.number} "
                    f"(confidence {h.score:.2f}, the bot answers from {threshold:.2f})",
                    entry=e.number,
                    other=h.number,
                    figures={"confidence": h.score, "threshold": threshold},
                )
            )
    return out


# --- the whole lint ----------------------------------------------------------------------


def lint_corpus(corpus: Corpus, embedder: Embedder, folds: int = FOLDS) -> LintReport:
    """Run every check on a loaded corpus with ``embedder`` (wrapped in a cache here)."""
    started = time.perf_counter()
    cached = embedder if isinstance(embedder, CachedEmbedder) else CachedEmbedder(embedder)
    findings = check_text(corpus)
    vectors = _encode(corpus, cached)
    findings += check_near_duplicates(corpus, vectors)
    findings += check_answers(corpus, vectors)
    checks, threshold = cross_validate(corpus, cached, folds)
    findings += check_confusions(checks)
    if threshold is not None:
        findings += check_alternate_places(corpus, vectors, checks, threshold)
    if any(not e.alternates for e in corpus.entries):
        findings += check_question_overlap(corpus, _rebuilt(corpus, list(corpus.entries), cached))
    findings += check_sidecars(corpus)
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: rank[f.severity])  # stable: each check's own order within
    return LintReport(
        corpus=str(corpus.path) if corpus.path else "<memory>",
        title=corpus.title,
        model=embedder.info.name,
        entries=len(corpus.entries),
        phrasings=len(vectors.texts),
        findings=findings,
        checks=checks,
        seconds=round(time.perf_counter() - started, 2),
    )


def lint_file(path: str | Path, model: str | None = None) -> LintReport:
    """Load a FAQ file (CorpusError if malformed) and lint it with the chosen model.

    When the FAQ's index is already built for this model (``faqbot build``), its
    vectors are reused (read only: lint writes nothing).
    """
    from ..bundled import default_index_dir
    from ..embedders import shared_embedder

    corpus = load_corpus(path)
    cached = CachedEmbedder(shared_embedder(model))
    try:
        cached.seed(load_index(default_index_dir(Path(path)), corpus, cached))
    except (IndexMismatchError, OSError, ValueError):
        pass  # no usable saved index: everything is encoded once, in memory
    return lint_corpus(corpus, cached)


# --- output -------------------------------------------------------------------------------


def to_text(report: LintReport) -> str:
    """Findings for a terminal, errors first, with a one-line summary."""
    lines = [
        f"faqbot lint: {report.corpus} ({report.entries} entries, {report.phrasings} phrasings, "
        f"{report.model})"
    ]
    for f in report.findings:
        lines.append(f"{f.severity:<7}  {f.code:<32}  {f.location}")
        lines.append(f"{'':9}{f.message}")
    acc = report.held_out_accuracy
    if acc is not None:
        held = sum(c.held_out for c in report.checks)
        lines.append(
            f"held-out alternates ranked to their own entry: {acc:.1%} of {held} ({FOLDS}-fold, bot rebuilt per fold)"
        )
    counts = ", ".join(f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}" for s in SEVERITIES)
    lines.append(f"{counts}; {report.seconds:.1f}s")
    return "\n".join(_printable(line) for line in lines) + "\n"


def _printable(line: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in line)


def to_json(report: LintReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
