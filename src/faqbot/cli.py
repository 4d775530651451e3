"""The ``faqbot`` command: a thin layer over the library.

    faqbot ask "How long is my data kept?" [--json] [--corpus FAQ] [--index DIR]
    faqbot build [--corpus FAQ] [--index DIR] [--if-stale]
    faqbot serve [--host 127.0.0.1] [--port 7860] [--corpus FAQ] [--log-unanswered FILE]
                 [--log-feedback FILE] [--workers N]
    faqbot eval CASES.jsonl [--corpus FAQ] [--plot out.png] [--json]
    faqbot report LOG [LOG...] [--corpus FAQ] [--html F] [--markdown F] [--alternates-out F] [--json]
    faqbot lint CORPUS [--json]

Bad input (an empty question, a malformed FAQ file, a missing log) prints one
line to stderr and exits with status 2; no traceback is shown. ``lint`` exits 1
when it finds errors in the FAQ.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from .errors import CorpusError, FAQBotError, IndexFolderError, LogFileError, OutputFileError, QuestionError
from .limits import QUESTIONS_PER_MINUTE

EXIT_BAD_INPUT = 2


def _whole_number(text: str, least: int) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < least:
        raise argparse.ArgumentTypeError(f"must be {least} or more")
    return n


def _at_least_one(text: str) -> int:
    """argparse type: a whole number of 1 or more."""
    return _whole_number(text, 1)


def _not_negative(text: str) -> int:
    """argparse type: a whole number of 0 or more."""
    return _whole_number(text, 0)


def _add_corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--corpus", type=Path, help="FAQ file (.txt, .json, .jsonl, .csv); default: the bundled FAQ"
    )
    p.add_argument("--index", type=Path, help="index folder; default: index/ or <faq>.index/ beside the file")
    p.add_argument(
        "--model",
        help="embedding model: 'e5' (multilingual), 'minilm' (English) or a "
        "sentence-transformers folder; default: FAQBOT_MODEL or the bundled default",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="faqbot", description="Answer questions from a FAQ document, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question", help="the question, in quotes")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _add_corpus_args(p)

    p = sub.add_parser("build", help="build (or rebuild) the index of a FAQ")
    _add_corpus_args(p)
    p.add_argument("--if-stale", action="store_true", help="only when missing, stale or damaged")

    p = sub.add_parser("serve", help="start the web chat")
    _add_corpus_args(p)
    p.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--log-unanswered",
        type=Path,
        metavar="FILE",
        help="opt in: append questions the FAQ could not answer to FILE (JSONL), nothing else",
    )
    p.add_argument(
        "--log-feedback",
        type=Path,
        metavar="FILE",
        help="opt in: show thumbs up / down under replies and append each vote to FILE (JSONL: "
        "time, entry, kind, vote, confidence; the question too only with --log-unanswered)",
    )
    p.add_argument(
        "--workers",
        type=_at_least_one,
        default=1,
        metavar="N",
        help="processes answering the JSON API on one port (the chat page needs N=1 per replica)",
    )
    p.add_argument(
        "--rate-limit",
        type=_not_negative,
        default=QUESTIONS_PER_MINUTE,
        metavar="N",
        help=f"questions and votes one client address may send per minute (default {QUESTIONS_PER_MINUTE}; "
        "0: no limit; clients on this machine are never limited)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        metavar="NAME",
        help="a host name clients may use to reach the server (repeatable; '*' for any); "
        "loopback names are always allowed on a loopback bind",
    )

    p = sub.add_parser("eval", help="measure answer quality on labelled cases")
    p.add_argument("cases", type=Path, help="labelled cases (JSONL)")
    _add_corpus_args(p)
    p.add_argument(
        "--plot", type=Path, help="write score distributions and the threshold trade-off here (PNG)"
    )
    p.add_argument("--json", action="store_true", help="print the metrics as JSON")

    p = sub.add_parser(
        "report",
        help="group the questions in the opt-in logs and suggest FAQ changes",
        description="Group the questions of the unanswered and feedback logs (serve --log-unanswered, "
        "--log-feedback) and suggest, per group, alternates for an entry or a new entry. Reads only "
        "the logs given; writes only the files asked for.",
    )
    p.add_argument("logs", nargs="+", type=Path, metavar="LOG", help="log files (JSON lines)")
    _add_corpus_args(p)
    p.add_argument("--html", type=Path, metavar="FILE", help="also write a self-contained HTML report")
    p.add_argument("--markdown", type=Path, metavar="FILE", help="also write the report as Markdown")
    p.add_argument(
        "--alternates-out",
        type=Path,
        metavar="FILE",
        help='write the suggested alternates ({"9": [...]}) to FILE, to review and merge',
    )
    p.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")

    p = sub.add_parser(
        "lint",
        help="check a FAQ before publishing (exit 1 on errors)",
        description="Check a FAQ for duplicates, entries the bot confuses, answers off their "
        "question, misplaced alternates and missing sidecars. Exit 0: no errors; 1: errors; 2: bad file.",
    )
    p.add_argument("corpus", type=Path, metavar="CORPUS", help="FAQ file (.txt, .json, .jsonl, .csv)")
    p.add_argument("--model", help="embedding model, as for the other commands")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    return parser


def _bot(args: argparse.Namespace, rebuild: bool = False):
    from .bot import FAQBot

    return FAQBot.from_corpus(
        args.corpus, args.index, rebuild=rebuild, show_progress=sys.stderr.isatty(), model=args.model
    )


def cmd_ask(args: argparse.Namespace) -> int:
    from .question import prepare_question

    prepare_question(args.question)  # fail fast, before the model loads
    answer = _bot(args).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    import time

    started = time.perf_counter()
    bot = _bot(args, rebuild=not args.if_stale)
    m = bot.index.manifest
    counts = m.get("counts", {})
    classifier = m.get("classifier")
    learned = (
        f"phrasing classifier ({classifier['out_of_scope_examples']} out-of-scope examples)"
        if classifier
        else "no phrasing classifier"
    )
    print(
        f"index of {bot.title!r}: {counts.get('entries')} entries, {counts.get('passages')} passages, "
        f"{m.get('index_type')} index, {learned}, ready in {time.perf_counter() - started:.1f}s"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .server.run import main_settings, serve

    serve(main_settings(args))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate_file, format_report

    bot = _bot(args)
    report = evaluate_file(bot, args.cases)
    if args.plot:
        from .evaluate import plot_report

        plot_report(report, args.plot)
    if args.json:
        print(json.dumps(report.metrics, indent=2))
    else:
        print(format_report(report))
        if args.plot:
            print(f"plot written to {args.plot}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .authoring import report_render
    from .authoring.logfiles import read_logs
    from .authoring.report import build_report
    from .bundled import default_corpus_path

    outputs = {"html": args.html, "markdown": args.markdown, "alternates": args.alternates_out}
    corpus_path = args.corpus or default_corpus_path()
    logs = read_logs(args.logs)  # fail fast, before the model loads
    report_render.check_targets(corpus_path, inputs=args.logs, **outputs)
    report = build_report(_bot(args), logs)
    written = report_render.write_files(report, corpus_path, inputs=args.logs, **outputs)
    print(report_render.to_json(report) if args.json else report_render.to_text(report), end="")
    for line in written:
        print(line, file=sys.stderr if args.json else sys.stdout)
    return 0


def cmd_lint(args: argparse.Namespace) -> int:
    from .authoring import lint

    report = lint.lint_file(args.corpus, model=args.model)
    print(lint.to_json(report) if args.json else lint.to_text(report), end="")
    return report.exit_status


COMMANDS = {
    "ask": cmd_ask,
    "build": cmd_build,
    "serve": cmd_serve,
    "eval": cmd_eval,
    "report": cmd_report,
    "lint": cmd_lint,
}


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a non-UTF-8 terminal gets '?', not a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    logging.basicConfig(level=logging.WARNING, format="faqbot: %(message)s")
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except BrokenPipeError:  # `faqbot ask ... | head`: the reader left; stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (QuestionError, CorpusError, IndexFolderError, LogFileError, OutputFileError) as exc:
        print(f"faqbot: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except FAQBotError as exc:
        print(f"faqbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
