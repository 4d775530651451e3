"""``faqbot serve``: load and warm the bot, then listen (one process, or N worker processes).

The model and index load, and one question runs through, before the port accepts
connections: the first reader after a (re)start gets a warm answer, and a load
balancer's ``/healthz`` check passes only once a replica can answer.

With ``workers > 1`` uvicorn runs that many processes on one port for the JSON
API. The Gradio chat keeps each conversation's queue in one process, so it is
not served then; to replicate the chat, run one process per replica behind a
load balancer with sticky sessions (``deploy/haproxy.cfg``).
"""

from __future__ import annotations

import json
import os
import socket
from dataclasses import asdict, dataclass, field

from ..errors import FAQBotError
from ..limits import QUESTIONS_PER_MINUTE
from .app import DEFAULT_HOST, DEFAULT_PORT, create_app

WORKER_SETTINGS = "FAQBOT_SERVE_SETTINGS"  # how the parent passes settings to worker processes


@dataclass(frozen=True)
class ServeSettings:
    """Everything ``faqbot serve`` was told (JSON-ready, so worker processes get it too)."""

    corpus: str | None = None
    index_dir: str | None = None
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    log_unanswered: str | None = None
    log_feedback: str | None = None
    model: str | None = None
    extra_hosts: list[str] = field(default_factory=list)
    workers: int = 1
    rate_limit: int = QUESTIONS_PER_MINUTE


def load_bot(settings: ServeSettings):
    """The bot, loaded and warm (one question already answered)."""
    from ..bot import FAQBot

    bot = FAQBot.from_corpus(settings.corpus, settings.index_dir, model=settings.model)
    bot.warm()
    return bot


def app_for_worker():
    """The app of one worker process (``uvicorn --factory``), from the parent's settings."""
    settings = ServeSettings(**json.loads(os.environ[WORKER_SETTINGS]))
    return create_app(
        load_bot(settings),
        host=settings.host,
        port=settings.port,
        extra_hosts=settings.extra_hosts,
        log_unanswered=settings.log_unanswered,
        rate_limit=settings.rate_limit,
        chat=False,
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise FAQBotError(
            f"cannot listen on {host}:{port} ({exc.strerror}). "
            f"Is another server using port {port}? Try --port {port + 1}."
        ) from exc
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _uvicorn_options(settings: ServeSettings) -> dict:
    return {
        "log_level": "warning",
        "access_log": False,
        "server_header": False,
        "date_header": False,
        "timeout_graceful_shutdown": 5,
        "timeout_keep_alive": 5,
    }


def serve(settings: ServeSettings) -> None:
    """Run the server until interrupted (Ctrl+C)."""
    import uvicorn

    local = settings.host in ("127.0.0.1", "localhost", "::1")
    reach = "this machine only" if local else f"reachable on {settings.host}"
    url = f"http://{'[' + settings.host + ']' if ':' in settings.host else settings.host}:{settings.port}"
    if settings.workers > 1:
        _bind(settings.host, settings.port).close()  # a clear error now, rather than uvicorn's exit
        os.environ[WORKER_SETTINGS] = json.dumps(asdict(settings))
        print(
            f"faqbot: the JSON API is at {url}/api/ask ({reach}), {settings.workers} worker "
            "processes (the chat page is served by single-process replicas only); Ctrl+C stops.",
            flush=True,
        )
        uvicorn.run(
            "faqbot.server.run:app_for_worker",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            **_uvicorn_options(settings),
        )
        return
    bot = load_bot(settings)
    sock = _bind(settings.host, settings.port)
    app = create_app(
        bot,
        host=settings.host,
        port=settings.port,
        extra_hosts=settings.extra_hosts,
        log_unanswered=settings.log_unanswered,
        log_feedback=settings.log_feedback,
        rate_limit=settings.rate_limit,
    )
    server = uvicorn.Server(uvicorn.Config(app, **_uvicorn_options(settings)))
    print(f"faqbot: the chat is at {url} ({reach}); press Ctrl+C to stop.", flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


def main_settings(args) -> ServeSettings:
    """Settings from parsed ``faqbot serve`` arguments."""
    return ServeSettings(
        corpus=str(args.corpus) if args.corpus else None,
        index_dir=str(args.index) if args.index else None,
        host=args.host,
        port=args.port,
        log_unanswered=str(args.log_unanswered) if args.log_unanswered else None,
        log_feedback=str(args.log_feedback) if args.log_feedback else None,
        model=args.model,
        extra_hosts=list(args.allow_host or []),
        workers=args.workers,
        rate_limit=args.rate_limit,
    )
