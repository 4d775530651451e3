"""Run one function of this package in a fresh process and print its JSON result.

    python -m benchmarks.worker benchmarks.warm:worker '{"model": "e5", "n": 200}'

The parent (``measure.run_worker``) reads the one line tagged ``BENCH-RESULT``.
A fresh process per measurement means each starts cold and its memory is its own.
"""

from __future__ import annotations

import importlib
import json
import sys

from .measure import emit


def main(argv: list[str]) -> int:
    target, kwargs = argv[0], json.loads(argv[1]) if len(argv) > 1 else {}
    module, func = target.split(":")
    emit(getattr(importlib.import_module(module), func)(**kwargs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
