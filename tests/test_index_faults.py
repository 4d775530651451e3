"""Damaged, stale, forged and unwritable index folders.

Every fault must be detected: the bot rebuilds the index (or, when it cannot
write, answers from an in-memory build and logs a warning) and never answers
from an index that does not match the FAQ and the model. The committed
``index/`` and ``corpus/`` are never touched: each test works on copies.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from fakes import HashEmbedder

from faqbot import FAQBot, IndexMismatchError, load_corpus
from faqbot._files import file_sha256
from faqbot.build import build_index
from faqbot.index import MANIFEST, PASSAGES, VECTORS, load_index, read_manifest, save_index

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "corpus" / "new-mexico-benefits-data-ice.txt"
# Worded so that the hashed-words stand-in below answers it (it has no sense of meaning).
RETENTION_Q = "How long is my data kept?"
HANG_GUARD = 300  # seconds; a guard against hangs, not a timing assertion
# The faults are the index's, not the model's: a hashed-words stand-in keeps these tests fast.
# The two tests that run separate processes use the real model (and are marked slow).
FAKE = HashEmbedder()


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """A copy of the bundled FAQ (with its sidecar) and a good index of it, built once."""
    root = tmp_path_factory.mktemp("golden")
    for f in SOURCE.parent.glob(SOURCE.stem + "*"):
        shutil.copy(f, root / f.name)
    corpus = load_corpus(root / SOURCE.name)
    save_index(build_index(corpus, FAKE), root / "index")
    return root


@pytest.fixture()
def faq(tmp_path, golden):
    """(corpus file, index folder) copies for one test to damage."""
    for f in golden.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    shutil.copytree(golden / "index", tmp_path / "index")
    return tmp_path / SOURCE.name, tmp_path / "index"


@pytest.fixture(scope="module")
def other_index(tmp_path_factory):
    """A good index of a different 3-entry FAQ, to swap files from."""
    root = tmp_path_factory.mktemp("other")
    src = root / "other.txt"
    src.write_text(
        "1. When is the office open?\nNine to five.\n2. Where do I park?\nBehind the building.\n"
        "3. Is there wifi?\nYes, it is free.\n",
        encoding="utf-8",
    )
    save_index(build_index(load_corpus(src), FAKE), root / "index")
    return root / "index"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def assert_rebuilt_and_answers(corpus_path: Path, index_dir: Path, golden: Path, caplog) -> FAQBot:
    """The bot notices, rebuilds in place, and answers from an index equal to a good one."""
    with caplog.at_level(logging.INFO, logger="faqbot.index"):
        bot = FAQBot.from_corpus(corpus_path, index_dir=index_dir, embedder=FAKE)
    assert any("building index" in r.getMessage() for r in caplog.records), "the fault was not noticed"
    reference = load_index(golden / "index", load_corpus(golden / SOURCE.name), bot.embedder)
    assert bot.index.chunk_text == reference.chunk_text
    assert load_index(index_dir, bot.corpus, bot.embedder).chunk_text == reference.chunk_text  # saved
    assert not list(index_dir.glob(".staging-*")), "staging folder left behind"
    assert bot.ask(RETENTION_Q).question_number == 9
    return bot


def cases(names, in_fast_loop):
    """Every case runs in `make test`; `make check` keeps one per kind of fault (the rebuild is
    what costs, and it is the same rebuild whatever the damage)."""
    return [pytest.param(n, marks=() if n in in_fast_loop else pytest.mark.slow) for n in names]


# --- damaged files ----------------------------------------------------------------


def _truncate(p: Path) -> None:
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _garbage(p: Path) -> None:
    p.write_bytes(os.urandom(p.stat().st_size))


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _flip_one_byte(p: Path) -> None:
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x01
    p.write_bytes(bytes(data))


DAMAGE = {
    "vectors-truncated": (VECTORS, _truncate),
    "vectors-garbage": (VECTORS, _garbage),
    "vectors-empty": (VECTORS, _empty),
    "vectors-one-bit": (VECTORS, _flip_one_byte),
    "passages-truncated": (PASSAGES, _truncate),
    "passages-garbage": (PASSAGES, _garbage),
    "bm25-vocab-garbage": ("bm25/vocab.index.json", _garbage),
    "bm25-matrix-one-bit": ("bm25/data.csc.index.npy", _flip_one_byte),
    "manifest-truncated": (MANIFEST, _truncate),
    "manifest-garbage": (MANIFEST, _garbage),
    "manifest-empty": (MANIFEST, _empty),
    "vectors-missing": (VECTORS, Path.unlink),
    "manifest-missing": (MANIFEST, Path.unlink),
    "bm25-missing": ("bm25", shutil.rmtree),
}


@pytest.mark.parametrize("name", cases(DAMAGE, {"vectors-one-bit", "manifest-garbage"}))
def test_damaged_file_is_detected_and_rebuilt(faq, golden, caplog, name):
    corpus_path, index_dir = faq
    rel, damage = DAMAGE[name]
    damage(index_dir / rel)
    with pytest.raises(IndexMismatchError):
        load_index(index_dir, load_corpus(corpus_path), FAKE)
    assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)


# --- stale or foreign manifests ------------------------------------------------------


def _edit_manifest(index_dir: Path, edit) -> None:
    m = read_manifest(index_dir)
    edit(m)
    (index_dir / MANIFEST).write_text(json.dumps(m), encoding="utf-8")


MANIFEST_EDITS = {
    "another-model": lambda m: m["model"].update(
        name="sentence-transformers/all-mpnet-base-v2", sha256="0" * 64
    ),
    "another-corpus": lambda m: m["corpus"].update(sha256="f" * 64),
    "future-format": lambda m: m.update(format_version=99),
    "other-chunking": lambda m: m.update(chunking_version=-1),
    "other-engine-data": lambda m: m["engine_data"].update(sha256="0" * 64),
    "wrong-entry-count": lambda m: m["counts"].update(entries=19),
    "emptied": lambda m: m.clear(),
    "no-file-list": lambda m: m.pop("files"),
}


@pytest.mark.parametrize("name", cases(MANIFEST_EDITS, {"another-model"}))
def test_stale_or_foreign_manifest_is_refused_and_rebuilt(faq, golden, caplog, name):
    corpus_path, index_dir = faq
    _edit_manifest(index_dir, MANIFEST_EDITS[name])
    with pytest.raises(IndexMismatchError):
        load_index(index_dir, load_corpus(corpus_path), FAKE)
    assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)


def test_edited_faq_makes_the_index_stale_and_the_new_text_is_answered(faq, golden, caplog):
    corpus_path, index_dir = faq
    text = corpus_path.read_text(encoding="utf-8").replace("24 months", "36 months")
    corpus_path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.INFO, logger="faqbot.index"):
        bot = FAQBot.from_corpus(corpus_path, index_dir=index_dir, embedder=FAKE)
    assert any("stale" in r.getMessage() for r in caplog.records)
    a = bot.ask(RETENTION_Q)
    assert a.question_number == 9 and "36 months" in a.answer
    assert any("36 months" in t for t in bot.index.chunk_text)  # passages are the new text


@pytest.mark.slow  # make check keeps one fault of each kind; make test runs all
def test_file_swapped_in_from_another_index_is_out_of_step(faq, golden, other_index, caplog):
    corpus_path, index_dir = faq
    shutil.copy(other_index / PASSAGES, index_dir / PASSAGES)
    assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)


@pytest.mark.parametrize(
    "swap",
    [
        [VECTORS],
        pytest.param([PASSAGES], marks=pytest.mark.slow),
        pytest.param([VECTORS, PASSAGES], marks=pytest.mark.slow),
        pytest.param([VECTORS, PASSAGES, "bm25"], marks=pytest.mark.slow),
    ],
)
def test_forged_manifest_over_another_index_is_never_used(faq, golden, other_index, caplog, swap):
    """Files of another FAQ's index, with a manifest re-signed to match them: the digests pass,
    so only the content checks (entry numbers, vector count vs passage count) stand between
    the user and a wrong answer."""
    corpus_path, index_dir = faq
    for rel in swap:
        if (other_index / rel).is_dir():
            shutil.rmtree(index_dir / rel)
            shutil.copytree(other_index / rel, index_dir / rel)
        else:
            shutil.copy(other_index / rel, index_dir / rel)
    files = {
        str(p.relative_to(index_dir)): file_sha256(p)
        for p in index_dir.rglob("*")
        if p.is_file() and p.name not in (MANIFEST, ".lock")
    }
    _edit_manifest(index_dir, lambda m: m.update(files=files))
    with pytest.raises(IndexMismatchError):
        load_index(index_dir, load_corpus(corpus_path), FAKE)
    assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)


def test_passage_text_out_of_step_with_a_re_signed_manifest_is_refused(faq, golden, caplog):
    """Same count, same numbers, different words: the passage table must match the FAQ."""
    corpus_path, index_dir = faq
    table = json.loads((index_dir / PASSAGES).read_text(encoding="utf-8"))
    for p in table["passages"]:
        if p["number"] == 9:
            p["text"] = p["text"].replace("24 months", "forever")
    (index_dir / PASSAGES).write_text(json.dumps(table), encoding="utf-8")
    _edit_manifest(index_dir, lambda m: m["files"].update({PASSAGES: file_sha256(index_dir / PASSAGES)}))
    with pytest.raises(IndexMismatchError):
        load_index(index_dir, load_corpus(corpus_path), FAKE)
    bot = assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)
    assert not any("forever" in p.text for p in bot.ask(RETENTION_Q).passages)


# --- missing and unwritable folders ----------------------------------------------------


@pytest.mark.slow  # make check keeps one fault of each kind; make test runs all
def test_missing_index_folder_is_built_and_saved(faq, golden, caplog):
    corpus_path, index_dir = faq
    shutil.rmtree(index_dir)
    assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)


def test_index_whose_parent_is_a_regular_file_answers_from_memory(faq, caplog):
    """Unwritable, simulated honestly for root: the index path's parent is a regular file,
    so mkdir fails with NotADirectoryError whatever the user's privileges."""
    corpus_path, _ = faq
    blocker = corpus_path.parent / "not-a-folder"
    blocker.write_text("I am a file")
    with caplog.at_level(logging.WARNING, logger="faqbot.index"):
        bot = FAQBot.from_corpus(corpus_path, index_dir=blocker / "index", embedder=FAKE)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("in-memory" in w and str(blocker) in w for w in warnings), warnings
    assert bot.ask(RETENTION_Q).question_number == 9
    assert blocker.read_text() == "I am a file"


