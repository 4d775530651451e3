"""FAQBot: a question in, an Answer out (FAQ answer with its source, small talk, or a decline).

The bot owns one corpus, its search index and the shared embedding model. It
decides *what to say*; the retriever decides *what matches*; the UI, CLI and
notebook only show the Answer.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Iterable

import numpy as np

from . import conversation, smalltalk
from .confidence import Calibration, default_calibration
from .corpus import Corpus, load_corpus
from .embedder import Embedder, shared_embedder
from .followup import FollowUpReader
from .index import SearchIndex, open_index
from .models import Answer, Entry, Hit, Passage
from .query import Question, prepare_question
from .retrieval import EntryScore, FusionConfig, Retriever
from .retrieval import spanish

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = PROJECT_ROOT / "corpus" / "new-mexico-benefits-data-ice.txt"
DEFAULT_INDEX = PROJECT_ROOT / "index"
MAX_ALTERNATIVES = 3

DECLINE_MESSAGE = (
    "I'm sorry — the FAQ does not seem to cover this question, so I can't answer it "
    "from the FAQ."
)


def default_corpus_path() -> Path:
    """The bundled FAQ, or ``FAQBOT_CORPUS`` when set."""
    return Path(os.environ.get("FAQBOT_CORPUS") or DEFAULT_CORPUS)


def default_index_dir(corpus_path: Path) -> Path:
    """Where a corpus's index lives: ``index/`` for the bundled FAQ, else beside the file."""
    if "FAQBOT_INDEX" in os.environ:
        return Path(os.environ["FAQBOT_INDEX"])
    if corpus_path.resolve() == DEFAULT_CORPUS.resolve():
        return DEFAULT_INDEX
    return corpus_path.with_name(corpus_path.stem + ".index")


