"""The numbered-text FAQ format: ``N. Question?`` lines, each followed by its answer.

A FAQ in this format is read only when the whole file can be read one way::

    Library opening hours          <- lines before question 1: the title
    1. When do you open?           <- question 1
    At nine. People also ask:      <- its answer, up to the next question
    1. Is it open on holidays?     <- a list item: stays in answer 1
    2. Do you close on Sundays?    <- question 2
    Yes.

Rules:

* A *question line* is ``N. text`` or ``N) text``. When any such line ends in
  ``?``, only lines ending in ``?`` are question lines; a file without one
  falls back to the number alone.
* A *reading* picks question lines numbered 1, 2, 3, ..., K, in file order, with
  no gaps: question 1 is the first question line (in a file without ``?``
  lines, the first line numbered 1), every question has a non-empty answer (the
  lines up to the next picked question), and no question line numbered above K
  comes after question K (it would be a question lost, or a skipped number).
  Question lines numbered otherwise inside an answer stay in it.
* Exactly one reading: the file is read that way, so a numbered list inside an
  answer stays in the answer, even when its items end in ``?``, as long as they
  cannot be read as the next question.
* More than one reading: refused, naming both candidate lines of the first
  question on which the readings differ.
* No reading: refused with the most useful reason (the first question is not 1,
  a question has no answer, a number is skipped).

The readings are counted by dynamic programming over the question lines (counts
capped at two: one is all that matters, and two already means ambiguous), never
by trying every combination.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from ..errors import CorpusError
from ..models import Entry
from ._text import clean_block, physical_lines, snippet

_QUESTION_LINE = re.compile(r"\s*(\d{1,5})[.)]\s+(\S.*)")
_MAX_TITLE_CHARS = 200


@dataclass
class _Layout:
    """The file's lines and its question lines, with what the reading rules look up."""

    lines: list[str]  # logical lines (an editor's lines, split further at \f, \u2028, ...)
    line_no: list[int]  # the editor's line number of each logical line
    candidates: list[int]  # indices of question lines, ascending
    number: dict[int, int]  # question line index -> its number
    question: dict[int, str]  # question line index -> its question text
    groups: dict[int, list[int]]  # number -> indices of question lines with it, ascending
    next_text: list[int]  # index -> next index after it with a non-blank line (len(lines) if none)
    max_after: list[int]  # index -> highest question number at or after it (0 if none)
    require_question_mark: bool

    def end_ok(self, c: int) -> bool:
        """Can question line ``c`` be the last question? (an answer, nothing numbered above)"""
        return self.next_text[c] < len(self.lines) and self.max_after[c + 1] <= self.number[c]

    def successors(self, c: int) -> list[int]:
        """Question lines that can follow ``c`` as the next question (its answer non-empty)."""
        group = self.groups.get(self.number[c] + 1, [])
        return group[bisect_right(group, self.next_text[c]) :]

    def show(self, i: int) -> str:
        return f'line {self.line_no[i]} ("{snippet(self.lines[i].strip())}")'

    def fix(self) -> str:
        if self.require_question_mark:
            return 'renumber the list item or drop its "?"'
        return 'renumber the list item, or end every question with "?"'


def parse_numbered_text(text: str, path: object = "<text>") -> tuple[str, list[Entry]]:
    """Read the numbered-text format; returns ``(title, entries)``.

    Raises CorpusError naming ``path`` and the line when the file has no entries
    or cannot be read exactly one way (see the module docstring for the rules).
    """
    layout = _layout(text)
    first = _first_question(layout, path)
    counts = _count_readings(layout, first)
    if counts[first] == 0:
        _explain_no_reading(layout, first, path)
    chain = _the_reading(layout, first, counts, path)
    entries = []
    for k, c in enumerate(chain, start=1):
        end = chain[k] if k < len(chain) else len(layout.lines)
        entries.append(Entry(k, layout.question[c], clean_block(layout.lines[c + 1 : end])))
    title_lines = [line.strip().lstrip("#").strip() for line in layout.lines[:first]]
    return " ".join(t for t in title_lines if t)[:_MAX_TITLE_CHARS], entries


