"""The web server's app: the JSON API and the chat on one port, behind one guard.

``create_app(bot, ...)`` composes a FastAPI app: the routes of ``api.py``, the
Gradio chat of ``chat.py`` mounted at ``/`` (unless ``chat=False``), and the
``RequestGuard`` of ``guard.py`` in front of everything. The bot is loaded and
warm before the app exists, so the server never listens before it can answer.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from .. import render
from ..bot import FAQBot
from ..limits import QUESTIONS_PER_MINUTE
from ..logs import FeedbackLog, UnansweredLog
from .api import api_router, install_error_handlers
from .guard import RequestGuard, allowed_hosts
from .ratelimit import AddressLimit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def _private_gradio_dir() -> None:
    """Gradio's upload / cache folder: a fresh private one per process (uploads are closed
    anyway), so nothing a session stored there can outlive the server or be shared."""
    if "GRADIO_TEMP_DIR" not in os.environ:
        os.environ["GRADIO_TEMP_DIR"] = tempfile.mkdtemp(prefix="faqbot-gradio-")


def create_app(
    bot: FAQBot,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    extra_hosts: Iterable[str] = (),
    log_unanswered: str | Path | None = None,
    log_feedback: str | Path | None = None,
    chat: bool = True,
    rate_limit: int = QUESTIONS_PER_MINUTE,
) -> FastAPI:
    """The whole server for ``bot``: JSON API, chat (optional), request guard.

    ``log_feedback`` (opt-in) keeps the chat's thumbs up / down votes; only the chat has them.
    ``rate_limit``: questions and votes per minute per client address (``ratelimit.py``; 0: none),
    one budget shared by the API and the chat.
    """
    limit = AddressLimit(rate_limit)
    unanswered = UnansweredLog(log_unanswered) if log_unanswered else None
    feedback = (
        FeedbackLog(log_feedback, with_questions=unanswered is not None) if log_feedback and chat else None
    )
    app = FastAPI(
        title=f"faqbot: {bot.title}",
        description="Answers questions from a FAQ with the matched answer and its source question number.",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: nothing leaves the machine
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(api_router(bot, unanswered, limit))
    if chat:
        _private_gradio_dir()
        import gradio as gr

        from .chat import CSS, HEAD, JS, SESSION_CAPACITY, build_chat, theme

        blocks = build_chat(bot, unanswered, feedback, limit)
        blocks.state_session_capacity = SESSION_CAPACITY
        app = gr.mount_gradio_app(
            app,
            blocks,
            path="/",
            server_name=host,
            server_port=port,
            footer_links=["api"],
            run_history=False,
            show_error=False,
            ssr_mode=False,
            enable_monitoring=False,
            pwa=False,
            mcp_server=False,
            max_file_size=0,
            theme=theme(),
            css=CSS,
            js=JS,
            head=HEAD,
        )
    else:

        @app.get("/", response_class=HTMLResponse, include_in_schema=False)
        def index() -> str:
            return (
                f"<!doctype html><title>{render.html_text(bot.title)}</title>"
                "<p>This server answers through its JSON API (POST /api/ask); "
                "see /api/openapi.json.</p>"
            )

    app.add_middleware(RequestGuard, hosts=allowed_hosts(host, extra_hosts))
    return app
