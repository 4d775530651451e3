"""Answer quality over labelled cases: ranking metrics, decline rates, conversations, a plot.

Cases are JSONL: ``{"query": ..., "expected": N | null}`` for one question
(optionally ``"style"``, e.g. "indirect" or "spanish", and ``"kind"``, the
expected ``Answer.kind``), ``{"turns": [{"query": ..., "expected": ...}, ...]}``
for a conversation (each turn is asked with the bot's earlier Answers as
history, as data: the structured turns the chat and the API pass too).

Metrics (``Report.metrics``):

* ranking, over in-scope single queries, no threshold (``FAQBot.search``):
  ``p_at_1``, ``mrr`` and ``recall_at_3``;
* decisions (``FAQBot.ask``): a query is *declined* when the bot does not answer
  from the FAQ (kind ``declined``; small talk also counts, it is no FAQ answer).
  ``decline_precision`` = declined and out of scope / declined;
  ``decline_recall`` = declined out-of-scope / out-of-scope;
  ``false_decline_rate`` = declined in-scope / in-scope;
  ``answer_accuracy`` = in-scope answered with the right entry / in-scope;
* conversations: ``turn_accuracy`` = turns answered as labelled / turns (a turn
  labelled ``null`` must be declined or small talk, or the ``kind`` it names),
  and ``faq_turn_accuracy`` over the turns labelled with an entry;
* ``by_style``: for cases that carry a ``style``, the share answered as labelled
  per style (with its count).

The pure metric functions (``reciprocal_rank``, ``ranking_metrics``,
``decline_metrics``, ``threshold_sweep``) take plain rankings and flags, so they
are tested on hand-made data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .corpus import iter_jsonl
from .errors import CorpusError

if TYPE_CHECKING:
    from .bot import FAQBot

RANK_DEPTH = 10  # how deep the ranking is kept per query (MRR counts 0 beyond it)


# --- cases -------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One labelled question: ``expected`` is a question number, or None (should decline)."""

    query: str
    expected: int | None
    kind: str | None = None  # optional expected Answer.kind ("smalltalk", ...)
    style: str | None = None  # optional label of how the query is written ("indirect", ...)


@dataclass(frozen=True)
class Conversation:
    """A labelled conversation: turns asked in order, each with the earlier ones as history."""

    turns: tuple[Case, ...]


def _case(obj: Any, path: Path, line: int) -> Case:
    if not isinstance(obj, dict) or not isinstance(obj.get("query"), str):
        raise CorpusError("expected an object with a 'query' string", path, line)
    expected = obj.get("expected")
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise CorpusError("'expected' must be a question number or null", path, line)
    kind, style = obj.get("kind"), obj.get("style")
    return Case(
        obj["query"],
        expected,
        kind if isinstance(kind, str) else None,
        style if isinstance(style, str) else None,
    )


def load_cases(path: str | Path) -> list[Case | Conversation]:
    """Read labelled cases from a JSONL file (blank lines skipped)."""
    path = Path(path)
    out: list[Case | Conversation] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CorpusError(f"cannot read the cases: {exc.strerror or exc}", path) from exc
    for n, obj in iter_jsonl(text, path):
        if isinstance(obj, dict) and "turns" in obj:
            turns = obj["turns"]
            if not isinstance(turns, list) or not turns:
                raise CorpusError("'turns' must be a non-empty list", path, n)
            out.append(Conversation(tuple(_case(t, path, n) for t in turns)))
        else:
            out.append(_case(obj, path, n))
    if not out:
        raise CorpusError("no cases found", path)
    return out


# --- pure metrics ------------------------------------------------------------------


def reciprocal_rank(ranking: Sequence[int], expected: int) -> float:
    """1 / (1-based rank of ``expected`` in ``ranking``), 0 when absent."""
    for i, number in enumerate(ranking, 1):
        if number == expected:
            return 1.0 / i
    return 0.0


