"""Where the bundled FAQ and its prebuilt index live.

In an installed wheel they are package data (``faqbot._bundled_corpus`` and
``faqbot._bundled_index``, mapped from the checkout's ``corpus/`` and ``index/``
in ``pyproject.toml``). In an editable install from a source checkout those
packages do not exist, and the checkout's own ``corpus/`` and ``index/`` are
used. ``FAQBOT_CORPUS`` and ``FAQBOT_INDEX`` override both.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

CORPUS_FILE = "new-mexico-benefits-data-ice.txt"
_CHECKOUT = Path(__file__).resolve().parents[2]  # src/faqbot -> the project folder


def _package_dir(package: str, checkout_folder: str) -> Path:
    # The data packages have no __init__.py (they are plain folders): find_spec gives their
    # folder (importlib.resources would give a MultiplexedPath, not a path).
    try:
        spec = importlib.util.find_spec(package)
    except ModuleNotFoundError:
        spec = None
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return _CHECKOUT / checkout_folder  # an editable install: the source checkout's folder


def bundled_corpus() -> Path:
    """The bundled FAQ file (not the override)."""
    return _package_dir("faqbot._bundled_corpus", "corpus") / CORPUS_FILE


def bundled_index() -> Path:
    """The bundled FAQ's prebuilt index folder."""
    return _package_dir("faqbot._bundled_index", "index")


def default_corpus_path() -> Path:
    """The FAQ ``ask()`` answers from: ``FAQBOT_CORPUS``, else the bundled one."""
    return Path(os.environ.get("FAQBOT_CORPUS") or bundled_corpus())


def default_index_dir(corpus_path: Path) -> Path:
    """Where a corpus's index lives: the bundled index for the bundled FAQ, else beside the file.

    ``FAQBOT_INDEX`` overrides it.
    """
    if os.environ.get("FAQBOT_INDEX"):
        return Path(os.environ["FAQBOT_INDEX"])
    if corpus_path.resolve() == bundled_corpus().resolve():
        return bundled_index()
    return corpus_path.with_name(corpus_path.stem + ".index")
