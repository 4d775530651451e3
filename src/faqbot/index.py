"""The search index of a corpus: what it holds, and how it is saved and loaded under a manifest.

An index folder holds:

* ``vectors.faiss``   the FAISS index over every passage vector,
* ``passages.json``   the passage table: text, kind and source question number,
* ``bm25/``           the BM25 index over whole entries (bm25s, numpy + JSON, no pickle),
* ``words.json``      every word the FAQ uses, and the names of several words it uses
                      whole (coverage, and names it never mentions),
* ``classifier.npz``  the phrasing classifier (``retrieval/classifier.py``; absent for
  FAQs too large to have one),
* ``smalltalk.npz``   the small-talk intent classifier (``smalltalk.py``),
* ``names.npz``       the FAQ's names and the engine's names it does not mention, as
  vectors (``retrieval/name_match.py``; absent for FAQs too large to have a classifier),
* ``manifest.json``   format version, the embedding model (backend, name, digest),
  dimension, corpus sha256, counts, index type, the background similarities and the
  calibration fitted at build time, and the sha256 of every file above.

``load_index`` uses an index only when its manifest matches the corpus and the
model and every file has the digest the manifest records; ``build.open_index``
rebuilds anything else. Files are written aside and renamed into place, the
manifest last, under a file lock, so a crash or a second process never leaves a
half-written index that would be trusted.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from . import engine_data
from ._files import file_sha256, fsync_dir, write_atomic
from .chunking import CHUNKING_VERSION, Chunk, ChunkKind, chunk_entries
from .corpus import Corpus
from .embedders import Embedder
from .errors import IndexFolderError, IndexMismatchError
from .models import Entry
from .retrieval.calibration import Calibration
from .retrieval.classifier import PhrasingClassifier
from .retrieval.dense import DenseSearch
from .retrieval.fusion import Background
from .retrieval.lexical import LexicalSearch
from .retrieval.name_match import NameVectors
from .smalltalk import IntentClassifier
from .text import words

log = logging.getLogger(__name__)

FORMAT_VERSION = 8  # 8: names.npz (the FAQ's names and the engine's other names, by meaning); 7: words.json holds the names of several words the FAQ uses; 6: the classifier projects out language directions; 5: near misses, calibration per FAQ
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
SMALLTALK = "smalltalk.npz"
NAMES = "names.npz"
WORDS = "words.json"
LOCK = ".lock"
STAGING_PREFIX = ".staging-"
# Every name faqbot writes (relative to the index folder); the only ones it reads.
INDEX_FILES = frozenset(
    {VECTORS, PASSAGES, CLASSIFIER, SMALLTALK, NAMES, WORDS, *(f"{BM25_DIR}/{n}" for n in BM25_FILES)}
)
OWN_NAMES = frozenset({MANIFEST, VECTORS, PASSAGES, CLASSIFIER, SMALLTALK, NAMES, WORDS, BM25_DIR, LOCK})
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
    words: frozenset[str] = frozenset()  # every word the FAQ uses, folded
    scoring: Background = Background()
    calibration: Calibration = Calibration()
    classifier: PhrasingClassifier | None = None
    smalltalk: IntentClassifier | None = None
    names: NameVectors | None = None  # the FAQ's names and others, to judge names written another way
    _subject: np.ndarray | None = field(default=None, repr=False)
    _phrasings: dict[str, int] | None = field(default=None, repr=False)

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

    def exact_entry(self, text: str) -> int | None:
        """The entry whose question or alternate ``text`` is, word for word (case, accents
        and punctuation aside), when exactly one entry has it; else None."""
        if self._phrasings is None:
            found: dict[str, set[int]] = {}
            for kind, entry, chunk in zip(self.chunk_kind, self.chunk_entry, self.chunk_text, strict=True):
                if ChunkKind.from_code(int(kind)).is_phrasing:
                    found.setdefault(" ".join(words(chunk)), set()).add(self.entry_numbers[int(entry)])
            self._phrasings = {key: next(iter(n)) for key, n in found.items() if len(n) == 1 and key}
        return self._phrasings.get(" ".join(words(text)))

    def knows(self, word: str) -> bool:
        """Whether a (folded) word occurs somewhere in the FAQ."""
        return word in self.words


def entry_document(entry: Entry) -> str:
    """The text BM25 sees for an entry: its question, alternates and answer."""
    return "\n".join([entry.question, *entry.alternates, entry.answer])


def expected_manifest(corpus: Corpus, embedder: Embedder) -> dict[str, Any]:
    """The manifest fields an index must carry to be used with this corpus and model."""
    return {
        "format_version": FORMAT_VERSION,
        "chunking_version": CHUNKING_VERSION,
        "engine_data": {"sha256": engine_data.build_digest()},
        "model": {
            "backend": embedder.info.backend,
            "name": embedder.info.name,
            "sha256": embedder.info.sha256,
        },
        "corpus": {"sha256": corpus.sha256},
    }


def assemble(
    chunks: list[Chunk],
    numbers: list[int],
    dense: DenseSearch,
    lexical: LexicalSearch,
    manifest: dict[str, Any],
    **parts: Any,
) -> SearchIndex:
    """A SearchIndex from its pieces (``parts``: words, scoring, calibration, classifiers)."""
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
        **parts,
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
        write_index(index, folder)


def write_index(index: SearchIndex, folder: Path) -> None:
    """``save_index`` without taking the lock (the caller holds it)."""
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
        (staging / WORDS).write_text(json.dumps(sorted(index.words), ensure_ascii=False), encoding="utf-8")
        if index.classifier is not None:
            index.classifier.save(staging / CLASSIFIER)
        if index.smalltalk is not None:
            index.smalltalk.save(staging / SMALLTALK)
        if index.names is not None:
            index.names.save(staging / NAMES)
        files = {rel: file_sha256(staging / rel) for rel in sorted(_relative_files(staging))}
        unknown = set(files) - INDEX_FILES
        if unknown:
            raise IndexMismatchError(f"unexpected index files {sorted(unknown)} (a bm25s change?)")
        manifest = dict(index.manifest, files=files)

        # Old manifest out first: until the new one lands, the folder is "no index".
        (folder / MANIFEST).unlink(missing_ok=True)
        for optional in (CLASSIFIER, SMALLTALK, NAMES):  # an old one must not linger unlisted
            (folder / optional).unlink(missing_ok=True)
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
    if manifest.get("engine_data") != want["engine_data"]:
        raise IndexMismatchError(f"{where}: built with other engine data (src/faqbot/data has changed)")
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
    if not isinstance(files, dict) or not {VECTORS, PASSAGES, WORDS} <= set(files):
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
        words = frozenset(json.loads((folder / WORDS).read_text(encoding="utf-8")))
        classifier = PhrasingClassifier.load(folder / CLASSIFIER) if manifest.get("classifier") else None
        smalltalk = IntentClassifier.load(folder / SMALLTALK) if SMALLTALK in files else None
        names = NameVectors.load(folder / NAMES) if NAMES in files else None
        scoring = Background(**manifest["scoring"])
        calibration = Calibration.from_dict(manifest["calibration"])
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
    return assemble(
        chunks,
        numbers,
        dense,
        lexical,
        manifest,
        words=words,
        scoring=scoring,
        calibration=calibration,
        classifier=classifier,
        smalltalk=smalltalk,
        names=names,
    )
