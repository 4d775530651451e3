"""The FAQ report as a terminal table, Markdown, self-contained HTML, JSON, or alternates to merge.

Every logged question is text a stranger typed: Markdown escapes its markup
characters, HTML escapes everything (``html.escape``), and the terminal view
drops control characters, so a logged question can never inject markup or
terminal escapes into the report. The HTML page carries its plot inline (a PNG
made with matplotlib, base64 in an ``<img>``) and loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import html
import io
import json
import re
import shutil
import textwrap
import unicodedata
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from ..corpus.sidecars import ALTERNATES_SUFFIX, META_SUFFIX, OUT_OF_SCOPE_SUFFIX, sidecar_path
from ..errors import OutputFileError
from .report import Group, Report

PLOT_GROUPS = 20  # groups shown in the HTML plot
SINGLES_SHOWN = 5  # questions asked once, shown as examples

KIND_COLOURS = {"answered": "#4c78a8", "alternates": "#54a24b", "new": "#e45756", "single": "#bab0ac"}


# --- shared wording ----------------------------------------------------------------


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else plural or word + 's'}"


def _skipped(report: Report) -> str:
    if not report.skipped:
        return ""
    total = sum(report.skipped.values())
    reasons = ", ".join(f"{reason}: {n}" for reason, n in sorted(report.skipped.items()))
    return f"{_plural(total, 'line')} skipped ({reasons})"


def summary_lines(report: Report) -> list[str]:
    """The report's opening sentences (plain text; callers escape them)."""
    groups = [g for g in report.groups if g.kind != "single"]
    singles = sum(1 for g in report.groups if g.kind == "single")
    lines = [
        f"{_plural(report.questions, 'unanswered question')} ({report.distinct:,} distinct) and "
        f"{_plural(sum(v.up + v.down for v in report.votes), 'vote')} read from "
        f"{_plural(len(report.files), 'log file')}"
        + (f"; {_skipped(report)}" if report.skipped else "")
        + ".",
    ]
    if report.grouped < report.distinct:
        lines.append(f"Only the {report.grouped:,} most frequent distinct questions were grouped.")
    if report.questions:
        counts = {k: sum(1 for g in groups if g.kind == k) for k in ("answered", "alternates", "new")}
        lines.append(
            f"{_plural(len(groups), 'group')}: {counts['alternates']} to add as alternates, "
            f"{counts['new']} not covered by any entry, {counts['answered']} the bot now answers; "
            f"{_plural(singles, 'question')} asked once."
        )
        lines.append(
            f"Grouped with {report.model}: questions in a group are on average within cosine distance "
            f"{report.threshold:.2f} of each other ({report.threshold_rule})."
        )
    return lines


def _closest(g: Group) -> str:
    if g.closest is None:
        return "-"
    return f"{g.closest} ({g.share:.0%} rank it first, confidence {g.confidence:.2f})"


# --- terminal ------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    """Text for a terminal: control characters (escape sequences, bidi overrides) removed."""
    text = _CONTROL.sub(" ", text)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _cut(text: str, width: int) -> str:
    text = _safe(text)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def to_text(report: Report, width: int | None = None) -> str:
    """The report as a table for a terminal of ``width`` columns (default: the terminal's)."""
    width = width or max(80, min(160, shutil.get_terminal_size((100, 24)).columns))
    out = [_cut(f"FAQ report: {report.title}", width), ""]
    for line in summary_lines(report):
        out += textwrap.wrap(_safe(line), width=min(width, 100))
    groups = [g for g in report.groups if g.kind != "single"]
    if groups:
        out += ["", f"{'#':>3}  {'asked':>5}  {'suggestion':<46}  closest entry", "-" * min(width, 100)]
        for i, g in enumerate(groups, 1):
            out.append(_cut(f"{i:>3}  {g.count:>5}  {g.suggestion:<46}  {_closest(g)}", width))
            for q in g.examples:
                out.append(_cut(f"{'':>12}· {q}", width))
    singles = [g for g in report.groups if g.kind == "single"]
    if singles:
        out += ["", f"Asked once ({len(singles)}), e.g.:"]
        out += [_cut(f"  · {g.questions[0]}", width) for g in singles[:SINGLES_SHOWN]]
    if report.votes:
        out += ["", "Votes", f"{'entry':>5}  {'up':>4}  {'down':>4}  question", "-" * min(width, 100)]
        for v in report.votes:
            label = str(v.entry) if v.entry is not None else "-"
            question = v.question or "(declines and small talk)"
            out.append(_cut(f"{label:>5}  {v.up:>4}  {v.down:>4}  {question}", width))
            for line in _downvoted_lines(v.down, v.downvoted):
                out.append(_cut(f"{'':>18}{line}", width))
    return "\n".join(out) + "\n"


def _downvoted_lines(down: int, groups: list[Group]) -> list[str]:
    if not groups:
        return []
    top = groups[0]
    lines = [f"downvoted questions were mostly about ({top.count} of {down}):"]
    lines += [f"  · {q}" for q in top.examples]
    return lines


# --- Markdown -----------------------------------------------------------------------