def ranking_metrics(rankings: Sequence[Sequence[int]], expected: Sequence[int]) -> dict[str, float]:
    """P@1, MRR and recall@3 of ranked entry numbers against the right ones."""
    if len(rankings) != len(expected):
        raise ValueError("rankings and expected must have the same length")
    n = len(rankings)
    if n == 0:
        return {"p_at_1": float("nan"), "mrr": float("nan"), "recall_at_3": float("nan")}
    rr = [reciprocal_rank(r, e) for r, e in zip(rankings, expected)]
    return {
        "p_at_1": sum(1 for x in rr if x == 1.0) / n,
        "mrr": sum(rr) / n,
        "recall_at_3": sum(1 for x in rr if x >= 1 / 3) / n,
    }


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def decline_metrics(
    in_scope: Sequence[bool], declined: Sequence[bool], correct: Sequence[bool]
) -> dict[str, float]:
    """Decline precision/recall, false-decline rate and answer accuracy.

    ``in_scope[i]``: the FAQ covers query i; ``declined[i]``: the bot declined it;
    ``correct[i]``: it answered with the right entry (only meaningful in scope).
    """
    if not (len(in_scope) == len(declined) == len(correct)):
        raise ValueError("in_scope, declined and correct must have the same length")
    n_in = sum(in_scope)
    n_out = len(in_scope) - n_in
    n_declined = sum(declined)
    declined_out = sum(1 for s, d in zip(in_scope, declined) if d and not s)
    declined_in = n_declined - declined_out
    right = sum(1 for s, d, c in zip(in_scope, declined, correct) if s and not d and c)
    return {
        "decline_precision": _ratio(declined_out, n_declined),
        "decline_recall": _ratio(declined_out, n_out),
        "false_decline_rate": _ratio(declined_in, n_in),
        "answer_accuracy": _ratio(right, n_in),
        "wrong_answer_rate": _ratio(n_in - right - declined_in, n_in),
    }


@dataclass(frozen=True)
class SweepPoint:
    """The decisions at one threshold: share of in-scope answered right / declined, out-of-scope declined."""

    threshold: float
    answered_right: float
    answered_wrong: float
    in_scope_declined: float
    out_of_scope_declined: float


def threshold_sweep(
    scores: Sequence[float],
    in_scope: Sequence[bool],
    top1_correct: Sequence[bool],
    thresholds: Iterable[float],
) -> list[SweepPoint]:
    """What a confidence threshold would do: answer when score >= threshold, else decline."""
    points = []
    n_in = sum(in_scope)
    n_out = len(in_scope) - n_in
    for t in thresholds:
        answered = [s >= t for s in scores]
        right = sum(1 for a, s, c in zip(answered, in_scope, top1_correct) if a and s and c)
        wrong = sum(1 for a, s, c in zip(answered, in_scope, top1_correct) if a and s and not c)
        declined_in = sum(1 for a, s in zip(answered, in_scope) if s and not a)
        declined_out = sum(1 for a, s in zip(answered, in_scope) if not s and not a)
        points.append(
            SweepPoint(
                float(t),
                _ratio(right, n_in),
                _ratio(wrong, n_in),
                _ratio(declined_in, n_in),
                _ratio(declined_out, n_out),
            )
        )
    return points


# --- running the bot ---------------------------------------------------------------


@dataclass
class CaseResult:
    """What the bot did with one labelled query."""

    query: str
    expected: int | None
    ranking: list[int]  # entry numbers, best first (search, no threshold)
    answered: int | None  # the question number the bot answered with, None if it did not
    kind: str  # Answer.kind
    score: float  # Answer.score (confidence)
    conversation: int | None = None  # index of its conversation, None for single queries
    expected_kind: str | None = None
    style: str | None = None

    @property
    def in_scope(self) -> bool:
        return self.expected is not None

    @property
    def declined(self) -> bool:
        return self.kind != "faq"

    @property
    def correct(self) -> bool:
        """The bot did what the label asks (answered right, or declined / small talk)."""
        if self.expected is None:
            return self.kind == self.expected_kind if self.expected_kind else self.declined
        return self.answered == self.expected


