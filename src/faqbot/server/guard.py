"""RequestGuard: what every HTTP request must satisfy before any route sees it.

One pure-ASGI middleware in front of the whole server (the JSON API and the chat):

* **Size.** A body over ``limits.MAX_REQUEST_BYTES`` gets 413 before it is read:
  a ``Content-Length`` over the limit is refused at once, and a body without one
  (chunked) is read only up to the limit. So one request cannot make the server
  hold more than that, whatever it sends.
* **Host.** The ``Host`` header must name this server (the loopback names when
  it listens on loopback, else the names the operator allows). A page on another
  site that resolves its own name to 127.0.0.1 (DNS rebinding) gets 400.
* **Origin.** A POST from a browser page of another origin gets 403, so no web
  page can drive the chat or the API through a visitor's browser.
* **Routes faqbot does not use are closed** (404): Gradio's uploads (the app takes
  no files), its deep links (a stored copy of a session could carry content the
  bot never said; ``/?entry=N`` links are rebuilt from the FAQ instead), its file
  and proxy routes, run history, monitoring, profiling and live-coding routes. A
  page request that names a Gradio deep link is redirected to the plain page.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..limits import MAX_REQUEST_BYTES

Scope = dict
Message = dict
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")
CLOSED_PREFIXES = (
    "/gradio_api/upload",  # also upload_progress
    "/gradio_api/deep_link",
    "/gradio_api/process_recording",
    "/gradio_api/proxy=",
    "/gradio_api/file=",
    "/gradio_api/file/",
    "/gradio_api/stream/",
    "/gradio_api/run-history",
    "/gradio_api/runs",
    "/gradio_api/vibe",
    "/gradio_api/undo-vibe-edit",
    "/gradio_api/profiling",
    "/gradio_api/dev/",
    "/gradio_api/mcp",
    "/gradio_api/login",
    "/gradio_api/logout",
    "/gradio_api/token",
    "/monitoring",
    "/file=",
    "/upload",
    "/proxy=",
)


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The host names a server bound to ``bind`` answers to; None means any.

    Loopback binds answer to the loopback names only (plus ``extra``); other binds
    to ``extra`` when given, else to any name (such a server is reachable by
    address anyway, and DNS rebinding targets loopback services).
    """
    names = {h.strip().lower() for h in extra if h.strip()}
    if "*" in names:
        return None
    if bind in LOOPBACK_NAMES:
        return frozenset(names | set(LOOPBACK_NAMES))
    return frozenset(names | {bind.lower()}) if names else None


def _host_name(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):  # [::1]:7860
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class RequestGuard:
    """The middleware described in the module docstring."""

    def __init__(
        self,
        app: ASGIApp,
        hosts: frozenset[str] | None,
        max_body: int = MAX_REQUEST_BYTES,
    ):
        self.app = app
        self.hosts = hosts
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path = scope.get("path", "")
        method = scope.get("method", "GET")
        if self.hosts is not None:
            host = _host_name(headers.get("host", ""))
            if host not in self.hosts:
                await _reply(send, 400, "bad_host", "This server does not answer to that host name.")
                return
            origin = headers.get("origin")
            if origin and method not in ("GET", "HEAD", "OPTIONS"):
                origin_host = (urlsplit(origin).hostname or origin).lower()
                if origin_host not in self.hosts and f"[{origin_host}]" not in self.hosts:
                    await _reply(send, 403, "bad_origin", "Requests from other web sites are not accepted.")
                    return
        if any(path.startswith(prefix) for prefix in CLOSED_PREFIXES):
            await _reply(send, 404, "not_found", "Not found.")
            return
        query = scope.get("query_string", b"").decode("latin-1")
        if "deep_link" in query and method in ("GET", "HEAD"):
            kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "deep_link"]
            location = path + ("?" + urlencode(kept) if kept else "")
            await _redirect(send, location)
            return
        length = headers.get("content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_body:
                await _too_large(send, self.max_body)
                return
            await self.app(scope, receive, send)
            return
        if headers.get("transfer-encoding", "").lower() == "chunked" or method in ("POST", "PUT", "PATCH"):
            body, complete = await _read_up_to(receive, self.max_body)
            if not complete:
                await _too_large(send, self.max_body)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self.app(scope, receive, send)


async def _read_up_to(receive: Receive, limit: int) -> tuple[bytes, bool]:
    """The body, if it fits in ``limit`` bytes; (partial, False) as soon as it does not."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return b"", False
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _reply(send: Send, status: int, error: str, message: str, extra: list | None = None) -> None:
    body = json.dumps({"error": error, "message": message}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        *(extra or []),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, limit: int) -> None:
    await _reply(
        send,
        413,
        "too_large",
        f"The request is too large: at most {limit:,} bytes are accepted.",
    )


async def _redirect(send: Send, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 302,
            "headers": [(b"location", location.encode("latin-1")), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})
