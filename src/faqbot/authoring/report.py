"""The FAQ report: what users asked that the FAQ did not answer, grouped, with a suggestion each.

Input is the operator's opt-in logs (``logfiles.py``): the unanswered questions
and, when kept, readers' votes. Output is a ``Report`` (rendered by
``report_render.py``), built in four steps:

1. **Ask the bot again.** Each distinct question (case and spacing folded;
   repeats counted) is asked of the bot as it is now. Questions it now answers
   form one group per entry ("answered now by entry N"): the FAQ or the bot has
   changed since they were logged, and the author should check those answers.
2. **Group the rest** by meaning (``grouping.py``): the bot's own question
   vectors, agglomerative clustering, a threshold taken from how far apart the
   FAQ's own phrasings of one question are.
3. **Suggest, per group.** The group's *closest entry* is the entry most of its
   questions rank first (``FAQBot.ask`` / ``search``). The group belongs to that
   entry, and its questions are suggested as alternates of it, when both:

   * *agreement*: a majority of the group's questions rank that entry first, and
   * *closeness*: the group's typical question (the median of its questions'
     cosines to the centroid of the entry's question and alternates) is as close
     to the entry as the entry's own phrasings are: at least the lower quartile
     of their cosines to the centroid of the entry's other phrasings. The group
     then reads like one more set of ways to ask that entry's question.

   Otherwise: "no entry covers this: consider a new one". Agreement alone is
   not enough: questions the FAQ does not cover often agree on the same nearest
   entry (a question about renewing a driving licence ranks "what data is
   shared" first). A wrong "add as alternates" would teach the bot to answer
   questions the FAQ does not cover, so the rule leans to "new entry"; the
   figures behind it are shown. The comparison is with the FAQ's own phrasings,
   so no constant is tuned per model. An entry with no alternates is compared
   by its question instead: the group's typical question must be closer to it
   than the nearest other question of the FAQ is. A group of one question asked
   once gets no suggestion.
4. **Votes.** Per entry, up and down votes; when the operator logged the
   questions with the votes, the downvoted questions of each entry are grouped
   the same way, so the report can say what they were mostly about.

Privacy: the report reads only the files given and writes nothing itself; the
command line writes only the outputs asked for.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

from ..chunking import ChunkKind
from ..errors import QuestionError
from ..models import Answer
from . import grouping
from .cache import CachedEmbedder
from .logfiles import Logs

if TYPE_CHECKING:
    from ..bot import FAQBot

GroupKind = Literal["answered", "alternates", "new", "single", "downvoted"]
EXAMPLES = 3  # questions shown per group
MAX_GROUPED = 5000  # distinct questions grouped (the most frequent); clustering memory grows as n^2


@dataclass
class Group:
    """Similar logged questions and what to do about them."""

    kind: GroupKind
    count: int  # questions logged, repeats included
    questions: list[str]  # distinct questions, most typical first
    entry: int | None  # the suggested entry ("answered", "alternates"), else None
    closest: int | None  # the entry most of its questions rank first
    closest_question: str | None
    share: float  # of the group's questions, the share that rank ``closest`` first
    confidence: float  # median confidence of those questions for ``closest``
    closeness: float | None = None  # median cosine of its questions to the closest entry's phrasing centroid
    reference: float | None = None  # how close that entry's own phrasings are (lower quartile)

    @property
    def examples(self) -> list[str]:
        return self.questions[:EXAMPLES]

    @property
    def suggestion(self) -> str:
        """What to do, in words."""
        if self.kind == "answered":
            return f"answered now by entry {self.entry}: check that it fits"
        if self.kind == "alternates":
            return f"add as alternates of entry {self.entry}"
        if self.kind == "new":
            return "no entry covers this: consider a new one"
        if self.kind == "single":
            return "asked once"
        return "downvoted"

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["suggestion"] = self.suggestion
        return data


@dataclass
class EntryVotes:
    """Readers' votes on one entry's answers (``entry`` None: votes on declines or small talk)."""

    entry: int | None
    question: str | None
    up: int = 0
    down: int = 0
    downvoted: list[Group] = field(default_factory=list)  # groups of downvoted questions, if logged

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["downvoted"] = [g.to_dict() for g in self.downvoted]
        return data


@dataclass
class Report:
    """Everything the report shows; ``to_dict`` is its JSON."""

    title: str
    model: str
    files: list[str]
    lines: int
    skipped: dict[str, int]
    questions: int  # unanswered questions logged
    distinct: int
    grouped: int  # distinct questions grouped (at most MAX_GROUPED)
    threshold: float
    threshold_rule: str
    groups: list[Group]
    votes: list[EntryVotes]

    @property
    def suggested_alternates(self) -> dict[str, list[str]]:
        """``{"9": [...]}``: the questions of the groups suggested as alternates, for review.

        Only groups the bot still declines: a group it answers now needs no alternates.
        """
        out: dict[int, list[str]] = defaultdict(list)
        for g in self.groups:
            if g.kind == "alternates" and g.entry is not None:
                out[g.entry].extend(q for q in g.questions if q not in out[g.entry])
        return {str(n): out[n] for n in sorted(out)}

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["groups"] = [g.to_dict() for g in self.groups]
        data["votes"] = [v.to_dict() for v in self.votes]
        data["suggested_alternates"] = self.suggested_alternates
        return data


# --- the FAQ's own geometry ----------------------------------------------------


@dataclass
class _FAQGeometry:
    numbers: list[int]
    centroids: np.ndarray  # one unit row per entry: its phrasings' centroid
    reference: np.ndarray  # per entry: how close its own phrasings are to it (see ``_references``)
    threshold: grouping.Threshold

    def row(self, number: int) -> int:
        return self.numbers.index(number)


REFERENCE_QUANTILE = 25  # percent: a group's typical question must be as close as 3 in 4 of the entry's own


def _references(vectors: np.ndarray, labels: np.ndarray, numbers: list[int]) -> np.ndarray:
    """Per entry, the lower quartile of its phrasings' cosines to the centroid of its other
    phrasings; for an entry with one phrasing, its question's cosine to the nearest other
    entry's centroid (a group must be closer than that)."""
    rows = grouping.unit(vectors)
    sums = np.stack([rows[labels == n].sum(axis=0) for n in numbers])
    centroids = grouping.unit(sums)
    out = np.empty(len(numbers))
    for i, n in enumerate(numbers):
        own = rows[labels == n]
        if len(own) >= 2:
            loo = [float(grouping.unit(sums[i] - r) @ r) for r in own]
            out[i] = np.percentile(loo, REFERENCE_QUANTILE)
        else:
            others = np.delete(centroids, i, axis=0) @ own[0]
            out[i] = float(others.max()) if len(others) else -1.0
    return out


