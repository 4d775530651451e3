"""Build, save and load the search index of a corpus, with a manifest that guards it.

An index folder holds:

* ``vectors.faiss``  the FAISS index over every passage vector,
* ``passages.json``  the passage table: text, kind and source question number,
* ``bm25/``          the BM25 index over whole entries (bm25s, numpy + JSON, no pickle),
* ``classifier.npz`` the phrasing classifier's weights (``retrieval/classifier.py``;
  absent for FAQs too large to have one),
* ``manifest.json``  format version, model name and digest, dimension, corpus sha256,
  counts, index type and the sha256 of every file above.

``open_index`` loads an index only when its manifest matches the corpus and the
model and every file has the digest the manifest records; anything else (missing,
stale, truncated, garbage, another model) is rebuilt. Files are written aside and
renamed into place, the manifest last, under a file lock, so a crash or a second
process never leaves a half-written index that would be trusted.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from .chunking import CHUNKING_VERSION, Chunk, chunk_entries
from .corpus import Corpus
from .embedder import Embedder, file_sha256
from .errors import IndexMismatchError
from .retrieval.classifier import MAX_ENTRIES as MAX_CLASSIFIER_ENTRIES
from .retrieval.classifier import PhrasingClassifier
from .retrieval.dense import DenseSearch
from .retrieval.lexical import LexicalSearch

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: the phrasing classifier
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGES = "passages.json"
BM25_DIR = "bm25"
CLASSIFIER = "classifier.npz"
LOCK = ".lock"
_KIND_CODES = {"question": 0, "alternate": 1, "answer": 2}
_KIND_NAMES = {v: k for k, v in _KIND_CODES.items()}


@dataclass
class SearchIndex:
    """Everything the retriever searches, for one corpus and one model."""

    chunk_entry: np.ndarray  # entry position of each passage
    chunk_kind: np.ndarray  # 0 question, 1 alternate, 2 answer
    chunk_text: list[str]
    entry_numbers: list[int]
    entry_chunk_start: np.ndarray  # passages of entry i: [start[i], start[i+1])
    dense: DenseSearch
    lexical: LexicalSearch
    manifest: dict[str, Any]
    classifier: PhrasingClassifier | None = None

    @property
    def n_entries(self) -> int:
        return len(self.entry_numbers)

    @property
    def index_type(self) -> str:
        return self.dense.index_type


def entry_document(entry) -> str:
    """The text BM25 sees for an entry: its question, alternates and answer."""
    return "\n".join([entry.question, *entry.alternates, entry.answer])


def expected_manifest(corpus: Corpus, embedder: Embedder) -> dict[str, Any]:
    """The manifest fields an index must carry to be used with this corpus and model."""
    return {
        "format_version": FORMAT_VERSION,
        "chunking_version": CHUNKING_VERSION,
        "model": {"name": embedder.info.name, "sha256": embedder.info.sha256},
        "corpus": {"sha256": corpus.sha256},
    }


def build_index(
    corpus: Corpus,
    embedder: Embedder,
    index_type: str | None = None,
    show_progress: bool = False,
    vectors: np.ndarray | None = None,
) -> SearchIndex:
    """Chunk, embed and index a corpus in memory.

    ``index_type`` None picks flat or HNSW by size (``retrieval.dense.choose_index_type``).
    ``vectors`` (one unit row per passage, in ``chunk_entries`` order) skips the
    embedding step; the benchmarks use it to index synthesised vectors.
    """
    started = time.perf_counter()
    chunks = chunk_entries(corpus.entries)
    if vectors is None:
        vectors = embedder.encode([c.text for c in chunks], show_progress=show_progress)
    elif len(vectors) != len(chunks):
        raise ValueError(f"{len(vectors)} vectors given for {len(chunks)} passages")
    dense = DenseSearch.build(vectors, index_type)
    lexical = LexicalSearch.build([entry_document(e) for e in corpus.entries])
    index = _assemble(chunks, [e.number for e in corpus.entries], dense, lexical, {})
    index.classifier = _train_classifier(index, vectors, corpus.out_of_scope, embedder)
    manifest = expected_manifest(corpus, embedder)
    manifest.update(
        {
            "dimension": int(vectors.shape[1]),
            "corpus": {
                "sha256": corpus.sha256,
                "title": corpus.title,
                "source": corpus.path.name if corpus.path else None,
            },
            "counts": {"entries": len(corpus.entries), "passages": len(chunks)},
            "index_type": dense.index_type,
            "metric": "inner product of unit vectors (cosine)",
            "classifier": None if index.classifier is None else {
                "classes": len(index.classifier.bias),
                "out_of_scope_examples": len(corpus.out_of_scope),
            },
            "build_seconds": round(time.perf_counter() - started, 3),
        }
    )
    index.manifest = manifest
    return index


def _train_classifier(
    index: SearchIndex, vectors: np.ndarray, out_of_scope: tuple[str, ...], embedder: Embedder
) -> PhrasingClassifier | None:
    """The phrasing classifier: entries' question/alternate vectors, plus out-of-scope examples."""
    if index.n_entries > MAX_CLASSIFIER_ENTRIES:
        return None  # checked here too, so a huge FAQ's examples are not even encoded
    phrasing = index.chunk_kind != _KIND_CODES["answer"]
    outside = embedder.encode(list(out_of_scope)) if out_of_scope else None
    return PhrasingClassifier.train(
        vectors[phrasing], index.chunk_entry[phrasing], index.n_entries, outside
    )


