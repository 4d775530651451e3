"""Build, save and load the search index of a corpus, with a manifest that guards it.

An index folder holds:

* ``vectors.faiss``  the FAISS index over every passage vector,
* ``passages.json``  the passage table: text, kind and source question number,
* ``bm25/``          the BM25 index over whole entries (bm25s, numpy + JSON, no pickle),
* ``classifier.npz`` the phrasing classifier's weights (``retrieval/classifier.py``;
  absent for FAQs too large to have one),
* ``manifest.json``  format version, the embedding model (backend, name, digest),
  dimension, corpus sha256, counts, index type and the sha256 of every file above.

``open_index`` loads an index only when its manifest matches the corpus and the
model and every file has the digest the manifest records; anything else (missing,
stale, truncated, garbage, another model) is rebuilt. Files are written aside and
renamed into place, the manifest last, under a file lock, so a crash or a second
process never leaves a half-written index that would be trusted.

faqbot writes only into a folder it owns: a new or empty one, or one that holds
nothing but index files (or a manifest of faqbot's). It refuses a symbolic link
and a folder with other files in it, and reads only the plain file names it
writes, whatever a manifest lists.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from ._files import file_sha256, fsync_dir, write_atomic
from .chunking import CHUNKING_VERSION, Chunk, ChunkKind, chunk_entries
from .corpus import Corpus
from .embedders import Embedder, Role
from .errors import IndexFolderError, IndexMismatchError
from .models import Entry
from .retrieval.classifier import MAX_ENTRIES as MAX_CLASSIFIER_ENTRIES
from .retrieval.classifier import PhrasingClassifier
from .retrieval.dense import DenseSearch
from .retrieval.lexical import LexicalSearch

log = logging.getLogger(__name__)

FORMAT_VERSION = 3  # 3: the model's backend in the manifest, query/passage roles
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGES = "passages.json"
BM25_DIR = "bm25"
BM25_FILES = (
    "params.index.json",
    "vocab.index.json",
    "data.csc.index.npy",
    "indices.csc.index.npy",
    "indptr.csc.index.npy",
)
CLASSIFIER = "classifier.npz"
LOCK = ".lock"
STAGING_PREFIX = ".staging-"
# Every name faqbot writes (relative to the index folder); the only ones it reads.
INDEX_FILES = frozenset({VECTORS, PASSAGES, CLASSIFIER, *(f"{BM25_DIR}/{n}" for n in BM25_FILES)})
OWN_NAMES = frozenset({MANIFEST, VECTORS, PASSAGES, CLASSIFIER, BM25_DIR, LOCK})
LOCK_TIMEOUT = 600  # seconds another build may hold the folder


@dataclass
class SearchIndex:
    """Everything the retriever searches, for one corpus and one model."""

    chunk_entry: np.ndarray  # entry position of each passage
    chunk_kind: np.ndarray  # ChunkKind.code of each passage
    chunk_text: list[str]
    entry_numbers: list[int]
    entry_chunk_start: np.ndarray  # passages of entry i: [start[i], start[i+1])
    dense: DenseSearch
    lexical: LexicalSearch
    manifest: dict[str, Any]
    classifier: PhrasingClassifier | None = None
    _subject: np.ndarray | None = field(default=None, repr=False)

    @property
    def n_entries(self) -> int:
        return len(self.entry_numbers)

    @property
    def index_type(self) -> str:
        return self.dense.index_type

    def ids_of(self, kind: ChunkKind) -> np.ndarray:
        """Passage ids of one kind."""
        return np.nonzero(self.chunk_kind == kind.code)[0]

    def subject_vector(self) -> np.ndarray:
        """The FAQ's common subject: the unit mean of its question vectors (computed once)."""
        if self._subject is None:
            mean = self.dense.vectors(self.ids_of(ChunkKind.QUESTION)).mean(axis=0)
            self._subject = (mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32)
        return self._subject

    def knows(self, word: str) -> bool:
        """Whether a word occurs somewhere in the FAQ (its BM25 vocabulary)."""
        return self.lexical.knows(word)


def entry_document(entry: Entry) -> str:
    """The text BM25 sees for an entry: its question, alternates and answer."""
    return "\n".join([entry.question, *entry.alternates, entry.answer])