@dataclass
class Report:
    """Per-query results and the metrics over them."""

    source: str
    threshold: float
    singles: list[CaseResult] = field(default_factory=list)
    turns: list[CaseResult] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def misses(self) -> list[CaseResult]:
        """Single queries the bot got wrong (wrong entry, false decline, or not declined)."""
        return [r for r in self.singles if not r.correct]


def _run_case(bot: FAQBot, case: Case, history: list[dict[str, Any]] | None):
    """(result, the bot's Answer) for one case."""
    ranking = [h.number for h in bot.search(case.query, k=RANK_DEPTH)]
    answer = bot.ask(case.query, history=history)
    return CaseResult(
        query=case.query,
        expected=case.expected,
        ranking=ranking,
        answered=answer.question_number if answer.kind == "faq" else None,
        kind=answer.kind,
        score=float(answer.score) if answer.kind == "faq" or answer.kind == "declined" else 0.0,
        expected_kind=case.kind,
        style=case.style,
    ), answer


def evaluate(bot: FAQBot, cases: Sequence[Case | Conversation], source: str = "") -> Report:
    """Ask the bot every case and measure (see the module docstring)."""
    report = Report(source=source, threshold=bot.calibration.threshold)
    for i, case in enumerate(cases):
        if isinstance(case, Conversation):
            history: list[dict[str, Any]] = []
            for turn in case.turns:
                result, answer = _run_case(bot, turn, list(history))
                result.conversation = i
                report.turns.append(result)
                history.append(answer.to_dict())
        else:
            report.singles.append(_run_case(bot, case, None)[0])
    report.metrics = compute_metrics(report.singles, report.turns)
    return report


def compute_metrics(singles: Sequence[CaseResult], turns: Sequence[CaseResult] = ()) -> dict[str, Any]:
    """All metrics of a report from its per-query results."""
    metrics: dict[str, Any] = {
        "n_queries": len(singles),
        "n_in_scope": sum(1 for r in singles if r.in_scope),
        "n_out_of_scope": sum(1 for r in singles if not r.in_scope),
    }
    scoped = [r for r in singles if r.in_scope]
    metrics.update(ranking_metrics([r.ranking for r in scoped], [r.expected or 0 for r in scoped]))
    metrics.update(
        decline_metrics(
            [r.in_scope for r in singles], [r.declined for r in singles], [r.correct for r in singles]
        )
    )
    if turns:
        metrics["n_turns"] = len(turns)
        metrics["turn_accuracy"] = sum(r.correct for r in turns) / len(turns)
        faq_turns = [r for r in turns if r.expected is not None]
        if faq_turns:
            metrics["faq_turn_accuracy"] = sum(r.correct for r in faq_turns) / len(faq_turns)
    styles = sorted({r.style for r in singles if r.style})
    if styles:
        metrics["by_style"] = {
            style: {
                "n": len(group),
                "correct": round(sum(r.correct for r in group) / len(group), 4),
            }
            for style in styles
            for group in [[r for r in singles if r.style == style]]
        }
    # NaN (no queries of that kind) becomes None, so `--json` prints valid JSON.
    return {k: (None if v != v else round(v, 4)) if isinstance(v, float) else v for k, v in metrics.items()}


def evaluate_file(bot: FAQBot, path: str | Path) -> Report:
    """Load a JSONL case file and evaluate the bot on it."""
    return evaluate(bot, load_cases(path), source=str(path))


# --- output ------------------------------------------------------------------------