class FAQBot:
    """Answers questions from one FAQ corpus.

    >>> bot = FAQBot.from_corpus("corpus/new-mexico-benefits-data-ice.txt")  # doctest: +SKIP
    >>> bot.ask("how long do they keep my data?").question_number            # doctest: +SKIP
    9
    """

    def __init__(
        self,
        corpus: Corpus,
        index: SearchIndex,
        embedder: Embedder,
        fusion: FusionConfig | None = None,
        calibration: Calibration | None = None,
    ):
        self.corpus = corpus
        self.index = index
        self.embedder = embedder
        self.retriever = Retriever(index, fusion)
        self.calibration = calibration or default_calibration(index.classifier is not None)
        self.followups = FollowUpReader(
            corpus, self.retriever, self.calibration, self._embed, depth=MAX_ALTERNATIVES + 2
        )

    @classmethod
    def from_corpus(
        cls,
        path: str | Path | None = None,
        index_dir: str | Path | None = None,
        *,
        rebuild: bool = False,
        in_memory: bool = False,
        show_progress: bool = False,
        fusion: FusionConfig | None = None,
        calibration: Calibration | None = None,
    ) -> "FAQBot":
        """Load a FAQ file and its index (building and saving the index when needed).

        ``index_dir`` defaults to ``index/`` for the bundled FAQ and to
        ``<name>.index/`` beside any other file; ``in_memory=True`` never writes.
        """
        corpus_path = Path(path) if path is not None else default_corpus_path()
        corpus = load_corpus(corpus_path)
        embedder = shared_embedder()
        folder = None if in_memory else Path(index_dir or default_index_dir(corpus_path))
        index = open_index(folder, corpus, embedder, rebuild=rebuild, show_progress=show_progress)
        return cls(corpus, index, embedder, fusion=fusion, calibration=calibration)

    # --- what the bot knows -------------------------------------------------------

    @property
    def entries(self) -> list[Entry]:
        return list(self.corpus.entries)

    @property
    def title(self) -> str:
        return self.corpus.title

    def entry(self, number: int) -> Entry:
        """The entry with this question number (KeyError if the FAQ has none)."""
        return self.corpus.by_number[number]

    def example_entries(self, n: int = 3) -> list[Entry]:
        """A few of the FAQ's entries, spread over the document, as example questions."""
        entries = self.corpus.entries
        step = max(1, len(entries) // n)
        return list(entries[::step][:n])

    # --- search -------------------------------------------------------------------

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The k best-matching entries, ranked, no threshold applied."""
        q = prepare_question(question)
        ranked = self._rank(q.text, k)
        return [self._hit(r) for r in ranked]

    def _embed(self, text: str) -> tuple[str, np.ndarray]:
        """The text as searched (Spanish words glossed: the model reads English) and its vector."""
        glossed = spanish.gloss(text)
        return glossed, self.embedder.encode_one(glossed)

    def _rank(self, text: str, k: int) -> list[EntryScore]:
        glossed, vector = self._embed(text)
        return self.retriever.rank(glossed, vector, k=k)

    def _hit(self, r: EntryScore) -> Hit:
        score = self.calibration.confidence(r.score)
        return Hit(r.number, self.entry(r.number).question, round(score, 4))

    # --- ask ----------------------------------------------------------------------

    def ask(self, question: str, history: Iterable[object] | None = None) -> Answer:
        """Answer one question, using earlier turns (``history``) for follow-ups."""
        q = prepare_question(question)
        turns = conversation.normalise_history(history)
        kind = smalltalk.classify(q.text)
        if kind is not None:
            offered = conversation.last_did_you_mean(turns) if conversation.is_yes(q.text) else None
            if offered is not None and offered in self.corpus.by_number:
                return self._accept_offer(q, offered)
            return self._smalltalk(q, kind)
        text = smalltalk.strip_greeting(q.text)
        previous, previous_question = self.followups.previous_turn(turns)
        reading, resolved = self.followups.read(text, previous, previous_question)
        answer = self._compose(q, reading.ranked, reading.confidence)
        answer.resolved_query = resolved
        if answer.kind == "faq" and previous is not None and previous == answer.question_number:
            self._mark_repeated(answer)
        return answer

    # --- what to say -------------------------------------------------------------

    def _mark_repeated(self, answer: Answer) -> None:
        """Same entry as the last answer: say so, and point at the related questions."""
        answer.repeated = True
        answer.notice = _join(
            answer.notice,
            f"This is the same answer as before (question {answer.question_number}) — "
            "the FAQ has nothing more on it. The related questions below may help.",
        )

    def _accept_offer(self, q: Question, number: int) -> Answer:
        """A "yes" to "Did you mean N?": answer entry N."""
        question = self.entry(number).question
        reading = self.followups.read_alone(question)
        answer = self._compose(prepare_question(question), reading.ranked, reading.confidence)
        answer.query = q.text
        answer.resolved_query = question
        return answer

    def _compose(self, q: Question, ranked: list[EntryScore], confidence: float) -> Answer:
        if not ranked or confidence < self.calibration.threshold:
            return self._decline(q, ranked, confidence)
        top = ranked[0]
        entry = self.entry(top.number)
        alternatives = [self._hit(r) for r in ranked[1 : 1 + MAX_ALTERNATIVES]]
        did_you_mean = None
        if len(ranked) > 1 and top.score - ranked[1].score < self.calibration.close_margin:
            did_you_mean = alternatives[0]
        return Answer(
            answer=entry.answer,
            kind="faq",
            score=round(confidence, 4),
            question_number=entry.number,
            question=entry.question,
            passages=self._passages(top),
            alternatives=alternatives,
            query=q.text,
            notice=q.notice,
            did_you_mean=did_you_mean,
        )

    def _passages(self, r: EntryScore) -> list[Passage]:
        return [
            Passage(r.number, self.index.chunk_text[cid], round(max(0.0, sim), 4))
            for cid, sim in r.passages
        ]

    def _decline(self, q: Question, ranked: list[EntryScore], confidence: float) -> Answer:
        alternatives = [self._hit(r) for r in ranked[:MAX_ALTERNATIVES]]
        message = DECLINE_MESSAGE
        if alternatives:
            message += " The closest questions it does answer are:\n" + "\n".join(
                f"- {h.number}. {h.question}" for h in alternatives
            )
        return Answer(
            answer=message,
            kind="declined",
            score=round(confidence, 4),
            alternatives=alternatives,
            query=q.text,
            notice=q.notice,
        )

    def _smalltalk(self, q: Question, kind: str) -> Answer:
        examples = self.example_entries(3)
        return Answer(
            answer=smalltalk.reply(
                kind, self.title, len(self.corpus), [e.question for e in examples],
                description=self.corpus.description,
            ),
            kind="smalltalk",
            score=1.0,
            alternatives=[Hit(e.number, e.question, 0.0) for e in examples],
            query=q.text,
            notice=q.notice,
        )


def _join(a: str | None, b: str) -> str:
    return f"{a} {b}" if a else b


# --- the shared default bot -------------------------------------------------------

_default_bot: FAQBot | None = None
_default_lock = threading.Lock()


def default_bot() -> FAQBot:
    """The bot over the bundled FAQ and ``index/``, loaded once per process (thread-safe)."""
    global _default_bot
    if _default_bot is None:
        with _default_lock:
            if _default_bot is None:
                _default_bot = FAQBot.from_corpus()
    return _default_bot


def ask(question: str, history: Iterable[object] | None = None) -> Answer:
    """Answer a question from the bundled FAQ (see ``FAQBot.ask``)."""
    return default_bot().ask(question, history=history)