def _assemble(
    chunks: list[Chunk],
    numbers: list[int],
    dense: DenseSearch,
    lexical: LexicalSearch,
    manifest: dict[str, Any],
    classifier: PhrasingClassifier | None = None,
) -> SearchIndex:
    position = {n: i for i, n in enumerate(numbers)}
    chunk_entry = np.array([position[c.number] for c in chunks], dtype=np.int64)
    counts = np.bincount(chunk_entry, minlength=len(numbers))
    starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    if not np.all(np.diff(chunk_entry) >= 0):
        raise IndexMismatchError("passage table is not in entry order")
    return SearchIndex(
        chunk_entry=chunk_entry,
        chunk_kind=np.array([_KIND_CODES[c.kind] for c in chunks], dtype=np.int8),
        chunk_text=[c.text for c in chunks],
        entry_numbers=list(numbers),
        entry_chunk_start=starts,
        dense=dense,
        lexical=lexical,
        manifest=manifest,
        classifier=classifier,
    )


# --- save ----------------------------------------------------------------------


def save_index(index: SearchIndex, folder: str | Path) -> None:
    """Write the index into ``folder`` atomically (aside, then renamed; manifest last)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / LOCK), timeout=600):
        _save_unlocked(index, folder)


def _save_unlocked(index: SearchIndex, folder: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
    try:
        index.dense.save(staging / VECTORS)
        table = {
            "entry_numbers": index.entry_numbers,
            "passages": [
                {"number": index.entry_numbers[int(e)], "kind": _KIND_NAMES[int(k)], "text": t}
                for e, k, t in zip(index.chunk_entry, index.chunk_kind, index.chunk_text)
            ],
        }
        (staging / PASSAGES).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
        index.lexical.save(staging / BM25_DIR)
        if index.classifier is not None:
            index.classifier.save(staging / CLASSIFIER)
        files = {
            rel: file_sha256(staging / rel)
            for rel in sorted(_relative_files(staging))
        }
        manifest = dict(index.manifest, files=files)
        _write_json(staging / MANIFEST, manifest)

        # Old manifest out first: until the new one lands, the folder is "no index".
        (folder / MANIFEST).unlink(missing_ok=True)
        (folder / CLASSIFIER).unlink(missing_ok=True)  # an old one must not linger unlisted
        if (folder / BM25_DIR).exists():
            shutil.rmtree(folder / BM25_DIR)
        for rel in files:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        os.replace(staging / MANIFEST, folder / MANIFEST)
        _fsync_dir(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    index.manifest = manifest


def _relative_files(root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != MANIFEST]


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- load ----------------------------------------------------------------------


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of an index folder; IndexMismatchError when missing or unreadable."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMismatchError(f"{path} is missing (no index has been built here)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexMismatchError(f"{path} is damaged: {exc}") from None
    if not isinstance(data, dict):
        raise IndexMismatchError(f"{path} is damaged: not a JSON object")
    return data


def check_manifest(manifest: dict[str, Any], corpus: Corpus, embedder: Embedder, folder: Path) -> None:
    """Raise IndexMismatchError saying what differs when the index is not for this corpus/model."""
    want = expected_manifest(corpus, embedder)
    where = folder / MANIFEST
    if manifest.get("format_version") != want["format_version"]:
        raise IndexMismatchError(
            f"{where}: index format {manifest.get('format_version')!r}, this faqbot reads {FORMAT_VERSION}"
        )
    if manifest.get("chunking_version") != want["chunking_version"]:
        raise IndexMismatchError(f"{where}: built with other chunking rules")
    model = manifest.get("model") or {}
    if model.get("sha256") != want["model"]["sha256"]:
        raise IndexMismatchError(
            f"{where}: built with another model ({model.get('name')!r}, sha256 "
            f"{str(model.get('sha256'))[:12]}…), not {want['model']['name']}"
        )
    if (manifest.get("corpus") or {}).get("sha256") != corpus.sha256:
        raise IndexMismatchError(f"{where}: stale, the FAQ source has changed since it was built")
    counts = manifest.get("counts") or {}
    if counts.get("entries") != len(corpus.entries):
        raise IndexMismatchError(f"{where}: records {counts.get('entries')} entries, the FAQ has {len(corpus.entries)}")


def load_index(folder: str | Path, corpus: Corpus, embedder: Embedder) -> SearchIndex:
    """Load a saved index after checking it matches the corpus and model, file by file."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_manifest(manifest, corpus, embedder, folder)
    files = manifest.get("files")
    if not isinstance(files, dict) or VECTORS not in files or PASSAGES not in files:
        raise IndexMismatchError(f"{folder / MANIFEST}: lists no index files")
    for rel, digest in files.items():
        path = folder / rel
        if not path.is_file():
            raise IndexMismatchError(f"{path} is missing")
        if file_sha256(path) != digest:
            raise IndexMismatchError(f"{path} is damaged or out of step (its sha256 differs from the manifest)")
    try:
        dense = DenseSearch.load(folder / VECTORS, manifest.get("index_type", "flat"))
        table = json.loads((folder / PASSAGES).read_text(encoding="utf-8"))
        lexical = LexicalSearch.load(folder / BM25_DIR)
        classifier = (
            PhrasingClassifier.load(folder / CLASSIFIER) if manifest.get("classifier") else None
        )
        chunks = [Chunk(int(p["number"]), p["kind"], p["text"]) for p in table["passages"]]
    except Exception as exc:  # checksums matched, so this is a bug or a hand-made file
        raise IndexMismatchError(f"{folder}: cannot read the index: {exc}") from exc
    numbers = [e.number for e in corpus.entries]
    if table.get("entry_numbers") != numbers:
        raise IndexMismatchError(f"{folder / PASSAGES}: entries differ from the FAQ's")
    if dense.size != len(chunks):
        raise IndexMismatchError(
            f"{folder}: {dense.size} vectors but {len(chunks)} passages (out of step)"
        )
    if dense.dimension != manifest.get("dimension"):
        raise IndexMismatchError(f"{folder}: vector size differs from the manifest")
    if chunks != chunk_entries(corpus.entries):  # cheap (no model): the table must be this FAQ's
        raise IndexMismatchError(f"{folder / PASSAGES}: passage text differs from the FAQ's (out of step)")
    if manifest.get("classifier") and CLASSIFIER not in files:
        raise IndexMismatchError(f"{folder / MANIFEST}: records a classifier but lists no {CLASSIFIER}")
    if classifier is not None and (
        classifier.n_entries != len(numbers) or classifier.weights.shape[1] != dense.dimension
    ):
        raise IndexMismatchError(f"{folder / CLASSIFIER}: does not fit this index (out of step)")
    return _assemble(chunks, numbers, dense, lexical, manifest, classifier)


