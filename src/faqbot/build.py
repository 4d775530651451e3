"""Building a FAQ's search index, and opening the saved one when it is current.

``build_index`` runs the build-time half of the pipeline, from the FAQ and the
engine's generic data alone:

1. chunk the entries and encode every passage (``"passage"`` role);
2. BM25 over whole entries; the FAQ's words;
3. the background: how similar the generic outside questions are, on average, to
   the FAQ's phrasings and to its answers (dense scores are rescaled against it);
4. the phrasing classifier: each entry's question and alternates (an entry without
   alternates: its answer's sentences as stand-in questions), against the generic
   outside set and the FAQ's own out-of-scope examples, and against near misses:
   its questions with their subject swapped for another (``nearmiss.py``)
   (``"query"`` role, the space users' questions live in);
5. the small-talk classifier (``smalltalk.py``), the FAQ's questions, the generic
   outside set and short follow-up questions ("why?") being its "not small talk"
   examples;
6. the FAQ's names and the engine's names it does not mention, as vectors, to tell a
   name written another way ("Biblioteca Pública") from another subject
   (``retrieval/name_match.py``; the calibration's probes are scored without them);
7. the calibration (``retrieval/calibration.py``), cross-validated: probes (the
   FAQ's alternates, or its questions, and the outside examples) are split into
   ``FOLDS`` folds; each fold is scored by an index built without it, by the same
   ``Retriever`` that answers users.

``open_index`` loads the saved index when its manifest matches, and otherwise
builds one and saves it (when the folder can be written).
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from . import engine_data
from .chunking import Chunk, ChunkKind, chunk_entries, split_answer, split_sentences
from .corpus import Corpus
from .embedders import Embedder
from .errors import IndexMismatchError
from .index import (
    LOCK,
    LOCK_TIMEOUT,
    SearchIndex,
    assemble,
    check_folder,
    entry_document,
    expected_manifest,
    load_index,
    write_index,
)
from .language import detect
from .nearmiss import near_misses
from .retrieval import calibration as calibrating
from .retrieval.calibration import Calibration
from .retrieval.classifier import MAX_ENTRIES as MAX_CLASSIFIER_ENTRIES
from .retrieval.classifier import PhrasingClassifier, language_directions
from .retrieval.dense import DenseSearch
from .retrieval.fusion import Background
from .retrieval.lexical import LexicalSearch
from .retrieval.name_match import NameVectors
from .retrieval.names import vocabulary
from .retrieval.retriever import Retriever
from .smalltalk import IntentClassifier

log = logging.getLogger("faqbot.index")

FOLDS = 5
SEED = 0
CV_MAX_ENTRIES = 300  # larger FAQs: the threshold from held-out outside probes only (cheaper)
MAX_STAND_INS = 12  # answer sentences per entry used as stand-in questions
MIN_STAND_IN_WORDS = 3
MAX_SMALLTALK_NEGATIVES = 3000  # FAQ phrasings the small-talk classifier contrasts with


def stand_in_questions(answer: str) -> list[str]:
    """An answer's sentences of a few words or more: stand-ins for questions it answers."""
    sentences = [s for p in split_answer(answer) for s in split_sentences(p)]
    return [s for s in sentences if len(s.split()) >= MIN_STAND_IN_WORDS][:MAX_STAND_INS]


@dataclass
class _Phrasings:
    """The classifier's training texts: entry position, kind, text, vector (query role)."""

    entry: np.ndarray
    kind: list[str]  # "question", "alternate" or "stand-in"
    text: list[str]
    vectors: np.ndarray
    outside_text: list[str] = field(default_factory=list)
    outside_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    language: list[str] = field(default_factory=list)  # of each text (language.detect)
    outside_language: list[str] = field(default_factory=list)
    near_text: list[str] = field(default_factory=list)  # near misses (nearmiss.py)
    near_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))


def _phrasings(corpus: Corpus, embedder: Embedder) -> _Phrasings:
    entry, kind, text = [], [], []
    for pos, e in enumerate(corpus.entries):
        items = [("question", e.question), *(("alternate", a) for a in e.alternates)]
        if not e.alternates:
            items += [("stand-in", s) for s in stand_in_questions(e.answer)]
        for k, t in items:
            entry.append(pos)
            kind.append(k)
            text.append(t)
    engine = engine_data.engine_vectors(embedder)
    own = list(corpus.out_of_scope)
    outside_vectors = engine.outside
    if own:
        outside_vectors = np.vstack([outside_vectors, embedder.encode(own, role="query")])
    near = near_misses(
        [e.question for e in corpus.entries], "\n".join(entry_document(e) for e in corpus.entries)
    )
    outside_text = [*engine_data.outside_questions(), *own]
    return _Phrasings(
        entry=np.array(entry, dtype=np.int64),
        kind=kind,
        text=text,
        vectors=embedder.encode(text, role="query"),
        outside_text=outside_text,
        outside_vectors=outside_vectors,
        language=[detect(t) for t in text],
        outside_language=[detect(t) for t in outside_text],
        near_text=near,
        near_vectors=embedder.encode(near, role="query"),
    )


