"""Small talk: greetings, thanks, goodbyes, "who are you", "can I talk to a person", ...

Small talk is data, not patterns: the intents and their example phrasings, in
several languages, are engine data (``data/smalltalk.json``), and a logistic
regression over the FAQ's own model's vectors tells them apart from questions.
It is trained for each FAQ at build time, with that FAQ's questions and
alternates (and the generic outside set) as the "not small talk" class, so "who
can see my information?" stays a question while "who are you?" is small talk,
and stored with the index.

A message is small talk only when all of it is: "hi, how long is my data kept?"
is a question. One that sounds like small talk but names a topic is the bot's to
judge (``FAQBot``): the FAQ's answer wins when it is at least as likely as the
small-talk reading. The replies are ``render.py``'s; they say what the FAQ covers, and
the bot offers example questions beside them (``Answer.alternatives``).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .text import fold

NOT_SMALLTALK = "question"  # the class of everything else
MIN_PROBABILITY = 0.5  # the top intent must be at least this likely, or else:
SPLIT_PROBABILITY = 0.4  # at least this likely, when the question class is at most
MAX_QUESTION = 0.2  # this likely (small talk for sure, its intent split: "sale pues")
MAX_WORDS = 14  # longer messages are questions, whatever they start with
REGULARISATION_C = 16.0
MAX_ITERATIONS = 3000

_YES = re.compile(
    r"^(yes|yeah|yep|yup|sure|right|correct|exactly|that one|si|claro|eso|oui|sim)\b"
    r"[\s!.,]*(please|pls|por favor)?[\s!.]*$",
    re.IGNORECASE,
)


def is_yes(text: str) -> bool:
    """A bare "yes" (accepting a "did you mean ...?" offer), in English, Spanish, French or Portuguese."""
    return bool(_YES.match(fold(text).strip()))


@dataclass(frozen=True)
class Intent:
    """A message read as small talk: the intent, and how likely the classifier finds it."""

    name: str
    probability: float


@dataclass(frozen=True)
class IntentClassifier:
    """Softmax weights over the small-talk intents and one "question" class."""

    weights: np.ndarray  # (classes, dimension) float32
    bias: np.ndarray  # (classes,) float32
    labels: tuple[str, ...]  # intent names, NOT_SMALLTALK among them

    @classmethod
    def train(cls, examples: np.ndarray, intents: list[str], questions: np.ndarray) -> IntentClassifier:
        """Fit on small-talk ``examples`` (labelled ``intents``) against ``questions``."""
        from sklearn.linear_model import LogisticRegression  # build time only

        labels = tuple(sorted(set(intents))) + (NOT_SMALLTALK,)
        x = np.vstack([np.asarray(examples, dtype=np.float32), np.asarray(questions, dtype=np.float32)])
        y = np.array([labels.index(i) for i in intents] + [len(labels) - 1] * len(questions))
        model = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITERATIONS, class_weight="balanced")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x, y)
        return cls(model.coef_.astype(np.float32), model.intercept_.astype(np.float32), labels)

    def intent(self, vector: np.ndarray, text: str) -> Intent | None:
        """The small-talk intent the whole message is, or None when it is a question.

        The most likely intent counts when it is at least ``MIN_PROBABILITY`` likely,
        or ``SPLIT_PROBABILITY`` likely while the question class is at most
        ``MAX_QUESTION``: the message is small talk, split between two intents
        ("sale pues": an acknowledgement or a goodbye)."""
        if len(text.split()) > MAX_WORDS:
            return None
        z = self.weights @ np.asarray(vector, dtype=np.float32) + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        question = self.labels.index(NOT_SMALLTALK)
        p_question = float(p[question])
        p[question] = -1.0
        best = int(np.argmax(p))
        probability = float(p[best])
        if probability >= MIN_PROBABILITY or (
            probability >= SPLIT_PROBABILITY and p_question <= MAX_QUESTION
        ):
            return Intent(self.labels[best], probability)
        return None

    def save(self, path: Path) -> None:
        with open(path, "wb") as f:
            np.savez(f, weights=self.weights, bias=self.bias, labels=np.array(self.labels))

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        with np.load(path, allow_pickle=False) as data:
            weights, bias, labels = data["weights"], data["bias"], tuple(str(x) for x in data["labels"])
        if weights.ndim != 2 or len(weights) != len(bias) or len(labels) != len(bias):
            raise ValueError(f"{path}: small-talk arrays do not fit together")
        return cls(weights.astype(np.float32), bias.astype(np.float32), labels)