def open_index(
    folder: str | Path | None,
    corpus: Corpus,
    embedder: Embedder,
    rebuild: bool = False,
    show_progress: bool = False,
) -> SearchIndex:
    """Load the index in ``folder``, or build it (and save it when the folder is writable).

    A stale or damaged index is never used: it is rebuilt and replaced. When the
    folder cannot be written, the fresh index is kept in memory and a warning logged.
    """
    if folder is None:
        return build_index(corpus, embedder, show_progress=show_progress)
    folder = Path(folder)
    if not rebuild:
        try:
            return load_index(folder, corpus, embedder)
        except IndexMismatchError as exc:
            reason = str(exc)
    else:
        reason = "rebuild requested"
    log.info("building index in %s (%s)", folder, reason)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / LOCK), timeout=600)
        lock.acquire()
    except (OSError, Timeout) as exc:
        log.warning("cannot write the index in %s (%s); using an in-memory index", folder, exc)
        return build_index(corpus, embedder, show_progress=show_progress)
    try:
        if not rebuild:  # another process may have built it while we waited
            try:
                return load_index(folder, corpus, embedder)
            except IndexMismatchError:
                pass
        index = build_index(corpus, embedder, show_progress=show_progress)
        try:
            _save_unlocked(index, folder)
        except OSError as exc:
            log.warning("cannot save the index in %s (%s); using it from memory", folder, exc)
        return index
    finally:
        lock.release()