def _background(outside: np.ndarray, chunk_vectors: np.ndarray, kinds: np.ndarray) -> Background:
    phrasing = kinds != ChunkKind.ANSWER.code
    mean = [
        float((outside @ chunk_vectors[mask].T).mean()) if mask.any() and len(outside) else 0.0
        for mask in (phrasing, ~phrasing)
    ]
    return Background(question=mean[0], answer=mean[1])


def _classifier(
    p: _Phrasings, n_entries: int, keep: np.ndarray | None = None, keep_outside: np.ndarray | None = None
) -> PhrasingClassifier | None:
    keep = np.ones(len(p.entry), dtype=bool) if keep is None else keep
    keep_outside = np.ones(len(p.outside_text), dtype=bool) if keep_outside is None else keep_outside
    outside = p.outside_vectors[keep_outside]
    neutral = language_directions(
        np.vstack([p.vectors[keep], outside]),
        np.concatenate([p.entry[keep], np.full(len(outside), -1)]),
        [*np.asarray(p.language)[keep], *np.asarray(p.outside_language)[keep_outside]],
    )
    return PhrasingClassifier.train(
        p.vectors[keep], p.entry[keep], n_entries, outside, near_misses=p.near_vectors, neutral=neutral
    )


def build_index(
    corpus: Corpus,
    embedder: Embedder,
    index_type: str | None = None,
    show_progress: bool = False,
    vectors: np.ndarray | None = None,
) -> SearchIndex:
    """Chunk, embed, train and calibrate a corpus's index in memory (see the module docstring).

    ``index_type`` None picks flat or HNSW by size (``retrieval.dense.choose_index_type``).
    ``vectors`` (one unit row per passage, in ``chunk_entries`` order) skips encoding
    the passages; the benchmarks use it to index synthesised vectors.
    """
    started = time.perf_counter()
    chunks = chunk_entries(corpus.entries)
    if vectors is None:
        vectors = embedder.encode([c.text for c in chunks], role="passage", show_progress=show_progress)
    elif len(vectors) != len(chunks):
        raise ValueError(f"{len(vectors)} vectors given for {len(chunks)} passages")
    numbers = [e.number for e in corpus.entries]
    kinds = np.array([c.kind.code for c in chunks], dtype=np.int8)
    engine = engine_data.engine_vectors(embedder)
    small = len(corpus) <= MAX_CLASSIFIER_ENTRIES
    phrasings = _phrasings(corpus, embedder) if small else None
    outside = phrasings.outside_vectors if phrasings is not None else engine.outside
    background = _background(outside, vectors, kinds)
    dense = DenseSearch.build(vectors, index_type)
    documents = [entry_document(e) for e in corpus.entries]
    lexical = LexicalSearch.build(documents)
    corpus_words = vocabulary(documents)
    classifier = _classifier(phrasings, len(corpus)) if phrasings is not None else None
    names = (
        NameVectors.build(documents, corpus_words, lambda texts: embedder.encode(texts, role="query"))
        if small
        else None
    )
    index = assemble(
        chunks,
        numbers,
        dense,
        lexical,
        {},
        words=corpus_words,
        scoring=background,
        classifier=classifier,
        smalltalk=_smalltalk(engine, phrasings, vectors, kinds),
        names=names,
    )
    if phrasings is not None and len(corpus) <= CV_MAX_ENTRIES:
        index.calibration = _cross_validated(corpus, chunks, vectors, phrasings, background)
    else:
        index.calibration = _outside_only(index, phrasings, engine)
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
            "scoring": {"question": round(background.question, 6), "answer": round(background.answer, 6)},
            "calibration": index.calibration.to_dict(),
            "classifier": None
            if classifier is None
            else {
                "classes": len(classifier.bias),
                "out_of_scope_examples": len(corpus.out_of_scope),
                "generic_outside_examples": len(engine_data.outside_questions()),
            },
            "build_seconds": round(time.perf_counter() - started, 3),
        }
    )
    index.manifest = manifest
    return index


