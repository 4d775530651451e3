"""``python -m benchmarks``: measure, write ``results.json``, render ``RESULTS.md`` from it.

    python -m benchmarks                      # everything (`make bench`)
    python -m benchmarks --quick              # every section, small sizes and few rounds
    python -m benchmarks --only warm cold     # some sections
    python -m benchmarks --model e5           # treat e5 as the default model in this run
    python -m benchmarks --render             # re-render RESULTS.md from results.json

Sections run in this order: warm, scale, cold, server, throughput (cold after
the others that load the models, so the page cache is warm as on a machine in use).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from . import cold, context, report, scale, server, targets, throughput, warm
from .measure import HERE, LoadWatch, log, machine

SECTIONS = ("warm", "scale", "cold", "server", "throughput")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", nargs="+", metavar="SECTION", help=f"sections to run: {', '.join(SECTIONS)}"
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds (a smoke run)")
    parser.add_argument("--model", help="the model this run treats as the default (default: faqbot's)")
    parser.add_argument("--out-dir", type=Path, default=HERE, help="where results.json and RESULTS.md go")
    parser.add_argument("--keep", action="store_true", help="keep the scale section's corpora and indexes")
    parser.add_argument("--render", action="store_true", help="only re-render RESULTS.md from results.json")
    args = parser.parse_args(argv)
    only = [s for part in (args.only or []) for s in part.split(",") if s]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    args.sections = [s for s in SECTIONS if not only or s in only]
    return args


def command_line(argv: list[str]) -> str:
    shown = "python -m benchmarks" + "".join(f" {a}" for a in argv)
    return f"make bench (= {shown})" if os.environ.get("MAKELEVEL") and not argv else shown


def run(args: argparse.Namespace, argv: list[str]) -> dict:
    started = time.perf_counter()
    watch = LoadWatch()
    results: dict = {
        "meta": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": command_line(argv),
            "quick": args.quick,
            "sections": args.sections,
            "full": not args.quick and list(args.sections) == list(SECTIONS),
            "machine": machine(),
        },
        "sections": {},
        "section_load": {},
        "errors": {},
    }
    log("models and indexes")
    bs = context.backends(args.model)
    results["meta"]["backends"] = context.as_json(bs)
    results["meta"]["default"] = context.default_of(bs).name
    try:
        for name in args.sections:
            t0, mark = time.perf_counter(), watch.mark()
            try:
                if name == "warm":
                    data = warm.section(bs, args.quick)
                elif name == "scale":
                    data = scale.section(bs, args.quick)
                elif name == "cold":
                    data = cold.section(bs, args.quick)
                elif name == "server":
                    data = server.section(bs, args.quick)
                else:
                    data = throughput.section(bs, args.quick)
                results["sections"][name] = data
            except Exception as exc:  # reported, and the other sections still run
                log(f"{name} failed: {exc}")
                results["errors"][name] = "".join(traceback.format_exception_only(exc)).strip()[-3000:]
            results["section_load"][name] = {
                **watch.between(mark, watch.mark()),
                "elapsed_s": time.perf_counter() - t0,
            }
    finally:
        watch.stop()
        if not args.keep:
            shutil.rmtree(scale.SCALE, ignore_errors=True)
    results["meta"]["elapsed_s"] = time.perf_counter() - started
    results["meta"]["load"] = watch.between(0, float("inf"))
    results["targets"] = targets.evaluate(results)
    return results


def finite(data: object) -> object:
    """The results with NaN (a figure that could not be measured) as null: strict JSON."""
    if isinstance(data, float) and math.isnan(data):
        return None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [finite(v) for v in data]
    return data


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    json_path, md_path = args.out_dir / "results.json", args.out_dir / "RESULTS.md"
    if args.render:
        results = json.loads(json_path.read_text(encoding="utf-8"))
    else:
        text = json.dumps(finite(run(args, argv)), indent=1) + "\n"
        args.out_dir.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text, encoding="utf-8")
        results = json.loads(text)  # render what was written, so --render gives the same page
    md_path.write_text(report.render(results), encoding="utf-8")
    log(f"wrote {json_path} and {md_path}")
    for t in results["targets"]:
        log(f"  {'met' if t['met'] else 'NOT MET'}: {t['target']} [{t['backend'] or '-'}]: {t['measured']}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
