"""faqbot: answer plain-language questions from a FAQ document, offline.

    >>> from faqbot import ask
    >>> a = ask("How long does New Mexico keep the data it shares with ICE?")  # doctest: +SKIP
    >>> a.question_number, a.confidence                                         # doctest: +SKIP
    (9, 'high')

The public API is re-exported here; the modules behind it are implementation.
"""

from . import _env

_env.apply()  # before any library that could reach the network is imported

from .bot import FAQBot, ask, default_bot  # noqa: E402
from .conversation import Turn  # noqa: E402
from .corpus import Corpus, load_corpus  # noqa: E402
from .errors import (  # noqa: E402
    CorpusError,
    FAQBotError,
    IndexFolderError,
    IndexMismatchError,
    ModelError,
    QuestionError,
)
from .models import Answer, Entry, Hit, Passage  # noqa: E402

__version__ = "0.2.0"

__all__ = [
    "Answer",
    "Corpus",
    "CorpusError",
    "Entry",
    "FAQBot",
    "FAQBotError",
    "Hit",
    "IndexFolderError",
    "IndexMismatchError",
    "ModelError",
    "Passage",
    "QuestionError",
    "Turn",
    "ask",
    "default_bot",
    "load_corpus",
]
