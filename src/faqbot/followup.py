"""FollowUpReader: reads a question in the light of the conversation so far.

``conversation.py`` holds the rules: what a history says, what a follow-up looks
like, which reading wins. This class runs them against the index. It finds the
entry the last turn was answered with (carried as data by a structured turn, or
found by re-reading the earlier questions of a plain history), and reads a
follow-up three ways (alone, with the FAQ's subject, with the previous entry)
before ``conversation.choose_reading`` picks one. ``FAQBot`` then only decides
what to say about the chosen reading.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import conversation
from .corpus import Corpus
from .limits import MAX_HISTORY_QUESTIONS, MAX_HISTORY_SCAN
from .retrieval import EntryScore, Retriever
from .retrieval.calibration import Calibration

Embed = Callable[[str], np.ndarray]  # text -> its unit vector as a query


class FollowUpReader:
    """Readings of a question for one corpus, retriever and calibration."""

    def __init__(
        self,
        corpus: Corpus,
        retriever: Retriever,
        calibration: Calibration,
        embed: Embed,
        depth: int,
    ):
        self.corpus = corpus
        self.retriever = retriever
        self.calibration = calibration
        self.embed = embed
        self.depth = depth  # entries ranked per reading

    # --- one question -------------------------------------------------------------

    def read_alone(
        self, text: str, depth: int | None = None, vector: np.ndarray | None = None
    ) -> conversation.Reading:
        """The question as typed, without the conversation (``depth`` entries ranked)."""
        return self._reading("alone", text, self.embed(text) if vector is None else vector, depth)

    def read(
        self,
        text: str,
        previous: int | None,
        previous_question: str | None,
        vector: np.ndarray | None = None,
    ) -> tuple[conversation.Reading, str | None]:
        """The reading to answer ``text`` with, and how it was resolved (None: read alone).

        ``previous`` is the entry the last turn was answered with (None if none) and
        ``previous_question`` the last user question (None: no conversation yet);
        ``vector`` is ``text``'s vector when the caller already has it.
        """
        vector = self.embed(text) if vector is None else vector
        alone = self._reading("alone", text, vector)
        if previous_question is None or not self._may_lean_on_history(text, alone.confidence):
            return alone, None
        if previous is not None and conversation.is_elliptical(text):
            if alone.confidence >= conversation.ALONE_CONFIDENT:
                return alone, None
            question = self.corpus.by_number[previous].question
            again = f"{question} {text}"
            return self._reading("context", again, self.embed(again)), f"{text} (following up on: {question})"
        return self._resolve(text, vector, previous, previous_question, alone)

    # --- the conversation so far --------------------------------------------------

    def previous_turn(self, turns: list[conversation.Turn]) -> tuple[int | None, str | None]:
        """The entry the last turn was answered with (None if none) and the last user question.

        A structured turn (an earlier Answer) says what it answered. Plain questions
        after the last structured turn (or in a plain history) are re-read in order,
        follow-ups resolved, starting from what that turn answered.
        """
        questions = self._recent_questions(turns)
        if not questions:
            return None, None
        known = max((i for i, t in enumerate(turns) if t.reply is not None), default=None)
        entry: int | None = None
        previous_question: str | None = None
        plain = turns
        if known is not None:
            entry, previous_question = turns[known].answered, turns[known].question
            if entry not in self.corpus.by_number:
                entry = None  # a history from another FAQ, or an older edition of this one
            plain = turns[known + 1 :]
            if not plain:
                return entry, questions[0]
        for text in reversed(self._recent_questions(plain)):  # oldest first
            reading, _ = self.read(text, entry, previous_question)
            entry = self._answered(reading)
            previous_question = text
        last = turns[-1].question
        if last is not None and self.is_smalltalk(last):
            entry = None  # "thanks" after an answer: a new question is not a repeat
        return entry, questions[0]

    # --- the pieces ---------------------------------------------------------------

    def _recent_questions(self, turns: list[conversation.Turn]) -> list[str]:
        """The last ``MAX_HISTORY_QUESTIONS`` user questions that are not small talk, most
        recent first (turns hold them tidied like a new one). At most ``MAX_HISTORY_SCAN`` turns are
        looked at, so a long history costs no more than a short one."""
        found: list[str] = []
        for text in conversation.previous_questions(turns)[:MAX_HISTORY_SCAN]:
            if not self.is_smalltalk(text):
                found.append(text)
                if len(found) == MAX_HISTORY_QUESTIONS:
                    break
        return found

    def _may_lean_on_history(self, text: str, confidence: float) -> bool:
        """Follow-up shaped, or not answerable alone: worth reading with the earlier turns."""
        return conversation.looks_like_followup(text) or confidence < self.calibration.threshold

    def is_smalltalk(self, text: str) -> bool:
        """Whether an earlier message was small talk (it names no entry to follow up on)."""
        classifier = self.retriever.index.smalltalk
        return classifier is not None and classifier.intent(self.embed(text), text) is not None

    def _resolve(
        self,
        text: str,
        vector: np.ndarray,
        previous: int | None,
        previous_question: str,
        alone: conversation.Reading,
    ) -> tuple[conversation.Reading, str | None]:
        """Read a follow-up with the FAQ's subject and with the previous entry; pick a reading.

        ``vector`` is the follow-up's vector and ``alone`` its own reading.
        """
        context_text = self.corpus.by_number[previous].question if previous is not None else previous_question
        subject_vector = conversation.mix(
            vector, self.retriever.index.subject_vector(), conversation.SUBJECT_WEIGHT
        )
        subject = self._reading("subject", text, subject_vector)
        content_free = conversation.is_content_free(text)
        context_vector = self.embed(context_text)
        if content_free and previous is not None:
            # "which ones?": the last answer again, with its neighbours as related questions
            context = self._reading("context", context_text, context_vector)
        else:
            mixed = conversation.mix(vector, context_vector, conversation.CONTEXT_WEIGHT)
            context = self._reading("context", text, mixed)
        chosen = conversation.choose_reading(
            alone,
            subject,
            context,
            content_free=content_free,
            unknown_words=self._has_unknown_words(text),
            threshold=self.calibration.threshold,
        )
        if chosen.name == "subject":
            return chosen, f"{text} (about: {self.corpus.title})"
        if chosen.name == "context":
            return chosen, f"{text} (following up on: {context_text})"
        return chosen, None

    def _reading(
        self, name: str, text: str, vector: np.ndarray, depth: int | None = None
    ) -> conversation.Reading:
        ranked = self.retriever.rank(text, vector, k=depth or self.depth)
        return conversation.Reading(name, ranked, self.confidence(ranked))

    def confidence(self, ranked: list[EntryScore]) -> float:
        """Calibrated confidence that the top entry of a ranking is the right answer."""
        if not ranked:
            return 0.0
        second = ranked[1].score if len(ranked) > 1 else None
        return self.calibration.confidence(ranked[0].score, second)

    def _answered(self, reading: conversation.Reading) -> int | None:
        """The entry the bot answers a reading with (None: it declines)."""
        if not reading.ranked or reading.confidence < self.calibration.threshold:
            return None
        return reading.top

    def _has_unknown_words(self, text: str) -> bool:
        """Does the message use a content word that appears nowhere in the FAQ?"""
        index = self.retriever.index
        return any(not index.knows(w) for w in conversation.content_words(text))