@pytest.mark.slow  # make check keeps one fault of each kind; make test runs all
def test_index_path_that_is_a_file_answers_from_memory(faq, caplog):
    corpus_path, _ = faq
    target = corpus_path.parent / "index-file"
    target.write_bytes(b"\x00garbage")
    with caplog.at_level(logging.WARNING, logger="faqbot.index"):
        bot = FAQBot.from_corpus(corpus_path, index_dir=target, embedder=FAKE)
    assert any(r.levelno >= logging.WARNING for r in caplog.records)
    assert bot.ask(RETENTION_Q).question_number == 9
    assert target.read_bytes() == b"\x00garbage"


def test_write_refused_by_the_os_answers_from_memory_and_leaves_files_alone(faq, caplog, monkeypatch):
    """Unwritable, simulated by monkeypatching: every write into the folder raises
    PermissionError (what a read-only index/ gives a normal user)."""
    import faqbot.index as index_module

    corpus_path, index_dir = faq
    _truncate(index_dir / VECTORS)
    before = snapshot(index_dir)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(index_dir))

    monkeypatch.setattr(index_module.tempfile, "mkdtemp", refuse)
    with caplog.at_level(logging.WARNING, logger="faqbot.index"):
        bot = FAQBot.from_corpus(corpus_path, index_dir=index_dir, embedder=FAKE)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("cannot save" in w and "Permission denied" in w for w in warnings), warnings
    assert bot.ask(RETENTION_Q).question_number == 9  # answered from the in-memory build
    assert snapshot(index_dir) == before  # the damaged files were not half-replaced