def _faq_geometry(bot: FAQBot) -> _FAQGeometry:
    """Centroids, references and the grouping threshold, from the phrasing vectors in the bot's index."""
    index = bot.index
    phrasing = np.nonzero(index.chunk_kind != ChunkKind.ANSWER.code)[0]
    vectors = index.dense.vectors(phrasing)
    labels = [index.entry_numbers[int(i)] for i in index.chunk_entry[phrasing]]
    labels_arr = np.asarray(labels)
    numbers = list(index.entry_numbers)
    centroids = np.stack([grouping.centroid(vectors[labels_arr == n]) for n in numbers])
    questions = index.dense.vectors(index.ids_of(ChunkKind.QUESTION))
    return _FAQGeometry(
        numbers,
        centroids,
        _references(vectors, labels_arr, numbers),
        grouping.faq_threshold(vectors, labels, questions),
    )


# --- questions -------------------------------------------------------------------


@dataclass
class _Asked:
    text: str
    count: int
    answered: int | None  # the entry the bot now answers it with
    top: int | None  # the entry it ranks first
    confidence: float  # the bot's confidence for ``top``


def _distinct(questions: Sequence[str]) -> list[tuple[str, int]]:
    """(first spelling, count) per distinct question (case and spacing folded), most frequent first."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for q in questions:
        key = " ".join(q.casefold().split())
        counts[key] += 1
        first.setdefault(key, q)
    order = sorted(counts, key=lambda k: -counts[k])  # stable: ties keep log order
    return [(first[k], counts[k]) for k in order]


def _ask(bot: FAQBot, text: str, count: int) -> _Asked:
    try:
        answer: Answer = bot.ask(text)
    except QuestionError:  # no words the bot can read (a hand-edited log): grouped, no entry
        return _Asked(text, count, None, None, 0.0)
    if answer.kind == "faq" and answer.question_number is not None:
        return _Asked(text, count, answer.question_number, answer.question_number, answer.score)
    if answer.kind == "declined" and answer.alternatives:
        top = answer.alternatives[0]
        return _Asked(text, count, None, top.number, top.score)
    hits = bot.search(text, k=1)  # small talk offers examples, not the closest entries
    return _Asked(text, count, None, hits[0].number if hits else None, hits[0].score if hits else 0.0)


def suggest(count: int, share: float, closeness: float | None, reference: float | None) -> GroupKind:
    """The rule of step 3 (module docstring) for a group of declined questions.

    ``share``: of the group's questions, the share ranking its closest entry first;
    ``closeness``: the median cosine of its questions to that entry's phrasing centroid;
    ``reference``: how close the entry's own phrasings are to it (``_references``).
    """
    if count < 2:
        return "single"
    if share > 0.5 and closeness is not None and reference is not None and closeness >= reference:
        return "alternates"
    return "new"


def _describe(
    bot: FAQBot, asked: list[_Asked], vectors: np.ndarray, geometry: _FAQGeometry, kind: GroupKind | None
) -> Group:
    """A Group of these questions; ``kind`` None: decide it by the rule of the module docstring."""
    order = grouping.central_first(vectors)
    asked = [asked[i] for i in order]
    vectors = vectors[order]
    count = sum(a.count for a in asked)
    votes: Counter[int] = Counter()
    for a in asked:
        if a.top is not None:
            votes[a.top] += a.count
    closest = votes.most_common(1)[0][0] if votes else None
    share = votes[closest] / count if closest is not None else 0.0
    confs = [a.confidence for a in asked if a.top == closest]
    confidence = float(np.median(confs)) if confs else 0.0
    closeness = reference = None
    if closest is not None and closest in geometry.numbers:
        row = geometry.row(closest)
        closeness = float(np.median(grouping.unit(vectors) @ geometry.centroids[row]))
        reference = float(geometry.reference[row])
    if kind is None:
        kind = suggest(count, share, closeness, reference)
    entry = closest if kind in ("answered", "alternates") else None
    return Group(
        kind=kind,
        count=count,
        questions=[a.text for a in asked],
        entry=entry,
        closest=closest,
        closest_question=bot.entry(closest).question if closest is not None else None,
        share=round(share, 4),
        confidence=round(confidence, 4),
        closeness=None if closeness is None else round(closeness, 4),
        reference=None if reference is None else round(reference, 4),
    )


def _group_questions(
    bot: FAQBot, questions: Sequence[str], geometry: _FAQGeometry
) -> tuple[list[Group], int]:
    """Groups of unanswered ``questions`` (steps 1-3 of the module docstring) and how many
    distinct ones were grouped."""
    distinct = _distinct(questions)[:MAX_GROUPED]
    if not distinct:
        return [], 0
    vectors = bot.embedder.encode([t for t, _ in distinct], role="query")
    asked = [_ask(bot, t, c) for t, c in distinct]
    groups: list[Group] = []
    by_entry: dict[int, list[int]] = defaultdict(list)
    for i, a in enumerate(asked):
        if a.answered is not None:
            by_entry[a.answered].append(i)
    for ids in by_entry.values():
        groups.append(_describe(bot, [asked[i] for i in ids], vectors[ids], geometry, "answered"))
    rest = [i for i, a in enumerate(asked) if a.answered is None]
    labels = grouping.group(vectors[rest], geometry.threshold.distance)
    for label in range(int(labels.max()) + 1 if rest else 0):
        ids = [rest[i] for i in np.nonzero(labels == label)[0]]
        groups.append(_describe(bot, [asked[i] for i in ids], vectors[ids], geometry, None))
    groups.sort(key=lambda g: (g.kind == "single", -g.count))
    return groups, len(distinct)


def _group_downvoted(bot: FAQBot, questions: Sequence[str], threshold: float) -> list[Group]:
    """The downvoted questions of one entry, grouped (largest first), to show what they were about."""
    distinct = _distinct(questions)[:MAX_GROUPED]
    vectors = bot.embedder.encode([t for t, _ in distinct], role="query")
    labels = grouping.group(vectors, threshold)
    groups = []
    for label in range(int(labels.max()) + 1 if distinct else 0):
        ids = np.nonzero(labels == label)[0]
        order = [int(ids[i]) for i in grouping.central_first(vectors[ids])]
        groups.append(
            Group(
                kind="downvoted",
                count=sum(distinct[i][1] for i in order),
                questions=[distinct[i][0] for i in order],
                entry=None,
                closest=None,
                closest_question=None,
                share=0.0,
                confidence=0.0,
            )
        )
    groups.sort(key=lambda g: -g.count)
    return groups


def _votes(bot: FAQBot, logs: Logs, geometry: _FAQGeometry) -> list[EntryVotes]:
    per: dict[int | None, EntryVotes] = {}
    downvoted: dict[int | None, list[str]] = defaultdict(list)
    for v in logs.votes:
        entry = v.entry if v.entry in bot.corpus.by_number else None
        ev = per.get(entry)
        if ev is None:
            question = bot.entry(entry).question if entry is not None else None
            ev = per[entry] = EntryVotes(entry, question)
        if v.vote == "up":
            ev.up += 1
        else:
            ev.down += 1
            if v.question:
                downvoted[entry].append(v.question)
    for entry, questions in downvoted.items():
        per[entry].downvoted = _group_downvoted(bot, questions, geometry.threshold.distance)
    return sorted(per.values(), key=lambda ev: (-ev.down, -ev.up, ev.entry if ev.entry is not None else -1))


def build_report(bot: FAQBot, logs: Logs) -> Report:
    """Group the logged questions and suggest what to do (see the module docstring)."""
    from ..bot import FAQBot

    cached = CachedEmbedder(bot.embedder)
    bot = FAQBot(bot.corpus, bot.index, cached, fusion=bot.retriever.config, calibration=bot.calibration)
    geometry = _faq_geometry(bot)
    groups, grouped = _group_questions(bot, logs.unanswered, geometry)
    return Report(
        title=bot.title,
        model=bot.embedder.info.name,
        files=list(logs.files),
        lines=logs.lines,
        skipped=dict(logs.skipped),
        questions=len(logs.unanswered),
        distinct=len(_distinct(logs.unanswered)),
        grouped=grouped,
        threshold=round(geometry.threshold.distance, 4),
        threshold_rule=geometry.threshold.rule,
        groups=groups,
        votes=_votes(bot, logs, geometry),
    )
