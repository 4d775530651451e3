"""faqbot: answer plain-language questions from a FAQ document, offline.

    >>> from faqbot import ask
    >>> a = ask("How long does New Mexico keep the data it shares with ICE?")  # doctest: +SKIP
    >>> a.question_number, a.confidence                                         # doctest: +SKIP
    (9, 'high')

The public API is re-exported here; the modules behind it are implementation.
"""

from .bot import FAQBot, ask, default_bot
from .corpus import Corpus, load_corpus
from .errors import CorpusError, FAQBotError, IndexMismatchError, ModelError, QuestionError
from .models import Answer, Entry, Hit, Passage

__version__ = "0.1.0"

__all__ = [
    "Answer",
    "Corpus",
    "CorpusError",
    "Entry",
    "FAQBot",
    "FAQBotError",
    "Hit",
    "IndexMismatchError",
    "ModelError",
    "Passage",
    "QuestionError",
    "ask",
    "default_bot",
    "load_corpus",
]
