"""The plain JSON API: one request, one answer, every piece of state in the request.

* ``POST /api/ask`` — ``{"question": "...", "history": [...]}`` -> ``Answer.to_dict()``.
  ``history`` holds earlier turns, preferably the ``Answer`` dicts this endpoint
  returned (or just their ``query``, ``kind``, ``question_number`` and
  ``did_you_mean``); plain question strings work too.
* ``GET /api/entries`` — the FAQ's questions; ``GET /api/entries/{number}`` one entry.
* ``GET /healthz`` — 200 ``{"status": "ready", ...}`` once the model and index are
  loaded and warm (the server does not listen before that).
* ``GET /api/openapi.json`` — the schema of all of the above.

Errors are JSON ``{"error": code, "message": text}`` with a 4xx status: 400 for a
missing, empty or non-text question or a malformed history, 413 for a body over
the size limit (``guard.py``), 415 for a body that is not JSON, 429 (with
``Retry-After``) when one client address sends more questions a minute than the
server allows (``ratelimit.py``), 503 when more questions wait than the server
will queue. Never a traceback.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

import anyio
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..bot import FAQBot
from ..errors import QuestionError
from ..logs import UnansweredLog
from .ratelimit import AddressLimit, client_address

# One answer takes a few milliseconds of CPU on one thread: two at a time suit a
# 2-core machine; up to QUEUE_LIMIT more wait, and beyond that the server says busy.
CONCURRENCY = 2
QUEUE_LIMIT = 64


class PassageModel(BaseModel):
    number: int
    text: str
    score: float


class HitModel(BaseModel):
    number: int
    question: str
    score: float


class LinkModel(BaseModel):
    label: str
    url: str = Field(description="http(s), mailto or tel")


class ContactModel(BaseModel):
    text: str
    links: list[LinkModel]


class AnswerModel(BaseModel):
    """``Answer.to_dict()``: the FAQ answer (or the decline / small-talk sentence) and its source."""

    answer: str
    kind: Literal["faq", "declined", "smalltalk"]
    score: float = Field(description="confidence, 0..1")
    confidence: Literal["high", "medium", "low"]
    declined: bool
    question_number: int | None = Field(description="the source question; null unless kind is 'faq'")
    question: str | None
    passages: list[PassageModel]
    alternatives: list[HitModel]
    query: str = Field(description="the question as the bot read it")
    resolved_query: str | None
    notice: str | None
    repeated: bool
    did_you_mean: HitModel | None
    language: str
    intent: str | None
    contact: ContactModel | None = Field(
        default=None, description="how to reach a person (the FAQ's meta), on declines and when asked"
    )


class AskRequest(BaseModel):
    question: str = Field(
        description="the question, in the user's words", examples=["how long is my data kept?"]
    )
    history: list[Any] = Field(
        default_factory=list,
        description="earlier turns, oldest first: Answer dicts this API returned (preferred) "
        "or earlier questions as strings",
    )


class EntryModel(BaseModel):
    number: int
    question: str


class EntryDetail(EntryModel):
    answer: str


class EntriesModel(BaseModel):
    title: str
    entries: list[EntryModel]


class HealthModel(BaseModel):
    status: Literal["ready"]
    title: str
    entries: int
    model: str
    index_type: str


class ErrorModel(BaseModel):
    error: str
    message: str


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


class _Gate:
    """At most ``CONCURRENCY`` answers at once and ``QUEUE_LIMIT`` waiting; busy beyond."""

    def __init__(self) -> None:
        self.limiter = anyio.CapacityLimiter(CONCURRENCY)
        self._waiting = 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self._waiting >= QUEUE_LIMIT + CONCURRENCY:
                return False
            self._waiting += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self._waiting -= 1


def _question_problem(body: Any) -> str | None:
    """What is wrong with a request body, in words (None when it is fine)."""
    if not isinstance(body, dict):
        return 'The body must be a JSON object like {"question": "..."}.'
    if "question" not in body:
        return 'The body has no "question": send {"question": "your question"}.'
    if not isinstance(body["question"], str):
        return f'"question" must be text, not {type(body["question"]).__name__}.'
    if "history" in body and not isinstance(body["history"], list):
        return '"history" must be a list of earlier turns.'
    return None


def api_router(
    bot: FAQBot, unanswered: UnansweredLog | None = None, limit: AddressLimit | None = None
) -> APIRouter:
    """The JSON routes for ``bot`` (``unanswered``: the opt-in log of declined questions;
    ``limit``: the questions one client address may send, none when None)."""
    router = APIRouter()
    limit = limit or AddressLimit(0)
    gate = _Gate()
    entries = [EntryModel(number=e.number, question=e.question) for e in bot.entries]

    @router.post(
        "/api/ask",
        response_model=AnswerModel,
        responses={
            400: {"model": ErrorModel},
            413: {"model": ErrorModel},
            415: {"model": ErrorModel},
            429: {"model": ErrorModel},
            503: {"model": ErrorModel},
        },
        summary="Answer one question from the FAQ",
        openapi_extra={
            "requestBody": {
                "content": {"application/json": {"schema": AskRequest.model_json_schema()}},
                "required": True,
            }
        },
    )
    async def ask(request: Request) -> Any:
        verdict = limit.hit(client_address(request))
        if not verdict.allowed:
            response = error(429, "too_many_requests", verdict.message)
            response.headers["Retry-After"] = str(verdict.retry_after)
            return response
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return error(
                415, "unsupported_media_type", "Send the question as JSON (Content-Type: application/json)."
            )
        try:
            body = await request.json()
        except ValueError:
            return error(400, "bad_json", "The body is not valid JSON.")
        problem = _question_problem(body)
        if problem:
            return error(400, "bad_request", problem)
        if not gate.enter():
            return error(503, "busy", "The server is busy. Please try again in a moment.")
        try:
            answer = await anyio.to_thread.run_sync(
                lambda: bot.ask(body["question"], history=body.get("history") or None),
                limiter=gate.limiter,
            )
        except QuestionError as exc:
            return error(400, "bad_question", str(exc))
        finally:
            gate.leave()
        if unanswered is not None:
            unanswered.record(body["question"], answer)
        return answer.to_dict()

    @router.get("/api/entries", response_model=EntriesModel, summary="The FAQ's questions")
    def list_entries() -> Any:
        return {"title": bot.title, "entries": [e.model_dump() for e in entries]}

    @router.get(
        "/api/entries/{number}",
        response_model=EntryDetail,
        responses={404: {"model": ErrorModel}},
        summary="One FAQ entry, its question and answer",
    )
    def one_entry(number: int) -> Any:
        try:
            e = bot.entry(number)
        except KeyError:
            return error(404, "no_such_entry", f"The FAQ has no question {number}.")
        return {"number": e.number, "question": e.question, "answer": e.answer}

    @router.get("/healthz", response_model=HealthModel, summary="Ready once the model and index are loaded")
    def healthz() -> Any:
        return {
            "status": "ready",
            "title": bot.title,
            "entries": len(bot.corpus),
            "model": bot.embedder.info.name,
            "index_type": bot.index.index_type,
        }

    return router


def install_error_handlers(app: FastAPI) -> None:
    """Validation and unexpected errors as the API's JSON errors (never a traceback)."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error(400, "bad_request", f"{where or 'request'}: {first.get('msg', 'invalid')}")