def test_crash_half_way_through_a_save_is_never_trusted(faq, golden, caplog, monkeypatch):
    """os.replace fails after the first file moved: the old manifest is already gone,
    so the half-written folder reads as 'no index' and the next open rebuilds it."""
    import faqbot.index as index_module

    corpus_path, index_dir = faq
    real_replace = os.replace
    calls = {"n": 0}

    def flaky_replace(src, dst):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(index_module.os, "replace", flaky_replace)
    with caplog.at_level(logging.WARNING, logger="faqbot.index"):
        bot = FAQBot.from_corpus(corpus_path, index_dir=index_dir, rebuild=True, embedder=FAKE)
    assert bot.ask(RETENTION_Q).question_number == 9
    assert any("No space left" in r.getMessage() for r in caplog.records)
    monkeypatch.setattr(index_module.os, "replace", real_replace)
    with pytest.raises(IndexMismatchError):
        load_index(index_dir, bot.corpus, bot.embedder)
    caplog.clear()
    assert_rebuilt_and_answers(corpus_path, index_dir, golden, caplog)


def _can_bind_mount_read_only() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("mount"):
        return False
    r = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return r.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_bind_mount_read_only(), reason="needs root with unshare -m and mount")
def test_really_read_only_index_folder_answers_from_memory(faq, tmp_path):
    """A real read-only folder for root: the damaged index is bind-mounted read-only in a
    private mount namespace (`unshare -m`), so writes fail with EROFS even for root and
    the mount disappears with the process."""
    corpus_path, index_dir = faq
    _garbage(index_dir / VECTORS)
    (index_dir / ".lock").unlink(missing_ok=True)
    before = snapshot(index_dir)
    script = textwrap.dedent(
        f"""
        import logging, sys
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
        probe = {str(index_dir)!r} + "/probe"
        try:
            open(probe, "w")
            sys.exit("the folder is writable; the mount did not work")
        except OSError as exc:
            print("write refused:", exc.strerror, flush=True)
        from faqbot import FAQBot
        bot = FAQBot.from_corpus({str(corpus_path)!r}, index_dir={str(index_dir)!r})
        print("ANSWER", bot.ask({RETENTION_Q!r}).question_number, flush=True)
        """
    )
    cmd = (
        f"mount --bind '{index_dir}' '{index_dir}' && mount -o remount,bind,ro '{index_dir}' && "
        f"exec '{sys.executable}' -c \"$SCRIPT\""
    )
    r = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", cmd],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env=dict(os.environ, SCRIPT=script, HF_HUB_OFFLINE="1"),
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "write refused: Read-only file system" in r.stdout
    assert "ANSWER 9" in r.stdout
    assert "WARNING" in r.stderr and "in-memory" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert snapshot(index_dir) == before  # nothing was written