def _smalltalk(
    engine: engine_data.EngineVectors, phrasings: _Phrasings | None, vectors: np.ndarray, kinds: np.ndarray
) -> IntentClassifier:
    if phrasings is not None:
        own = phrasings.vectors[[k != "stand-in" for k in phrasings.kind]]
    else:  # a large FAQ: a sample of its question passages
        own = vectors[kinds != ChunkKind.ANSWER.code]
    if len(own) > MAX_SMALLTALK_NEGATIVES:
        own = own[np.random.default_rng(SEED).choice(len(own), MAX_SMALLTALK_NEGATIVES, replace=False)]
    negatives = np.vstack([own, engine.outside, engine.followups])
    intents = [intent for intent, _ in engine_data.smalltalk_examples()]
    return IntentClassifier.train(engine.smalltalk, intents, negatives)


# --- calibration -----------------------------------------------------------------------


def _cross_validated(
    corpus: Corpus,
    chunks: list[Chunk],
    vectors: np.ndarray,
    p: _Phrasings,
    background: Background,
) -> Calibration:
    """Score every probe with an index built without it; fit the calibration on the scores."""
    has_alternates = any(k == "alternate" for k in p.kind)
    in_probes = [i for i, k in enumerate(p.kind) if k == ("alternate" if has_alternates else "question")]
    n_out = len(p.outside_text)
    rng = random.Random(SEED)
    in_fold = np.array([rng.randrange(FOLDS) for _ in in_probes], dtype=np.int64)
    out_fold = np.array([rng.randrange(FOLDS) for _ in range(n_out)], dtype=np.int64)
    in_scores, in_right, out_scores = [], [], []
    numbers = [e.number for e in corpus.entries]
    position = {n: i for i, n in enumerate(numbers)}
    for fold in range(FOLDS):
        held = {in_probes[j] for j in np.nonzero(in_fold == fold)[0]}
        held_texts = {(int(p.entry[i]), p.kind[i], p.text[i]) for i in held}
        keep_chunk = np.ones(len(chunks), dtype=bool)
        for j, c in enumerate(chunks):
            if (position[c.number], str(c.kind), c.text) in held_texts:
                keep_chunk[j] = False
        documents = []
        for pos, e in enumerate(corpus.entries):
            kept = [
                t
                for t in (e.question, *e.alternates)
                if (pos, "question" if t == e.question else "alternate", t) not in held_texts
            ]
            documents.append("\n".join([*kept, e.answer]))
        keep_example = np.array([i not in held for i in range(len(p.entry))], dtype=bool)
        keep_outside = out_fold != fold
        fold_chunks = [c for c, k in zip(chunks, keep_chunk) if k]
        index = assemble(
            fold_chunks,
            numbers,
            DenseSearch.build(vectors[keep_chunk], "flat"),
            LexicalSearch.build(documents),
            {},
            words=vocabulary(documents),
            scoring=background,
            classifier=_classifier(p, len(corpus), keep_example, keep_outside),
        )
        retriever = Retriever(index)
        for i in sorted(held):
            ranked = retriever.rank(p.text[i], p.vectors[i], k=1)
            in_scores.append(ranked[0].score if ranked else 0.0)
            in_right.append(bool(ranked) and ranked[0].number == numbers[int(p.entry[i])])
        for j in np.nonzero(~keep_outside)[0].tolist():
            ranked = retriever.rank(p.outside_text[j], p.outside_vectors[j], k=1)
            out_scores.append(ranked[0].score if ranked else 0.0)
    return calibrating.fit(np.array(in_scores), np.array(in_right), np.array(out_scores))


def _outside_only(index: SearchIndex, p: _Phrasings | None, engine: engine_data.EngineVectors) -> Calibration:
    """A large FAQ: the threshold from outside probes its classifier never saw, no in-scope CV."""
    if p is not None:
        held = np.arange(len(p.outside_text)) % FOLDS == 0
        texts = [t for t, h in zip(p.outside_text, held, strict=True) if h]
        vectors = p.outside_vectors[held]
        index = replace(index, classifier=_classifier(p, index.n_entries, keep_outside=~held))
    else:
        texts, vectors = list(engine_data.outside_questions()), engine.outside
    retriever = Retriever(index)
    scores = [
        r[0].score if (r := retriever.rank(t, v, k=1)) else 0.0 for t, v in zip(texts, vectors, strict=True)
    ]
    return calibrating.fit(np.zeros(0), np.zeros(0, dtype=bool), np.array(scores))


# --- open ----------------------------------------------------------------------------


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
    A folder faqbot does not own raises IndexFolderError (``index.check_folder``).
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
            write_index(index, folder)
        except OSError as exc:
            log.warning("cannot save the index in %s (%s); using it from memory", folder, exc)
        return index
    finally:
        lock.release()
