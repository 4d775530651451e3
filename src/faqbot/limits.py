"""Every size limit in one place: what faqbot reads of a question, a history, a request.

The model reads about 512 word pieces of a question; more text only costs time,
so a question is cut to ``MAX_QUESTION_CHARS`` (with a notice saying so). The
web server refuses a request body over ``MAX_REQUEST_BYTES`` before reading it,
which bounds what one request can make the server hold in memory. One client
address may send ``QUESTIONS_PER_MINUTE`` questions and votes (``server/ratelimit.py``).
"""

from __future__ import annotations

MAX_QUESTION_CHARS = 1000  # characters of a question that are read (~250 words)
SCAN_CHARS = 4 * MAX_QUESTION_CHARS  # characters looked at to find and tidy them
MAX_HISTORY_TURNS = 50  # earlier turns of a conversation that are looked at
MAX_HISTORY_QUESTIONS = 3  # plain-string questions re-read to find the previous entry
MAX_HISTORY_SCAN = 12  # most recent user questions looked through to find those (small talk skipped)
MAX_ENCODE_CHARS = 8000  # characters of any one text given to the model (FAQ passages included)
QUERY_VECTOR_CACHE = 512  # recent questions' vectors a bot keeps (about 0.8 MB)
MAX_REQUEST_BYTES = 64 * 1024  # one HTTP request body (a question plus its history)
MAX_LOG_BYTES = 100 * 1024 * 1024  # an opt-in log file stops growing here (rotate it to go on)
QUESTIONS_PER_MINUTE = 60  # questions and votes one client address may send (serve --rate-limit)
