"""Conversation context: what earlier turns say about a follow-up question.

History is a list of earlier turns, most recent last. The preferred form is
structured: the ``Answer`` objects (or their ``to_dict()``, or just its
``query``, ``kind``, ``question_number`` and ``did_you_mean``) the bot gave, which
carry the question asked and what was answered or offered, as data. Plain strings
(earlier user questions) and ``{"role": ..., "content": ...}`` messages (the
Gradio / OpenAI format) are accepted too; the text of an assistant message is
never read back (it is display text), so for those the previous entry is found
by re-reading the earlier questions.

A follow-up ("how long do they keep it?", "and can I correct it?") is read
three ways, each a query vector searched with the follow-up's own words for BM25:

* ``alone``   — the follow-up as typed;
* ``subject`` — the follow-up plus the FAQ's common subject (the mean of its
  question vectors): "how long do they keep it?" becomes a question about the
  FAQ's topic, without leaning towards any one entry;
* ``context`` — the follow-up plus the previous entry's question (or the
  previous user question when no entry was matched): it leans towards the
  previous entry, which is right for "which ones?" and wrong for a new aspect.

An *elliptical* follow-up ("what about Medicaid?", "¿y la de Medicaid?",
``is_elliptical``) asks the previous question again about something else. Unless
it is sure alone (``ALONE_CONFIDENT``: "what about deportation?" names a new
aspect), it is read as the previous entry's question followed by its own words,
for the vectors and for BM25 alike; the three readings are not needed.

``choose_reading``: a follow-up with no words of its own ("which ones?", "tell me
more") stays on the previous entry; one that brings words the FAQ never uses
("what's the weather?") must be answerable alone, or it is declined;
otherwise the readings vote: subject and context agreeing, else alone and context
agreeing, else the subject reading if it clears the calibrated threshold, else
the follow-up alone. Confidence is the chosen reading's. The weights and the
rule were measured on ``tests/data/conversations.jsonl`` (see
the README, "Conversation").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .engine_data import function_words
from .errors import QuestionError
from .limits import MAX_HISTORY_TURNS
from .models import Answer
from .question import prepare_question
from .text import fold, words

if TYPE_CHECKING:
    from .retrieval import EntryScore

SUBJECT_WEIGHT = 0.5  # share of the FAQ's subject vector in the "subject" reading
CONTEXT_WEIGHT = 1.0  # share of the previous entry's question in the "context" reading
# How follow-ups start, in English and Spanish ("and can I fix it?", "¿y la de Medicaid?").
_FOLLOWUP_START = re.compile(
    r"^(and|but|also|so|then|what about|how about|what if|and what|ok(ay)?,? (and|but|so)|"
    r"same|why|when|where|who|for how long|how long|how|"
    r"can i|can they|do they|does it|is it|are they|"
    r"y|pero|tambien|entonces|y si|y que|que tal|por que|cuando|donde|quien|cuanto tiempo|como|"
    r"puedo|pueden|lo|la|los|las|eso|esto)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(it|its|they|them|their|that|this|those|these|there|he|she|such|the same|which|"
    r"eso|esto|esa|ese|ellos|ellas|lo|los|las|su|sus|alli|ahi)\b",
    re.IGNORECASE,
)
# "what about Medicaid?", "¿y la de Medicaid?": a lead-in, then a few words that ask nothing
_ELLIPTICAL = re.compile(
    r"^(and|what about|how about|what of|y|y que tal|y que hay de|que tal|y lo de|y la de|y el de|"
    r"y los de|y las de)\s+(?P<rest>.+)$"
)
_ASKING_WORD = re.compile(
    r"\b(is|are|was|were|be|been|can|could|do|does|did|will|would|should|has|have|had|get|gets|"
    r"how|what|when|where|who|why|which|if|es|son|era|eran|fue|fueron|esta|estan|estaba|sera|"
    r"puedo|pueden|puede|hay|tiene|tienen|hace|hacen|van|me|se|como|cuando|donde|quien|quienes|"
    r"por que|cual|cuales|si)\b"
)
ELLIPTICAL_MAX_WORDS = 3  # words after the lead-in
# an elliptical follow-up this sure alone names a new aspect ("what about deportation?")
ALONE_CONFIDENT = 0.85
_ELABORATE = re.compile(
    r"^(ok(ay)?,? |and |so |y )?(can you |could you |please |puedes |me puedes )?"
    r"(tell me|say|give me|explain|dime|dame|explica|explicame|cuentame)( a (bit|little)| un poco)? "
    r"(more|more about (it|that|this)|again|mas|mas sobre eso|otra vez)( please| pls| por favor)?[\s?.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange: what the user asked, and the bot's reply when it is known as data."""

    question: str | None
    reply: Answer | None = None

    @property
    def answered(self) -> int | None:
        """The entry the bot answered this turn with (None: declined, small talk, or unknown)."""
        if self.reply is None or self.reply.kind != "faq":
            return None
        return self.reply.question_number

    @property
    def offered(self) -> int | None:
        """The entry the bot offered as "did you mean ...?" in this turn, if any."""
        if self.reply is None or self.reply.did_you_mean is None:
            return None
        return self.reply.did_you_mean.number


@dataclass
class Reading:
    """One way of reading a (follow-up) question: its name, ranking and confidence."""

    name: str  # "alone", "subject" or "context"
    ranked: list[EntryScore]
    confidence: float

    @property
    def top(self) -> int | None:
        return self.ranked[0].number if self.ranked else None


_HISTORY_HELP = (
    "give earlier turns as a list: Answer objects or their to_dict() (preferred), "
    "question strings, or {'role': ..., 'content': ...} messages"
)