_MD_SPECIAL = re.compile(
    r"([\\`*_{}\[\]<>#|~&$])"
)  # inline markup; "(" and "!" are inert once "[" is escaped
_MD_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=>])")  # a list, quote or heading at the start of a line


def md(text: str) -> str:
    """Logged text as literal Markdown: markup characters escaped, one line, no block markup."""
    text = _MD_SPECIAL.sub(r"\\\1", _safe(" ".join(text.split())))
    return _MD_BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", text)


def to_markdown(report: Report) -> str:
    """The report as GitHub-flavoured Markdown."""
    out = [f"# FAQ report: {md(report.title)}", ""]
    out += [md(line) for line in summary_lines(report)]
    groups = [g for g in report.groups if g.kind != "single"]
    if groups:
        out += [
            "",
            "## Groups",
            "",
            "| # | asked | suggestion | closest entry | examples |",
            "|---:|---:|---|---|---|",
        ]
        for i, g in enumerate(groups, 1):
            examples = "<br>".join(md(q) for q in g.examples)
            out.append(f"| {i} | {g.count} | {md(g.suggestion)} | {md(_closest(g))} | {examples} |")
    singles = [g for g in report.groups if g.kind == "single"]
    if singles:
        out += ["", f"Asked once ({len(singles)}), for example:", ""]
        out += [f"- {md(g.questions[0])}" for g in singles[:SINGLES_SHOWN]]
    if report.votes:
        out += [
            "",
            "## Votes",
            "",
            "| entry | up | down | question | downvoted questions were mostly about |",
        ]
        out += ["|---:|---:|---:|---|---|"]
        for v in report.votes:
            about = ""
            if v.downvoted:
                top = v.downvoted[0]
                about = f"({top.count} of {v.down}) " + "<br>".join(md(q) for q in top.examples)
            entry = str(v.entry) if v.entry is not None else "-"
            question = md(v.question) if v.question else "(declines and small talk)"
            out.append(f"| {entry} | {v.up} | {v.down} | {question} | {about} |")
    return "\n".join(out) + "\n"


# --- HTML ---------------------------------------------------------------------------

