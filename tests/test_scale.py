"""Scale behaviour, functionally (no timings here; speed lives in benchmarks/, `python -m benchmarks`).

* the index type is chosen by size: exact flat for small FAQs, HNSW for large ones;
* a saved larger index loads without embedding anything again;
* HNSW and flat agree on what they find;
* large inputs are encoded in sorted slices without changing any vector.

A tiny deterministic embedder (``fakes.HashEmbedder``, hashed words) stands in for
the model where the model itself is not under test, so these tests stay fast.
"""

from __future__ import annotations

import numpy as np
import pytest
from fakes import HashEmbedder

from faqbot.bot import FAQBot
from faqbot.build import build_index, open_index
from faqbot.chunking import chunk_entries
from faqbot.corpus import corpus_from_entries
from faqbot.index import load_index, read_manifest, save_index
from faqbot.models import Entry
from faqbot.retrieval import dense
from faqbot.retrieval.dense import DenseSearch, choose_index_type

DIM = 64
PROGRAMMES = ["food aid", "housing", "child care", "energy credit", "bus pass", "library card"]
ACTIONS = ["apply for", "renew", "cancel", "appeal", "replace", "transfer"]
PLACES = ["Taos", "Gallup", "Hobbs", "Raton", "Belen", "Deming", "Clovis", "Grants"]


def make_corpus(n: int):
    """``n`` distinct entries built from small word lists."""
    entries = []
    for i in range(n):
        p = PROGRAMMES[i % len(PROGRAMMES)]
        a = ACTIONS[(i // len(PROGRAMMES)) % len(ACTIONS)]
        place = PLACES[(i // 36) % len(PLACES)]
        entries.append(
            Entry(
                i + 1,
                f"How do I {a} {p} in {place} (form {i})?",
                f"To {a} {p} in {place}, fill in form {i}. Offices in {place} open at nine.",
            )
        )
    return corpus_from_entries(entries, title=f"{n} entries")


def test_index_type_follows_size():
    assert choose_index_type(10) == "flat"
    assert choose_index_type(dense.HNSW_MIN_VECTORS - 1) == "flat"
    assert choose_index_type(dense.HNSW_MIN_VECTORS) == "hnsw"
    assert choose_index_type(10 * dense.HNSW_MIN_VECTORS) == "hnsw"


@pytest.mark.slow
def test_build_picks_hnsw_for_a_large_faq_and_keeps_it_on_reload(tmp_path, monkeypatch):
    monkeypatch.setattr(dense, "HNSW_MIN_VECTORS", 200)  # "large" without a large test
    emb = HashEmbedder()
    small, large = make_corpus(20), make_corpus(120)  # 20 entries hold < 200 passages, 120 more
    assert build_index(small, emb).index_type == "flat"
    built = build_index(large, emb)
    assert built.index_type == "hnsw"
    save_index(built, tmp_path)
    assert read_manifest(tmp_path)["index_type"] == "hnsw"
    loaded = load_index(tmp_path, large, emb)
    assert loaded.index_type == "hnsw"
    assert loaded.dense.index.hnsw.efSearch == dense.HNSW_EF_SEARCH


@pytest.mark.slow
def test_saved_larger_index_loads_without_embedding_again(tmp_path):
    corpus = make_corpus(1500)
    builder = HashEmbedder()
    save_index(build_index(corpus, builder), tmp_path)
    # every passage was encoded (and the classifier's phrasings); the counter counts
    assert builder.encoded >= len(chunk_entries(corpus.entries))

    fresh = HashEmbedder()
    index = open_index(tmp_path, corpus, fresh)
    assert fresh.encoded == 0, "loading a saved index must not re-embed its passages"
    bot = FAQBot(corpus, index, fresh)
    hits = bot.search("how do I renew housing in Gallup form 44", k=3)
    assert fresh.encoded == 1  # the question only
    assert hits and hits[0].number == 45


def test_hnsw_finds_what_flat_finds():
    emb = HashEmbedder()
    corpus = make_corpus(600)
    vectors = emb.encode([c.text for c in chunk_entries(corpus.entries)], role="passage")
    flat, hnsw = DenseSearch.build(vectors, "flat"), DenseSearch.build(vectors, "hnsw")
    queries = emb.encode([e.question.lower() for e in corpus.entries[::37]])
    found = []
    for q in queries:
        exact_scores = flat.search(q, 10)[0]
        approx_scores = hnsw.search(q, 10)[0]
        # Hashed words tie a lot, so compare by score: how many of the approximate top 10
        # are as close as the exact 10th neighbour.
        found.append(np.mean(approx_scores >= exact_scores[-1] - 1e-5))
    assert np.mean(found) >= 0.95


def test_precomputed_vectors_must_match_the_passages():
    emb = HashEmbedder()
    corpus = make_corpus(5)
    with pytest.raises(ValueError, match="vectors given"):
        build_index(corpus, emb, vectors=np.zeros((3, DIM), dtype=np.float32))
    before = emb.encoded
    n = len(build_index(corpus, emb).chunk_text)
    full_build = emb.encoded - before  # the passages, then the phrasings the classifier learns from
    given = emb.encode(["x"] * n)
    before = emb.encoded
    index = build_index(corpus, emb, vectors=given)
    assert emb.encoded - before == full_build - n  # the given vectors stand in for the passages
    assert index.dense.size == n


def test_large_batches_encode_in_sorted_slices_without_changing_vectors(embedder, capsys):
    texts = [f"question {i}: " + "how long is my data kept " * (1 + i % 7) for i in range(80)]
    batched = embedder.encode(texts, show_progress=True)
    assert "embedding" in capsys.readouterr().err  # the tqdm bar
    one_by_one = np.vstack([embedder.encode_one(t) for t in texts[:12]])
    assert np.allclose(batched[:12], one_by_one, atol=1e-5)
    assert np.allclose(np.linalg.norm(batched, axis=1), 1.0, atol=1e-5)


def test_an_entrys_own_question_always_finds_it_even_without_a_classifier():
    """Above 2,000 entries there is no phrasing classifier; near-duplicate questions must
    still not steal an entry's own exact wording (issue: question 17 answered from 5)."""
    emb = HashEmbedder()
    corpus = make_corpus(2100)
    bot = FAQBot(corpus, build_index(corpus, emb), emb)
    assert bot.index.classifier is None
    for entry in corpus.entries[::150]:
        for text in (entry.question, entry.question.lower().rstrip("?")):
            a = bot.ask(text)
            assert (a.kind, a.question_number) == ("faq", entry.number), text
