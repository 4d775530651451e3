"""Index build / save / load / staleness, on the real model."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from faqbot import IndexMismatchError, load_corpus
from faqbot.build import build_index, open_index
from faqbot.index import MANIFEST, load_index, read_manifest, save_index

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faq")
    src = folder / "faq.txt"
    src.write_text(
        "1. When is the library open?\nFrom nine to five on weekdays.\n"
        "2. Can I park there?\nYes, behind the building. Parking is free.\n"
        "3. Do you lend e-books?\n1. Yes: through the app.\n2. Limits: five at a time.\n",
        encoding="utf-8",
    )
    return load_corpus(src)


def test_committed_index_is_current(corpus, embedder):
    """Fails when index/ is stale: rebuild with `faqbot build` and commit it."""
    index = load_index(ROOT / "index", corpus, embedder)  # raises on any mismatch
    m = index.manifest
    assert m["counts"]["entries"] == 20
    assert m["model"]["sha256"] == embedder.info.sha256
    assert m["dimension"] == 384
    assert index.dense.size == m["counts"]["passages"] == len(index.chunk_text)


def test_save_then_load_round_trip(tmp_path, small_corpus, embedder):
    built = build_index(small_corpus, embedder)
    save_index(built, tmp_path)
    manifest = read_manifest(tmp_path)
    assert manifest["corpus"]["sha256"] == small_corpus.sha256
    assert set(manifest["files"]) >= {"vectors.faiss", "passages.json"}
    loaded = load_index(tmp_path, small_corpus, embedder)
    assert loaded.chunk_text == built.chunk_text
    assert loaded.entry_numbers == [1, 2, 3]
    v = embedder.encode_one("parking")
    assert np.allclose(loaded.dense.search(v, 3)[0], built.dense.search(v, 3)[0])
    assert not list(tmp_path.glob(".staging-*")), "staging folder left behind"


def test_stale_index_is_detected_and_rebuilt(tmp_path, small_corpus, embedder):
    index_dir = tmp_path / "idx"
    save_index(build_index(small_corpus, embedder), index_dir)
    src = tmp_path / "faq.txt"
    src.write_text(small_corpus.path.read_text() + "4. Is there wifi?\nYes, free wifi.\n")
    changed = load_corpus(src)
    with pytest.raises(IndexMismatchError, match="stale"):
        load_index(index_dir, changed, embedder)
    reopened = open_index(index_dir, changed, embedder)
    assert reopened.entry_numbers == [1, 2, 3, 4]
    assert read_manifest(index_dir)["corpus"]["sha256"] == changed.sha256


def test_damaged_file_is_detected_and_rebuilt(tmp_path, small_corpus, embedder):
    save_index(build_index(small_corpus, embedder), tmp_path)
    (tmp_path / "vectors.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexMismatchError, match="vectors.faiss is damaged"):
        load_index(tmp_path, small_corpus, embedder)
    index = open_index(tmp_path, small_corpus, embedder)
    assert index.dense.size == len(index.chunk_text)
    load_index(tmp_path, small_corpus, embedder)  # the rebuilt one is sound


def test_manifest_of_another_model_is_refused(tmp_path, small_corpus, embedder):
    save_index(build_index(small_corpus, embedder), tmp_path)
    m = json.loads((tmp_path / MANIFEST).read_text())
    m["model"] = {"name": "other-model", "sha256": "0" * 64}
    (tmp_path / MANIFEST).write_text(json.dumps(m))
    with pytest.raises(IndexMismatchError, match="another model"):
        load_index(tmp_path, small_corpus, embedder)


def test_missing_folder_is_built(tmp_path, small_corpus, embedder):
    target = tmp_path / "new" / "index"
    index = open_index(target, small_corpus, embedder)
    assert (target / MANIFEST).is_file() and index.n_entries == 3


def test_copy_of_committed_index_loads_without_reembedding(tmp_path, corpus, embedder, monkeypatch):
    shutil.copytree(ROOT / "index", tmp_path / "index", ignore=shutil.ignore_patterns(".lock"))
    monkeypatch.setattr(embedder, "encode", lambda *a, **k: pytest.fail("re-embedded a current index"))
    index = open_index(tmp_path / "index", corpus, embedder)
    assert index.n_entries == 20


_REPRODUCE = """
import hashlib, json, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from fakes import HashEmbedder
from faqbot.build import build_index
from faqbot.corpus import corpus_from_entries
from faqbot.index import save_index
from faqbot.models import Entry
corpus = corpus_from_entries(
    [
        Entry(1, "Does Acme Bank keep my data?", "For five years.", ("how long does Acme Bank hold records",)),
        Entry(2, "Does Acme Bank share data with Globex?", "Only by court order.", ("is my data sent to Globex",)),
        Entry(3, "Can I close my Acme Bank account online?", "Yes, in the app.", ("shut my account from home",)),
    ],
    out_of_scope=["what is the weather tomorrow", "who won the match"],
)
out = Path(sys.argv[1])
save_index(build_index(corpus, HashEmbedder()), out)
manifest = json.loads((out / "manifest.json").read_text())
manifest.pop("build_seconds")
digests = {{p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
           for p in sorted(out.rglob("*")) if p.is_file() and p.name not in ("manifest.json", ".lock")}}
print(json.dumps({{"manifest": manifest, "files": digests}}, sort_keys=True))
"""


def test_the_same_faq_builds_the_same_bytes_whatever_the_hash_seed(tmp_path):
    """bm25s numbers its vocabulary in set order and near-miss subjects were counted from a
    set: with Python's per-run hash seed, every build of the same FAQ differed (and so did
    its calibration). Two builds under different seeds must now match byte for byte."""
    import subprocess
    import sys

    tests = str(Path(__file__).resolve().parent)
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", _REPRODUCE.format(tests=tests), str(tmp_path / seed)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert runs[0]["files"].keys() >= {"bm25/vocab.index.json", "classifier.npz", "vectors.faiss"}
    assert runs[0] == runs[1]