def normalise_history(history: Iterable[object] | None) -> list[Turn]:
    """History as Turns (see the module docstring).

    A history that is not a list of turns raises QuestionError; items in it that
    say nothing usable (None, numbers, empty messages) are skipped. Only the last
    ``limits.MAX_HISTORY_TURNS`` items are looked at.
    """
    if history is None:
        return []
    if isinstance(history, (str, bytes, Mapping)) or not isinstance(history, Iterable):
        raise QuestionError(
            f"history must be a list of earlier turns, not {type(history).__name__}; {_HISTORY_HELP}"
        )
    items = list(history)[-MAX_HISTORY_TURNS:]
    turns: list[Turn] = []
    for item in items:
        turn = _turn(item)
        if turn is not None:
            turns.append(turn)
    return turns


def _turn(item: object) -> Turn | None:
    """One history item as a Turn; None for an item that says nothing usable (skipped)."""
    if isinstance(item, Answer):
        return Turn(_asked(item.query), item)
    if isinstance(item, str):
        return Turn(_asked(item))
    if isinstance(item, Mapping):
        if "kind" in item and "role" not in item:  # Answer.to_dict(), or just its key fields
            try:
                reply = Answer.from_dict({"answer": "", "score": 0.0, **item})
            except ValueError:
                return None
            return Turn(_asked(reply.query), reply)
        content = _content_text(item.get("content"))
        role = str(item.get("role", "user"))
        if role in ("assistant", "bot"):
            return None  # display text: never read back
        return Turn(_asked(content)) if content is not None else None
    if isinstance(item, (list, tuple)) and len(item) == 2:  # old Gradio [user, bot] pairs
        return Turn(_asked(item[0])) if isinstance(item[0], str) else None
    return None


def _asked(question: str | None) -> str | None:
    """An earlier question as it was read when asked: tidied and cut like a new one
    (``question.prepare_question``); None when it is not a question."""
    if not question:
        return None
    try:
        return prepare_question(question).text
    except QuestionError:
        return None


def _content_text(content: object) -> str | None:
    if isinstance(content, list):  # Gradio may send [{"type": "text", "text": ...}]
        content = " ".join(
            str(part.get("text", "")) if isinstance(part, Mapping) else str(part) for part in content
        )
    return content if isinstance(content, str) else None


def previous_questions(turns: list[Turn]) -> list[str]:
    """Earlier user questions, most recent first."""
    return [t.question for t in reversed(turns) if t.question and t.question.strip()]


def last_reply(turns: list[Turn]) -> Turn | None:
    """The most recent turn whose reply is known as data, or None."""
    return next((t for t in reversed(turns) if t.reply is not None), None)


def last_offer(turns: list[Turn]) -> int | None:
    """The entry the last turn offered as "did you mean ...?" (None if it offered none)."""
    return turns[-1].offered if turns else None


def last_listed(turns: list[Turn]) -> list[int]:
    """The entries the last reply listed (closest or related questions), in their order."""
    reply = turns[-1].reply if turns else None
    return [hit.number for hit in reply.alternatives] if reply is not None else []


def looks_like_followup(text: str) -> bool:
    """Short or pronoun-led questions that probably lean on the previous turn."""
    words = re.findall(r"\w+", text)
    if len(words) <= 4:
        return True
    short = len(words) <= 12
    folded = fold(text).strip()
    return short and bool(_FOLLOWUP_START.match(folded) or _PRONOUN.search(folded))


def is_elliptical(text: str) -> bool:
    """A follow-up that asks the previous question again about something else: a lead-in
    ("what about", "and", "¿y la de") and at most ``ELLIPTICAL_MAX_WORDS`` words that ask
    nothing themselves ("what about Medicaid?", "¿y para los niños?"; not "and can I fix
    it?", "¿y antes era igual?")."""
    match = _ELLIPTICAL.match(fold(text).strip().strip("¿?¡!. "))
    if match is None:
        return False
    rest = match.group("rest")
    return len(rest.split()) <= ELLIPTICAL_MAX_WORDS and not _ASKING_WORD.search(rest)


def mix(a: np.ndarray, b: np.ndarray, weight: float) -> np.ndarray:
    """``a + weight * b``, renormalised to unit length (float32, as the index expects)."""
    v = np.asarray(a, dtype=np.float32) + weight * np.asarray(b, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return (v / norm if norm > 0 else v).astype(np.float32)


def content_words(text: str) -> list[str]:
    """The (folded) words of a message that are not function words, in any language the
    engine data knows ("is it encrypted?" -> ["encrypted"], "¿y la de Medicaid?" -> ["medicaid"])."""
    stop = function_words()
    return [
        w for w in words(text.replace("’", "'")) if w not in stop and fold(w) not in stop and not w.isdigit()
    ]


def is_content_free(text: str) -> bool:
    """True when the message names no topic of its own ("which ones?", "tell me more")."""
    return not content_words(text) or bool(_ELABORATE.match(fold(text).strip()))


def choose_reading(
    alone: Reading,
    subject: Reading,
    context: Reading,
    *,
    content_free: bool,
    unknown_words: bool,
    threshold: float,
) -> Reading:
    """Pick the reading of a follow-up (see the module docstring for the rule).

    ``context`` is expected to lead with the previous entry when ``content_free``.
    ``unknown_words``: the message has words the FAQ never uses ("weather").
    """
    if content_free:
        return context
    if unknown_words and alone.confidence < threshold:
        return alone
    if subject.top == context.top:
        return subject
    if alone.top == context.top:
        return context
    return subject if subject.confidence >= threshold else alone