def _layout(text: str) -> _Layout:
    lines: list[str] = []
    line_no: list[int] = []
    for n, physical in enumerate(physical_lines(text), start=1):
        parts = physical.splitlines() or [""]  # form feeds, \u2028 ... also end a line
        lines.extend(parts)
        line_no.extend([n] * len(parts))
    found: list[tuple[int, int, str]] = []
    for i, line in enumerate(lines):
        m = _QUESTION_LINE.match(line)
        if m:
            found.append((i, int(m.group(1)), m.group(2).rstrip()))
    require_q = any(q.endswith("?") for _, _, q in found)
    if require_q:
        found = [f for f in found if f[2].endswith("?")]
    candidates = [i for i, _, _ in found]
    number = {i: n for i, n, _ in found}
    groups: dict[int, list[int]] = {}
    for i, n, _ in found:
        groups.setdefault(n, []).append(i)
    size = len(lines)
    next_text = [size] * size
    following = size
    for i in range(size - 1, -1, -1):
        next_text[i] = following
        if lines[i].strip():
            following = i
    max_after = [0] * (size + 1)
    for i in range(size - 1, -1, -1):
        max_after[i] = max(max_after[i + 1], number.get(i, 0))
    return _Layout(
        lines,
        line_no,
        candidates,
        number,
        {i: q for i, _, q in found},
        groups,
        next_text,
        max_after,
        require_q,
    )


def _first_question(layout: _Layout, path: object) -> int:
    """The line of question 1: the first question line (or, without "?", the first numbered 1)."""
    if layout.require_question_mark:
        first = layout.candidates[0]
        if layout.number[first] != 1:
            raise CorpusError(
                f"the first question must be number 1, found {layout.number[first]}",
                path,
                layout.line_no[first],
            )
        return first
    ones = layout.groups.get(1)
    if not ones:
        raise CorpusError(
            "no FAQ entries found (expected lines like '1. Question text?' followed by answers)",
            path,
        )
    return ones[0]


def _count_readings(layout: _Layout, first: int) -> dict[int, int]:
    """For each question line from ``first`` on: how many ways (0, 1 or 2 = "two or more")
    the rest of the file can be read if that line is a question."""
    counts: dict[int, int] = {}
    # per number: question lines already counted (descending index, negated for bisect)
    # and the running total of their counts, capped at 2
    seen: dict[int, list[int]] = {}
    totals: dict[int, list[int]] = {}
    for c in reversed(layout.candidates):
        if c < first:
            break
        k = layout.number[c]
        ways = 1 if layout.end_ok(c) else 0
        later = seen.get(k + 1)
        if later:
            # question lines numbered k+1 after c's first answer line: indices > next_text[c]
            n = bisect_left(later, -layout.next_text[c])
            if n:
                ways += totals[k + 1][n - 1]
        counts[c] = min(ways, 2)
        mine = seen.setdefault(k, [])
        run = totals.setdefault(k, [])
        mine.append(-c)
        run.append(min(2, (run[-1] if run else 0) + counts[c]))
    return counts


def _the_reading(layout: _Layout, first: int, counts: dict[int, int], path: object) -> list[int]:
    """The one reading (question line per number), or CorpusError at the first fork."""
    chain = [first]
    c = first
    while not layout.end_ok(c):
        options = [s for s in layout.successors(c) if counts[s] > 0]
        if len(options) > 1:
            a, b = options[0], options[1]
            raise CorpusError(
                f"ambiguous: question {layout.number[c] + 1} could start at {layout.show(a)} "
                f"or {layout.show(b)}; {layout.fix()}",
                path,
                layout.line_no[b],
            )
        c = options[0]
        chain.append(c)
    return chain


def _explain_no_reading(layout: _Layout, first: int, path: object) -> None:
    """Raise the most useful CorpusError for a file that cannot be read at all.

    Follows the earliest possible question lines as far as they go (question k);
    then either question k has no answer, or a later question line skips past k+1.
    """
    c = first
    while True:
        nxt = layout.successors(c)
        if not nxt:
            break
        c = nxt[0]
    k = layout.number[c]
    line = layout.line_no[c]
    if layout.next_text[c] >= len(layout.lines) or layout.groups.get(k + 1, [0])[-1] > c:
        message = f"question {k} has no answer"
        if k > 1:
            message += f"; if {layout.show(c)} is a list item in answer {k - 1}, " + layout.fix().replace(
                "the list item", "it"
            )
        raise CorpusError(message, path, line)
    later = next((i for i in layout.candidates if i > c and layout.number[i] > k), None)
    if later is not None:
        raise CorpusError(
            f"expected question {k + 1} next but found question {layout.number[later]} "
            f"(question numbers must count up 1, 2, 3 ...); if {layout.show(later)} is a list "
            f"item in answer {k}, " + layout.fix().replace("the list item", "it"),
            path,
            layout.line_no[later],
        )
    raise CorpusError("the questions cannot be read in order 1, 2, 3 ...", path, line)
