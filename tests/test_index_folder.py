"""An index folder faqbot does not own is never written into (``index.check_folder``).

``faqbot build --index DIR`` and ``FAQBot.from_corpus(index_dir=DIR)`` write only into a
new or empty folder, or one holding a faqbot index; never through a symbolic link.
Everything else is refused with a message that names the folder, before anything is
deleted or replaced.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fakes import HashEmbedder

from faqbot import FAQBot, IndexFolderError, load_corpus
from faqbot.build import build_index
from faqbot.index import BM25_DIR, MANIFEST, save_index

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "corpus" / "new-mexico-benefits-data-ice.txt"


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built():
    """A small index in memory (hashed-words stand-in for the model)."""
    corpus = load_corpus(SOURCE)
    return corpus, build_index(corpus, HashEmbedder())


@pytest.fixture()
def someones_folder(tmp_path):
    """A folder of someone's own files, some with the names faqbot writes."""
    folder = tmp_path / "notes"
    (folder / BM25_DIR).mkdir(parents=True)
    (folder / BM25_DIR / "thesis.tex").write_text("my thesis", encoding="utf-8")
    (folder / MANIFEST).write_text('{"project": "mine"}', encoding="utf-8")
    (folder / "passages.json").write_text("[1, 2, 3]", encoding="utf-8")
    (folder / "todo.txt").write_text("buy milk", encoding="utf-8")
    return folder


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(built, someones_folder):
    _, index = built
    before = tree(someones_folder)
    with pytest.raises(IndexFolderError, match="not a faqbot index") as caught:
        save_index(index, someones_folder)
    assert str(someones_folder) in str(caught.value) and "todo.txt" in str(caught.value)
    assert tree(someones_folder) == before


def test_the_bot_refuses_it_too_before_building(built, someones_folder):
    before = tree(someones_folder)
    with pytest.raises(IndexFolderError):
        FAQBot.from_corpus(SOURCE, index_dir=someones_folder, embedder=HashEmbedder())
    assert tree(someones_folder) == before


def test_a_symbolic_link_is_not_followed(built, someones_folder, tmp_path):
    _, index = built
    link = tmp_path / "index-link"
    link.symlink_to(someones_folder, target_is_directory=True)
    before = tree(someones_folder)
    with pytest.raises(IndexFolderError, match="symbolic link"):
        save_index(index, link)
    assert tree(someones_folder) == before


def test_a_linked_bm25_folder_inside_an_index_is_not_written_through(built, tmp_path):
    _, index = built
    folder, elsewhere = tmp_path / "index", tmp_path / "elsewhere"
    save_index(index, folder)
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("keep", encoding="utf-8")
    for p in (folder / BM25_DIR).iterdir():
        p.unlink()
    (folder / BM25_DIR).rmdir()
    (folder / BM25_DIR).symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(IndexFolderError, match="symbolic link"):
        save_index(index, folder)
    assert tree(elsewhere) == {"keep.txt": b"keep"}


@pytest.mark.parametrize("state", ["new", "empty", "faqbot's own"])
def test_a_new_empty_or_faqbot_folder_is_written(built, tmp_path, state):
    _, index = built
    folder = tmp_path / "index"
    if state == "empty":
        folder.mkdir()
    if state == "faqbot's own":
        save_index(index, folder)
        (folder / "old-notes.txt").write_text("an operator's note", encoding="utf-8")
    save_index(index, folder)
    assert (folder / MANIFEST).is_file()
    if state == "faqbot's own":  # a faqbot index may hold other files; they are left alone
        assert (folder / "old-notes.txt").read_text(encoding="utf-8") == "an operator's note"


@pytest.mark.slow
def test_faqbot_build_on_a_foreign_folder_says_so_in_one_line(someones_folder):
    before = tree(someones_folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "faqbot", "build", "--index", str(someones_folder)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 2
    assert "not a faqbot index" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert tree(someones_folder) == before