# --- two processes at once --------------------------------------------------------------

BUILDER = """
import sys
from faqbot import FAQBot
for _ in range(3):
    bot = FAQBot.from_corpus(sys.argv[1], index_dir=sys.argv[2], rebuild=True)
    assert bot.ask(sys.argv[3]).question_number == 9, "wrong answer"
bot = FAQBot.from_corpus(sys.argv[1], index_dir=sys.argv[2])
print("OK", bot.ask(sys.argv[3]).question_number, flush=True)
"""


@pytest.mark.slow
def test_two_processes_rebuilding_at_once_do_not_corrupt_the_index(faq):
    """Two processes each rebuild and save the same folder three times, at the same time;
    the file lock serialises the saves, so every load in between and after is whole."""
    corpus_path, index_dir = faq
    _garbage(index_dir / VECTORS)
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", BUILDER, str(corpus_path), str(index_dir), RETENTION_Q],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    for p in procs:
        out, err = p.communicate(timeout=HANG_GUARD)
        assert p.returncode == 0 and out.strip() == "OK 9", out + err
    from faqbot.chunking import chunk_entries
    from faqbot.embedders import shared_embedder

    corpus = load_corpus(corpus_path)
    loaded = load_index(index_dir, corpus, shared_embedder())  # raises if anything is torn
    assert loaded.chunk_text == [c.text for c in chunk_entries(corpus.entries)]
    assert not list(index_dir.glob(".staging-*"))
