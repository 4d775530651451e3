"""The web server: the JSON API and the Gradio chat on one port (``faqbot serve``).

* ``guard.py`` — the request guard in front of everything (size, host, origin, closed routes);
* ``ratelimit.py`` — how many questions and votes one client address may send a minute;
* ``api.py``   — ``POST /api/ask``, ``GET /api/entries``, ``GET /healthz``, the OpenAPI schema;
* ``chat.py``  — the Gradio chat page and its ``/ask`` endpoint for ``gradio_client``;
* ``app.py``   — composes them into one FastAPI app;
* ``run.py``   — loads and warms the bot, then runs uvicorn (one process or N workers).
"""

from .app import DEFAULT_HOST, DEFAULT_PORT, create_app
from .run import ServeSettings, serve

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServeSettings", "create_app", "serve"]