def format_report(report: Report, max_misses: int = 15) -> str:
    """The metrics as a short readable table, then a few misses."""
    m = report.metrics

    def missing(key: str) -> bool:
        return m.get(key) is None or m[key] != m[key]  # absent or NaN (no such queries)

    def pct(key: str) -> str:
        return "n/a" if missing(key) else f"{100 * m[key]:.1f}%"

    def num(key: str) -> str:
        return "n/a" if missing(key) else f"{m[key]:.3f}"

    lines = [
        f"cases: {report.source}  ({m['n_in_scope']} in scope, {m['n_out_of_scope']} out of scope"
        + (f", {m['n_turns']} conversation turns)" if "n_turns" in m else ")"),
        f"threshold: {report.threshold:.2f}",
        "",
        "ranking (in scope, no threshold)",
        f"  P@1          {num('p_at_1')}",
        f"  MRR          {num('mrr')}",
        f"  recall@3     {num('recall_at_3')}",
        "decisions",
        f"  answered right          {pct('answer_accuracy')}",
        f"  answered wrong          {pct('wrong_answer_rate')}",
        f"  in-scope declined       {pct('false_decline_rate')}   (false declines)",
        f"  out-of-scope declined   {pct('decline_recall')}   (decline recall)",
        f"  decline precision       {pct('decline_precision')}",
    ]
    if "turn_accuracy" in m:
        lines.append(
            f"conversations: turn accuracy {pct('turn_accuracy')} over {m['n_turns']} turns"
            + (f", FAQ turns {pct('faq_turn_accuracy')}" if "faq_turn_accuracy" in m else "")
        )
    if m.get("by_style"):
        lines.append("answered as labelled, by style")
        lines.extend(
            f"  {style:<18} {100 * v['correct']:5.1f}%  (n={v['n']})" for style, v in m["by_style"].items()
        )
    misses = report.misses + [r for r in report.turns if not r.correct]
    if misses:
        lines += ["", f"misses ({len(misses)}; showing up to {max_misses}):"]
        for r in misses[:max_misses]:
            got = f"answered {r.answered}" if r.answered is not None else r.kind
            lines.append(
                f"  expected {str(r.expected):>4}  {got:<12} score {r.score:.2f}  "
                f"top3 {r.ranking[:3]}  {r.query!r}"
            )
    return "\n".join(lines)


def plot_report(report: Report, path: str | Path) -> None:
    """Score distributions (in scope right / wrong, out of scope) and the threshold trade-off."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    singles = report.singles
    scores = [r.score for r in singles]
    in_scope = [r.in_scope for r in singles]
    top1 = [bool(r.ranking) and r.ranking[0] == r.expected for r in singles]
    thresholds = np.linspace(0, 1, 101)
    sweep = threshold_sweep(scores, in_scope, top1, thresholds)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    bins = np.linspace(0, 1, 26)
    groups = [
        (
            "in scope, top answer right",
            [s for s, i, c in zip(scores, in_scope, top1) if i and c],
            "tab:green",
        ),
        (
            "in scope, top answer wrong",
            [s for s, i, c in zip(scores, in_scope, top1) if i and not c],
            "tab:orange",
        ),
        ("out of scope", [s for s, i in zip(scores, in_scope) if not i], "tab:red"),
    ]
    for label, values, color in groups:
        ax1.hist(values, bins=bins, alpha=0.6, label=f"{label} ({len(values)})", color=color)
    ax1.axvline(report.threshold, color="k", linestyle="--", label=f"threshold {report.threshold:.2f}")
    ax1.set_xlabel("confidence (Answer.score)")
    ax1.set_ylabel("queries")
    ax1.set_title("Confidence by kind of query")
    ax1.legend(fontsize=8)

    ax2.plot(
        thresholds, [p.answered_right for p in sweep], label="in scope: answered right", color="tab:green"
    )
    ax2.plot(
        thresholds, [p.answered_wrong for p in sweep], label="in scope: answered wrong", color="tab:orange"
    )
    ax2.plot(thresholds, [p.in_scope_declined for p in sweep], label="in scope: declined", color="tab:blue")
    ax2.plot(
        thresholds, [p.out_of_scope_declined for p in sweep], label="out of scope: declined", color="tab:red"
    )
    ax2.axvline(report.threshold, color="k", linestyle="--")
    ax2.set_xlabel("threshold (answer when confidence >= threshold)")
    ax2.set_ylabel("share of queries")
    ax2.set_ylim(-0.02, 1.02)
    ax2.set_title("Accuracy / coverage trade-off")
    ax2.legend(fontsize=8, loc="center left")
    fig.suptitle(f"faqbot eval: {Path(report.source).name}", fontsize=10)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