def expected_manifest(corpus: Corpus, embedder: Embedder) -> dict[str, Any]:
    """The manifest fields an index must carry to be used with this corpus and model."""
    return {
        "format_version": FORMAT_VERSION,
        "chunking_version": CHUNKING_VERSION,
        "model": {
            "backend": embedder.info.backend,
            "name": embedder.info.name,
            "sha256": embedder.info.sha256,
        },
        "corpus": {"sha256": corpus.sha256},
    }


def encode_chunks(chunks: list[Chunk], embedder: Embedder, show_progress: bool = False) -> np.ndarray:
    """One vector per passage: phrasings as queries, answer text as passages."""
    vectors = np.zeros((len(chunks), embedder.dimension), dtype=np.float32)
    roles: tuple[tuple[bool, Role], ...] = ((True, "query"), (False, "passage"))
    for is_phrasing, role in roles:
        ids = [i for i, c in enumerate(chunks) if c.kind.is_phrasing == is_phrasing]
        if ids:
            vectors[ids] = embedder.encode(
                [chunks[i].text for i in ids], role=role, show_progress=show_progress
            )
    return vectors


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
        vectors = encode_chunks(chunks, embedder, show_progress)
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
            "classifier": None
            if index.classifier is None
            else {
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
    phrasing = index.chunk_kind != ChunkKind.ANSWER.code
    outside = embedder.encode(list(out_of_scope), role="query") if out_of_scope else None
    return PhrasingClassifier.train(vectors[phrasing], index.chunk_entry[phrasing], index.n_entries, outside)


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
        chunk_kind=np.array([c.kind.code for c in chunks], dtype=np.int8),
        chunk_text=[c.text for c in chunks],
        entry_numbers=list(numbers),
        entry_chunk_start=starts,
        dense=dense,
        lexical=lexical,
        manifest=manifest,
        classifier=classifier,
    )


# --- the folder ------------------------------------------------------------------


def check_folder(folder: Path) -> None:
    """Raise IndexFolderError unless faqbot may write an index into ``folder``.

    Allowed: a path that does not exist yet, an empty folder, or a folder holding
    only the names faqbot writes (or whose manifest is faqbot's). Refused: a
    symbolic link (faqbot does not follow one out of place), a folder with other
    files in it.
    """
    if folder.is_symlink():
        raise IndexFolderError(
            f"{folder} is a symbolic link; give the index folder's real path (faqbot does not "
            "write through links)"
        )
    if not folder.exists() or not folder.is_dir():
        return  # created, or the write fails and the index is kept in memory
    foreign = sorted(
        p.name for p in folder.iterdir() if p.name not in OWN_NAMES and not p.name.startswith(STAGING_PREFIX)
    )
    if foreign and not _is_faqbot_manifest(folder / MANIFEST):
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise IndexFolderError(
            f"{folder} is not a faqbot index and is not empty ({shown}); "
            "give an empty or new folder for the index"
        )
    for sub in (folder / BM25_DIR,):
        if sub.is_symlink():
            raise IndexFolderError(f"{sub} is a symbolic link; faqbot does not write through links")


def _is_faqbot_manifest(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and "format_version" in data and "chunking_version" in data


# --- save ----------------------------------------------------------------------


def save_index(index: SearchIndex, folder: str | Path) -> None:
    """Write the index into ``folder`` atomically (aside, then renamed; manifest last)."""
    folder = Path(folder)
    check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / LOCK), timeout=LOCK_TIMEOUT):
        _save_unlocked(index, folder)