_CSS = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 70rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
ul { margin: 0; padding-left: 1.1rem; }
.kind { display: inline-block; width: .7rem; height: .7rem; border-radius: 2px; margin-right: .3rem; }
.note { color: #666; }
img { max-width: 100%; }
"""


def group_sizes_png(report: Report) -> bytes:
    """A bar chart of the largest groups' sizes, coloured by suggestion (needs matplotlib)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    groups = [g for g in report.groups if g.kind != "single"][:PLOT_GROUPS]
    fig = Figure(figsize=(8, 0.35 * max(len(groups), 3) + 1.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    labels = [f"{i}" for i in range(1, len(groups) + 1)]
    ax.barh(labels, [g.count for g in groups], color=[KIND_COLOURS[g.kind] for g in groups])
    ax.invert_yaxis()
    ax.set_xlabel("questions asked")
    ax.set_ylabel("group")
    ax.set_title("Largest groups of unanswered questions")
    ax.legend(
        handles=[Patch(color=KIND_COLOURS[k], label=label) for k, label in _KIND_LABELS.items()],
        loc="lower right",
        fontsize="small",
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


_KIND_LABELS = {"alternates": "add as alternates", "new": "new entry?", "answered": "answered now"}


def to_html(report: Report, plot: bytes | None = None, note: str = "") -> str:
    """The report as one self-contained HTML page (``plot``: PNG bytes shown inline)."""
    e = html.escape
    title = f"FAQ report: {report.title}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # nothing may load from anywhere: no scripts, styles or images but what is inline
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    parts += [f"<p>{e(line)}</p>" for line in summary_lines(report)]
    parts.append(
        f'<p class="note">Made {e(datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))} from '
        f"{e(', '.join(report.files))}. Logged questions are shown as typed (as text).</p>"
    )
    if plot:
        encoded = base64.b64encode(plot).decode("ascii")
        parts.append(f'<p><img alt="Sizes of the largest groups" src="data:image/png;base64,{encoded}"></p>')
    elif note:
        parts.append(f'<p class="note">{e(note)}</p>')
    groups = [g for g in report.groups if g.kind != "single"]
    if groups:
        parts.append("<h2>Groups</h2><table><tr><th>#</th><th>asked</th><th>suggestion</th>")
        parts.append("<th>closest entry</th><th>examples</th></tr>")
        for i, g in enumerate(groups, 1):
            closest = "-" if g.closest is None else f"{g.closest}. {g.closest_question}"
            figures = (
                "" if g.closest is None else f"{g.share:.0%} rank it first, confidence {g.confidence:.2f}"
            )
            examples = "".join(f"<li>{e(q)}</li>" for q in g.examples)
            parts.append(
                f'<tr><td class="n">{i}</td><td class="n">{g.count}</td>'
                f'<td><span class="kind" style="background:{KIND_COLOURS[g.kind]}"></span>{e(g.suggestion)}</td>'
                f'<td>{e(closest)}<br><span class="note">{e(figures)}</span></td>'
                f"<td><ul>{examples}</ul></td></tr>"
            )
        parts.append("</table>")
    singles = [g for g in report.groups if g.kind == "single"]
    if singles:
        parts.append(f"<h2>Asked once ({len(singles)})</h2><ul>")
        parts += [f"<li>{e(g.questions[0])}</li>" for g in singles[:SINGLES_SHOWN]]
        parts.append("</ul>")
    if report.votes:
        parts.append("<h2>Votes</h2><table><tr><th>entry</th><th>up</th><th>down</th><th>question</th>")
        parts.append("<th>downvoted questions were mostly about</th></tr>")
        for v in report.votes:
            about = ""
            if v.downvoted:
                top = v.downvoted[0]
                about = f"{top.count} of {v.down}:<ul>" + "".join(f"<li>{e(q)}</li>" for q in top.examples)
                about += "</ul>"
            entry = str(v.entry) if v.entry is not None else "-"
            question = e(v.question) if v.question else "(declines and small talk)"
            parts.append(
                f'<tr><td class="n">{entry}</td><td class="n">{v.up}</td><td class="n">{v.down}</td>'
                f"<td>{question}</td><td>{about}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- JSON and alternates -------------------------------------------------------------


def to_json(report: Report) -> str:
    """The whole report as JSON."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def alternates_json(report: Report, source: str) -> str:
    """The suggested alternates in the ``.alternates.json`` format, with a note to review them."""
    data: dict[str, object] = {
        "_about": f"Suggested by `faqbot report` from {source}: review each phrasing, then merge the "
        "ones you keep into the FAQ's .alternates.json (keys starting with _ are ignored)."
    }
    data.update(report.suggested_alternates)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- files ------------------------------------------------------------------------------

NO_MATPLOTLIB = "The plot of group sizes is missing: it needs matplotlib (pip install 'faqbot[eval]')."


def _protected(corpus_path: Path | None, inputs: Iterable[Path]) -> dict[Path, str]:
    """Files an output must never replace, and what each is."""
    out = {Path(p).resolve(): "a log given to read" for p in inputs}
    if corpus_path is not None:
        out[corpus_path.resolve()] = "the FAQ"
        for suffix in (ALTERNATES_SUFFIX, META_SUFFIX, OUT_OF_SCOPE_SUFFIX):
            out[sidecar_path(corpus_path, suffix).resolve()] = "a sidecar of the FAQ"
    return out


def _targets(html: Path | None, markdown: Path | None, alternates: Path | None) -> list[tuple[Path, str]]:
    return [
        (p, kind) for p, kind in ((html, "HTML"), (markdown, "Markdown"), (alternates, "alternates")) if p
    ]


def check_targets(
    corpus_path: Path | None,
    *,
    html: Path | None = None,
    markdown: Path | None = None,
    alternates: Path | None = None,
    inputs: Iterable[Path] = (),
) -> None:
    """OutputFileError unless every output may be written: none may be a log given to
    read, the FAQ or one of its sidecars (suggested alternates go to a file of their
    own, to review and merge by hand), a folder, or the same file as another output."""
    protected = _protected(corpus_path, inputs)
    seen: dict[Path, str] = {}
    for path, kind in _targets(html, markdown, alternates):
        resolved = Path(path).resolve()
        if resolved in protected:
            raise OutputFileError(
                f"{path} is {protected[resolved]}; write the {kind} output to another file"
                + (" and merge it by hand" if kind == "alternates" else "")
            )
        if resolved in seen:
            raise OutputFileError(f"{path} is given for both the {seen[resolved]} and the {kind} output")
        if resolved.is_dir():
            raise OutputFileError(f"{path} is a folder; give a file name for the {kind} output")
        seen[resolved] = kind


def write_files(
    report: Report,
    corpus_path: Path | None,
    *,
    html: Path | None = None,
    markdown: Path | None = None,
    alternates: Path | None = None,
    inputs: Iterable[Path] = (),
) -> list[str]:
    """Write the outputs asked for (after ``check_targets``); return a line per file written."""
    check_targets(corpus_path, html=html, markdown=markdown, alternates=alternates, inputs=inputs)
    lines: list[str] = []
    for path, kind in _targets(html, markdown, alternates):
        if kind == "HTML":
            try:
                plot: bytes | None = group_sizes_png(report)
            except ImportError:
                plot = None
                lines.append(f"note: {NO_MATPLOTLIB}")
            text = to_html(report, plot, note="" if plot else NO_MATPLOTLIB)
            _write(Path(path), text)
            lines.append(f"wrote the HTML report to {path}")
        elif kind == "Markdown":
            _write(Path(path), to_markdown(report))
            lines.append(f"wrote the Markdown report to {path}")
        else:
            _write(Path(path), alternates_json(report, ", ".join(report.files)))
            n = sum(len(v) for v in report.suggested_alternates.values())
            entries = _plural(len(report.suggested_alternates), "entry", "entries")
            lines.append(f"wrote suggested alternates to {path} ({_plural(n, 'phrasing')} for {entries})")
    return lines


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputFileError(f"{path}: cannot write it: {exc.strerror or exc}") from None
