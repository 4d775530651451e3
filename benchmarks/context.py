"""The embedding backends a run measures, and an index of the bundled FAQ for each.

faqbot has two bundled backends (``faqbot.embedders.CHOICES``: ``e5`` and
``minilm``); its default is ``faqbot.embedders.DEFAULT`` at run time, and
``python -m benchmarks --model NAME`` makes another one the run's default.

The committed ``index/`` serves the model it was built with. For the other
backend an index of the same FAQ is built once into ``benchmarks/_work/`` and
reused by later runs (``open_index`` checks it against the corpus and the model,
so a stale one is rebuilt): the benchmark never rewrites the committed index.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

from .measure import ROOT, WORK, log, run_worker


@dataclass
class Backend:
    name: str  # "e5" or "minilm": what `--model` takes
    available: bool
    model: str | None = None  # the model's own name
    reason: str | None = None  # why it cannot run here
    default: bool = False  # the run's default
    faqbot_default: bool = False  # faqbot.embedders.DEFAULT
    index: str | None = None  # None: the committed index/ serves it
    index_build_s: float | None = None  # when this run had to build that index

    def model_args(self) -> list[str]:
        """``--model NAME`` unless faqbot picks this model by itself."""
        return [] if self.faqbot_default else ["--model", self.name]

    def cli_args(self) -> list[str]:
        """Arguments of `faqbot ask` / `faqbot serve` for the bundled FAQ with this backend."""
        return self.model_args() + (["--index", self.index] if self.index else [])


def build_nm_index(model: str, folder: str) -> dict:
    """Worker: load (or build and save) the bundled FAQ's index for ``model`` in ``folder``."""
    from faqbot import FAQBot

    t = time.perf_counter()
    bot = FAQBot.from_corpus(None, folder, model=model)
    return {"s": time.perf_counter() - t, "model": bot.embedder.info.name}


def backends(run_default: str | None = None) -> dict[str, Backend]:
    """Every bundled backend, available or not, with an index of the bundled FAQ."""
    from faqbot.bundled import bundled_index
    from faqbot.embedders import CHOICES, DEFAULT, locate
    from faqbot.errors import ModelError

    run_default = run_default or DEFAULT
    if run_default not in CHOICES:
        raise SystemExit(f"--model must be one of {', '.join(CHOICES)}")
    try:
        committed = json.loads((bundled_index() / "manifest.json").read_text(encoding="utf-8"))["model"]
    except (OSError, ValueError, KeyError):
        committed = {}
    out: dict[str, Backend] = {}
    for name in CHOICES:
        b = Backend(name, available=True, default=name == run_default, faqbot_default=name == DEFAULT)
        try:
            info = locate(name)
        except ModelError as exc:
            b.available, b.reason = False, str(exc)
            out[name] = b
            continue
        b.model = info.name
        if (committed.get("backend"), committed.get("sha256")) != (info.backend, info.sha256):
            folder = WORK / f"nm-index-{name}"
            fresh = not (folder / "manifest.json").exists()
            if fresh:
                log(f"building an index of the bundled FAQ for {name} in {folder}")
            built = run_worker("benchmarks.context:build_nm_index", model=name, folder=str(folder))
            b.index = str(folder.relative_to(ROOT))  # every child process runs in ROOT
            b.index_build_s = built["s"] if fresh else None
        out[name] = b
    if not out[run_default].available:
        raise SystemExit(f"the run's default model {run_default} cannot run here: {out[run_default].reason}")
    return out


def as_json(bs: dict[str, Backend]) -> dict:
    return {name: asdict(b) for name, b in bs.items()}


def from_json(data: dict) -> dict[str, Backend]:
    return {name: Backend(**b) for name, b in data.items()}


def default_of(bs: dict[str, Backend]) -> Backend:
    return next(b for b in bs.values() if b.default)


def available(bs: dict[str, Backend]) -> list[Backend]:
    """Available backends, the run's default first."""
    return sorted((b for b in bs.values() if b.available), key=lambda b: not b.default)