def _save_unlocked(index: SearchIndex, folder: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    try:
        index.dense.save(staging / VECTORS)
        table = {
            "entry_numbers": index.entry_numbers,
            "passages": [
                {"number": index.entry_numbers[int(e)], "kind": str(ChunkKind.from_code(int(k))), "text": t}
                for e, k, t in zip(index.chunk_entry, index.chunk_kind, index.chunk_text)
            ],
        }
        (staging / PASSAGES).write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
        index.lexical.save(staging / BM25_DIR)
        if index.classifier is not None:
            index.classifier.save(staging / CLASSIFIER)
        files = {rel: file_sha256(staging / rel) for rel in sorted(_relative_files(staging))}
        unknown = set(files) - INDEX_FILES
        if unknown:
            raise IndexMismatchError(f"unexpected index files {sorted(unknown)} (a bm25s change?)")
        manifest = dict(index.manifest, files=files)

        # Old manifest out first: until the new one lands, the folder is "no index".
        (folder / MANIFEST).unlink(missing_ok=True)
        (folder / CLASSIFIER).unlink(missing_ok=True)  # an old one must not linger unlisted
        if (folder / BM25_DIR).is_dir():
            shutil.rmtree(folder / BM25_DIR)
        for rel in files:
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        write_atomic(folder / MANIFEST, _json_bytes(manifest))
        fsync_dir(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    index.manifest = manifest


def _relative_files(root: Path) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- load ----------------------------------------------------------------------


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of an index folder; IndexMismatchError when missing or unreadable."""
    path = Path(folder) / MANIFEST
    try:
        if path.is_symlink():
            raise IndexMismatchError(f"{path} is a symbolic link, not a manifest faqbot wrote")
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexMismatchError(f"{path} is missing (no index has been built here)") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
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
    if (
        not isinstance(model, dict)
        or model.get("sha256") != want["model"]["sha256"]
        or model.get("backend") != want["model"]["backend"]
    ):
        name = model.get("name") if isinstance(model, dict) else None
        sha = str(model.get("sha256"))[:12] if isinstance(model, dict) else "?"
        raise IndexMismatchError(
            f"{where}: built with another model ({name!r}, sha256 {sha}…), not {want['model']['name']}"
        )
    if (manifest.get("corpus") or {}).get("sha256") != corpus.sha256:
        raise IndexMismatchError(f"{where}: stale, the FAQ source has changed since it was built")
    counts = manifest.get("counts") or {}
    if counts.get("entries") != len(corpus.entries):
        raise IndexMismatchError(
            f"{where}: records {counts.get('entries')} entries, the FAQ has {len(corpus.entries)}"
        )


def _listed_files(manifest: dict[str, Any], folder: Path) -> dict[str, str]:
    """The manifest's file list, refused unless every name is one faqbot writes."""
    files = manifest.get("files")
    if not isinstance(files, dict) or VECTORS not in files or PASSAGES not in files:
        raise IndexMismatchError(f"{folder / MANIFEST}: lists no index files")
    for rel, digest in files.items():
        if rel not in INDEX_FILES or not isinstance(digest, str):
            raise IndexMismatchError(
                f"{folder / MANIFEST}: lists {rel!r}, which is not an index file faqbot writes"
            )
        path = folder / rel
        if path.is_symlink() or path.parent.is_symlink():
            raise IndexMismatchError(f"{path} is a symbolic link, not a file faqbot wrote")
    return files


def load_index(folder: str | Path, corpus: Corpus, embedder: Embedder) -> SearchIndex:
    """Load a saved index after checking it matches the corpus and model, file by file."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    check_manifest(manifest, corpus, embedder, folder)
    files = _listed_files(manifest, folder)
    for rel, digest in files.items():
        path = folder / rel
        if not path.is_file():
            raise IndexMismatchError(f"{path} is missing")
        if file_sha256(path) != digest:
            raise IndexMismatchError(
                f"{path} is damaged or out of step (its sha256 differs from the manifest)"
            )
    try:
        dense = DenseSearch.load(folder / VECTORS, manifest.get("index_type", "flat"))
        table = json.loads((folder / PASSAGES).read_text(encoding="utf-8"))
        lexical = LexicalSearch.load(folder / BM25_DIR)
        classifier = PhrasingClassifier.load(folder / CLASSIFIER) if manifest.get("classifier") else None
        chunks = [Chunk(int(p["number"]), ChunkKind(p["kind"]), p["text"]) for p in table["passages"]]
    except Exception as exc:  # checksums matched, so this is a bug or a hand-made file
        raise IndexMismatchError(f"{folder}: cannot read the index: {exc}") from exc
    numbers = [e.number for e in corpus.entries]
    if table.get("entry_numbers") != numbers:
        raise IndexMismatchError(f"{folder / PASSAGES}: entries differ from the FAQ's")
    if dense.size != len(chunks):
        raise IndexMismatchError(f"{folder}: {dense.size} vectors but {len(chunks)} passages (out of step)")
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
    A folder faqbot does not own raises IndexFolderError (see ``check_folder``).
    """
    if folder is None:
        return build_index(corpus, embedder, show_progress=show_progress)
    folder = Path(folder)
    check_folder(folder)
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
        lock = FileLock(str(folder / LOCK), timeout=LOCK_TIMEOUT)
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
