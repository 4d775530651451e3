"""FAQBot: a question in, an Answer out (a FAQ answer with its source, small talk, or a decline).

``FAQBot.ask`` runs five stages, each its own module with a narrow input and output:

1. **prepare** the question (``question.py``): validated, tidied, cut to what is read;
   the search then reads it with shorthand written out and typing slips mended
   (``retrieval/spelling.py``), while the Answer keeps the words as typed;
2. **read the conversation** (``conversation.py``): earlier turns as data; a message
   that asks for an entry by its number ("question 5", ``entry_reference.py``) or in
   the FAQ's own wording gets that entry outright;
3. **small talk?** (``smalltalk.py``): a greeting or thanks gets a friendly reply;
4. **read the question in context** (``followup.py``): the ranked entries for the
   question alone, or with the earlier turns when it is a follow-up;
5. **decide** (``decide.py``) answer or decline, and **compose** the Answer here,
   with the sentences of ``render.py``.

The bot owns one corpus, its search index and the shared embedding model; the
UI, CLI and notebook only show the Answer.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from . import conversation, i18n, language, render, smalltalk
from .build import open_index
from .bundled import default_corpus_path, default_index_dir
from .corpus import Corpus, load_corpus
from .decide import MAX_ALTERNATIVES, Decision, decide
from .embedders import Embedder, shared_embedder
from .entry_reference import EntryReference, referenced_entry, referenced_position
from .followup import FollowUpReader
from .index import SearchIndex
from .limits import MAX_QUESTION_CHARS, QUERY_VECTOR_CACHE
from .models import Answer, Entry, Hit, Passage
from .question import Question, prepare_question
from .retrieval import Calibration, EntryScore, FusionConfig, Retriever, Spelling


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
        self.retriever = Retriever(index, fusion, encode_names=self._encode_names)
        self.spelling = Spelling(index.words, corpus.language)
        self.calibration = calibration or index.calibration
        # Recent questions' vectors: a conversation's earlier questions are re-read on
        # every turn, and one ask may look at the same text more than once.
        self._embed = functools.lru_cache(maxsize=QUERY_VECTOR_CACHE)(self._encode_query)
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
        model: str | None = None,
        embedder: Embedder | None = None,
    ) -> FAQBot:
        """Load a FAQ file and its index (building and saving the index when needed).

        ``index_dir`` defaults to the bundled index for the bundled FAQ and to
        ``<name>.index/`` beside any other file; ``in_memory=True`` never writes.
        ``model`` picks the embedding model (``embedders.load_embedder``), or
        ``embedder`` gives one (tests use a fake one).
        """
        corpus_path = Path(path) if path is not None else default_corpus_path()
        corpus = load_corpus(corpus_path)
        embedder = embedder or shared_embedder(model)
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

    def warm(self) -> None:
        """Load the model and run one question through, so the first real one is fast."""
        self.search("warm up", k=1)

    # --- search -------------------------------------------------------------------

    def search(self, question: str, k: int = 5) -> list[Hit]:
        """The k best-matching entries, ranked, no threshold applied."""
        q = prepare_question(question)
        reading = self.followups.read_alone(self.spelling.mend(q.text), depth=k)
        return [self._hit(r) for r in reading.ranked]

    def _encode_query(self, text: str) -> np.ndarray:
        """A question's vector (the model's query role), read-only: it is shared from the cache."""
        vector = self.embedder.encode_one(text, role="query")
        vector.flags.writeable = False
        return vector

    def _encode_names(self, names: list[str]) -> np.ndarray:
        """Written names' vectors (a question has one or two), cached like questions'."""
        return np.vstack([self._embed(name) for name in names])

    def _hit(self, r: EntryScore) -> Hit:
        score = self.calibration.confidence(r.score)
        return Hit(r.number, self.entry(r.number).question, round(score, 4))

    # --- ask ----------------------------------------------------------------------

    def ask(self, question: str, history: Iterable[object] | None = None) -> Answer:
        """Answer one question, using earlier turns (``history``) for follow-ups."""
        q = prepare_question(question)
        lang = self._reply_language(q.text)
        turns = conversation.normalise_history(history)
        reference = self._referenced(q.text, turns)
        if reference is not None:  # "question 5", "pregunta 10", "6" or "the second one" after a list
            said = reference.language or (turns[-1].reply.language if turns and turns[-1].reply else None)
            return self._quoted_entry(q, reference.number, said or lang)
        text = self.spelling.mend(q.text)  # what is searched; the answer shows what was typed
        vector = self._embed(text)  # encoded once: small talk and retrieval share it
        intent = self.index.smalltalk.intent(vector, text) if self.index.smalltalk is not None else None
        if intent is not None and self._answerable(text, vector, intent.probability):
            intent = None  # "who oversees this?" sounds like chat, but the FAQ answers it
        if intent is not None:
            offered = conversation.last_offer(turns) if smalltalk.is_yes(q.text) else None
            if offered is not None and offered in self.corpus.by_number:
                return self._accept_offer(q, offered, lang)
            return self._smalltalk(q, intent.name, lang)
        exact = self.index.exact_entry(text)
        if exact is not None:  # the FAQ's own wording of a question: that entry, whatever scores say
            return self._quoted_entry(q, exact, lang)
        previous, previous_question = self.followups.previous_turn(turns)
        reading, resolved = self.followups.read(text, previous, previous_question, vector=vector)
        decision = decide(reading.ranked, reading.confidence, self.calibration)
        answer = self._compose(q, decision, lang)
        answer.resolved_query = resolved
        if answer.kind == "faq" and previous is not None and previous == answer.question_number:
            answer.repeated = True
            answer.notice = render.join_notices(answer.notice, render.repeated_notice(previous, lang))
        return answer

    def _reply_language(self, text: str) -> str:
        """The language to frame the reply in: the question's when faqbot speaks it (a
        French question is not framed in Spanish), else the FAQ's."""
        said = language.detect(text, default=self.corpus.language, prefer=i18n.LANGUAGES)
        return said if said in i18n.LANGUAGES else self.corpus.language

    def _referenced(self, text: str, turns: list[conversation.Turn]) -> EntryReference | None:
        """The entry ``text`` asks for by its number, or by its place in the last reply's list."""
        reference = referenced_entry(text, self.corpus.by_number)
        if reference is not None:
            return reference
        position = referenced_position(text)
        listed = [n for n in conversation.last_listed(turns) if n in self.corpus.by_number]
        if position is None or not listed or position > len(listed):
            return None
        return EntryReference(listed[position - 1 if position > 0 else -1], None)

    def _quoted_entry(self, q: Question, number: int, lang: str) -> Answer:
        """Entry ``number``'s answer for a question that names the entry outright."""
        answer = self.entry_answer(number, language=lang)
        answer.query, answer.notice = q.text, self._notice(q, lang)
        return answer

    def _answerable(self, text: str, vector: np.ndarray, smalltalk_probability: float) -> bool:
        """Whether a message that sounds like small talk names a topic and, read alone, clears
        the answer threshold with a confidence at least as high as the small-talk reading's
        probability: then it is a question ("has anyone sued over this?"), while "what
        things can I ask you?", all but certainly small talk, stays small talk."""
        if conversation.is_content_free(text):
            return False  # "thanks", "who are you?": nothing to look up
        confidence = self.followups.read_alone(text, vector=vector).confidence
        return confidence >= max(self.calibration.threshold, smalltalk_probability)

    def _accept_offer(self, q: Question, number: int, lang: str) -> Answer:
        """A "yes" to "Did you mean N?": answer entry N."""
        question = self.entry(number).question
        reading = self.followups.read_alone(question)
        decision = decide(reading.ranked, reading.confidence, self.calibration)
        answer = self._compose(prepare_question(question), decision, lang)
        answer.query = q.text
        answer.resolved_query = question
        return answer

    def entry_answer(self, number: int, language: str | None = None) -> Answer:
        """Entry ``number``'s answer, as when a reader picks it from a list or a link.

        Its related questions are the entries closest to its question; ``language``
        frames it (default: the FAQ's). KeyError if the FAQ has no such entry.
        """
        entry = self.entry(number)
        reading = self.followups.read_alone(entry.question, depth=MAX_ALTERNATIVES + 2)
        own = next((r for r in reading.ranked if r.number == number), None)
        related = [r for r in reading.ranked if r.number != number][:MAX_ALTERNATIVES]
        return Answer(
            answer=entry.answer,
            kind="faq",
            score=1.0,
            question_number=entry.number,
            question=entry.question,
            passages=self._passages(own) if own is not None else [],
            alternatives=[self._hit(r) for r in related],
            query=entry.question,
            language=language or self.corpus.language,
        )

    # --- compose ------------------------------------------------------------------

    def _notice(self, q: Question, lang: str) -> str | None:
        if not q.truncated:
            return None
        return render.truncation_notice(q.original_length, MAX_QUESTION_CHARS, language=lang)

    def _compose(self, q: Question, decision: Decision, lang: str) -> Answer:
        alternatives = [self._hit(r) for r in decision.offered]
        score = round(decision.confidence, 4)
        if decision.entry is None:
            return Answer(
                answer=render.decline_sentence(language=lang),
                kind="declined",
                score=score,
                alternatives=alternatives,
                query=q.text,
                notice=self._notice(q, lang),
                contact=self.corpus.contact_in(lang),
                language=lang,
            )
        entry = self.entry(decision.entry.number)
        return Answer(
            answer=entry.answer,
            kind="faq",
            score=score,
            question_number=entry.number,
            question=entry.question,
            passages=self._passages(decision.entry),
            alternatives=alternatives,
            query=q.text,
            notice=self._notice(q, lang),
            did_you_mean=None if decision.did_you_mean is None else self._hit(decision.did_you_mean),
            language=lang,
        )

    def _passages(self, r: EntryScore) -> list[Passage]:
        return [
            Passage(r.number, self.index.chunk_text[cid], round(max(0.0, sim), 4)) for cid, sim in r.passages
        ]

    def _smalltalk(self, q: Question, intent: str, lang: str) -> Answer:
        examples = self.example_entries(3)
        return Answer(
            answer=render.smalltalk_sentence(
                intent,
                self.title,
                len(self.corpus),
                description=self.corpus.description,
                language=lang,
                faq_language=self.corpus.language,
            ),
            kind="smalltalk",
            score=1.0,
            alternatives=[Hit(e.number, e.question, 0.0) for e in examples],
            query=q.text,
            notice=self._notice(q, lang),
            intent=intent,
            contact=self.corpus.contact_in(lang) if intent == "human" else None,
            language=lang,
        )


# --- the shared default bot -------------------------------------------------------

_default_bot: FAQBot | None = None
_default_lock = threading.Lock()


def default_bot() -> FAQBot:
    """The bot over the bundled FAQ and its index, loaded once per process (thread-safe)."""
    global _default_bot
    if _default_bot is None:
        with _default_lock:
            if _default_bot is None:
                _default_bot = FAQBot.from_corpus()
    return _default_bot


def ask(question: str, history: Iterable[object] | None = None) -> Answer:
    """Answer a question from the bundled FAQ (see ``FAQBot.ask``)."""
    return default_bot().ask(question, history=history)
