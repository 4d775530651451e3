"""Scale: synthetic FAQs of growing size with the run's default model.

Corpora come from ``benchmarks/synthetic.py`` (entries assembled from word
lists through several question and answer templates, no two alike), written as
JSONL and read with ``load_corpus``. Each size runs in its own fresh process:

1. build and save the index as ``faqbot build`` does (``open_index(rebuild=True)``,
   which picks flat or HNSW by passage count), timing the encoding inside it and
   the process's peak memory while building;
2. reload it as ``faqbot ask`` does (``FAQBot.from_corpus``), counting texts
   re-embedded on load (there should be none);
3. build the other index type from the stored vectors, and time ``ask()`` on
   user-style rewordings of random entries with each type, interleaved with the
   bundled 20-entry FAQ; recall@10 of HNSW against the exact flat index.

Only the smallest size is encoded for real. The larger sizes' passage vectors are
**synthesised** (each a normalised mix of two real passage vectors of the
smallest size, plus a little noise), because encoding them would not fit the
run's time budget on a shared 2-core machine; their text, passage table and BM25
index are real. Their build time excludes encoding, and top-1 correctness is
meaningless there (the vectors do not match the text); speed and recall are
measured as for the others.

This section reaches below the public API where it must: ``build_index(vectors=)``
(meant for this), ``DenseSearch.build`` for the other index type, and
``bot.retriever.rank`` for retrieval alone.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

from .context import Backend, default_of
from .measure import WORK, dir_mb, hwm_mb, interleave, log, ratio, reset_peak, rss_mb, run_worker, summary
from .questions import warm_questions

SCALE = WORK / "scale"
SIZES = [1_000, 10_000, 100_000]
QUICK_SIZES = [200, 2_000]


def synth_vectors(n: int, base_path: Path, seed: int = 11):
    """``n`` unit vectors, each mixed from two real passage vectors plus a little noise."""
    import numpy as np

    base = np.load(base_path)
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    step = 50_000
    for s in range(0, n, step):
        m = min(step, n - s)
        mix = base[rng.integers(0, len(base), m)] + 0.5 * base[rng.integers(0, len(base), m)]
        mix += rng.standard_normal(mix.shape, dtype=np.float32) * (0.25 / np.sqrt(base.shape[1]))
        out[s : s + m] = mix / np.linalg.norm(mix, axis=1, keepdims=True)
    return out


def corpus_files(n: int) -> tuple[Path, Path]:
    return SCALE / f"faq_{n}.jsonl", SCALE / f"faq_{n}.index"


def worker(
    n_entries: int, mode: str, n_queries: int, model: str, nm_index: str | None, base_vectors: str
) -> dict:
    """In a fresh process: build, save, reload and query a synthetic FAQ of ``n_entries`` entries."""
    import dataclasses

    import numpy as np

    from faqbot import FAQBot
    from faqbot.build import build_index, open_index
    from faqbot.chunking import chunk_entries
    from faqbot.corpus import load_corpus
    from faqbot.embedders import shared_embedder
    from faqbot.index import save_index
    from faqbot.retrieval.dense import DenseSearch
    from faqbot.retrieval.retriever import MIN_DENSE_CANDIDATES

    from .synthetic import make_entries, paraphrase, write_jsonl

    corpus_path, folder = corpus_files(n_entries)
    write_jsonl(make_entries(n_entries), corpus_path)
    shutil.rmtree(folder, ignore_errors=True)
    emb = shared_embedder(model)
    emb.warm()
    rss_model = rss_mb()
    corpus = load_corpus(corpus_path)

    encode_s = 0.0
    real_encode = emb.encode

    def timed_encode(texts, *a, **kw):
        nonlocal encode_s
        t0 = time.perf_counter()
        try:
            return real_encode(texts, *a, **kw)
        finally:
            encode_s += time.perf_counter() - t0

    emb.encode = timed_encode  # type: ignore[method-assign]
    reset_peak()
    t = time.perf_counter()
    if mode == "real":
        index = open_index(folder, corpus, emb, rebuild=True)  # what `faqbot build` runs
    else:
        vectors = synth_vectors(len(chunk_entries(corpus.entries)), Path(base_vectors))
        index = build_index(corpus, emb, vectors=vectors)
        del vectors
        save_index(index, folder)
    build_s = time.perf_counter() - t
    peak_build = hwm_mb()
    n_passages = len(index.chunk_text)
    auto_type = index.index_type
    has_classifier = index.classifier is not None
    if mode == "real":  # the synthesised sizes mix these real vectors
        np.save(base_vectors, index.dense.index.reconstruct_n(0, n_passages))
    del index

    encoded_on_load: list[int] = []

    def counting(texts, *a, **kw):
        encoded_on_load.append(len(texts))
        return real_encode(texts, *a, **kw)

    emb.encode = counting  # type: ignore[method-assign]
    t = time.perf_counter()
    bot = FAQBot.from_corpus(corpus_path, folder, model=model)
    load_s = time.perf_counter() - t
    emb.encode = real_encode  # type: ignore[method-assign]

    t = time.perf_counter()
    stored = bot.index.dense.index.reconstruct_n(0, n_passages)
    other_type = "hnsw" if auto_type == "flat" else "flat"
    other = DenseSearch.build(stored, other_type)
    other_build_s = time.perf_counter() - t
    del stored
    other_bot = FAQBot(
        corpus,
        dataclasses.replace(bot.index, dense=other),
        emb,
        fusion=bot.retriever.config,
        calibration=bot.calibration,
    )
    bots = {auto_type: bot, other_type: other_bot}
    base = FAQBot.from_corpus(None, nm_index, model=model)

    rng = random.Random(5)
    picks = rng.sample(list(corpus.entries), n_queries)
    queries = [paraphrase(e.question, rng) for e in picks]
    base_questions = warm_questions(n_queries)
    vectors_q = emb.encode(queries)
    base_vectors_q = emb.encode(base_questions)

    flat, hnsw = bots["flat"].index.dense, bots["hnsw"].index.dense
    # How crowded the vectors are: mean similarity of a passage to its nearest other passage.
    sample = np.random.default_rng(3).choice(n_passages, min(200, n_passages), replace=False)
    nn_sim = float(flat.index.search(flat.vectors(sample), 2)[0][:, 1].mean())
    dense_k = min(n_passages, MIN_DENSE_CANDIDATES)
    rec_ret, rec_10 = [], []
    for v in vectors_q:
        exact = set(flat.search(v, 10)[1].tolist())
        rec_ret.append(len(exact & set(hnsw.search(v, dense_k)[1][:10].tolist())) / 10)
        rec_10.append(len(exact & set(hnsw.search(v, 10)[1].tolist())) / 10)

    top1: dict[str, list[int | None]] = {"flat": [], "hnsw": []}

    def rank(name: str):
        def run(i: int) -> None:
            if name == "base":
                base.retriever.rank(base_questions[i], base_vectors_q[i], k=5)
            else:
                ranked = bots[name].retriever.rank(queries[i], vectors_q[i], k=5)
                top1[name].append(ranked[0].number if ranked else None)

        return run

    for i in range(5):  # warm-up
        for b in bots.values():
            b.ask(queries[i])
        base.ask(base_questions[i])
    ask_ms = interleave(
        {
            "flat": lambda i: bots["flat"].ask(queries[i]),
            "hnsw": lambda i: bots["hnsw"].ask(queries[i]),
            "base": lambda i: base.ask(base_questions[i]),
        },
        n_queries,
    )
    rank_ms = interleave({k: rank(k) for k in ("flat", "hnsw", "base")}, n_queries)
    agree = sum(a == b for a, b in zip(top1["flat"], top1["hnsw"])) / n_queries
    correct = {k: sum(n == e.number for n, e in zip(v, picks)) / n_queries for k, v in top1.items()}
    ask_p50 = {k: summary(v)["p50"] for k, v in ask_ms.items()}
    return {
        "entries": n_entries,
        "passages": n_passages,
        "mode": mode,
        "model": emb.info.name,
        "auto_type": auto_type,
        "classifier": has_classifier,
        "build_s": build_s,
        "encode_s": encode_s if mode == "real" else None,
        "other_type": other_type,
        "other_build_s": other_build_s,
        "disk_mb": dir_mb(folder),
        "rss_model_mb": rss_model,
        "peak_build_mb": peak_build,
        "load_s": load_s,
        "texts_reembedded_on_load": sum(encoded_on_load),
        "dense_k": dense_k,
        "nn_similarity": nn_sim,
        "recall10_retriever": sum(rec_ret) / len(rec_ret),
        "recall10_k10": sum(rec_10) / len(rec_10),
        "ask_p50_ms": ask_p50,
        "ask_p95_ms": {k: summary(v)["p95"] for k, v in ask_ms.items()},
        "rank_p50_ms": {k: summary(v)["p50"] for k, v in rank_ms.items()},
        "hnsw_over_base": ratio(ask_p50["hnsw"], ask_p50["base"]),
        "auto_over_base": ratio(ask_p50[auto_type], ask_p50["base"]),
        "top1_agreement": agree,
        "top1_correct": correct if mode == "real" else None,
        "queries": n_queries,
    }


def section(backends: dict[str, Backend], quick: bool) -> dict:
    b = default_of(backends)
    sizes = QUICK_SIZES if quick else SIZES
    n_queries = 20 if quick else 60
    SCALE.mkdir(parents=True, exist_ok=True)
    base_vectors = SCALE / f"vectors_{sizes[0]}.npy"
    out: dict = {"backend": b.name, "sizes": []}
    for i, n in enumerate(sizes):
        mode = "real" if i == 0 else "synth"
        log(f"scale: {n:,} entries ({mode} vectors, {b.name})")
        out["sizes"].append(
            run_worker(
                "benchmarks.scale:worker",
                timeout=2400,
                n_entries=n,
                mode=mode,
                n_queries=n_queries,
                model=b.name,
                nm_index=b.index,
                base_vectors=str(base_vectors),
            )
        )
    return out
