"""The web app under a bounded burst, on loopback: every request answered correctly or shed
with a clear "busy, try again", and memory that levels off.

A server of its own (so its memory and its history are this test's): 32 concurrent
clients send REQUESTS questions through the JSON API (the same two calls
``gradio_client`` makes), checking each answer; then an overload of OVERLOAD
simultaneous submissions must be partly shed with HTTP 503 "Queue is full" while
every accepted one is still answered correctly; then the server must answer as
before. Everything stops by itself: bounded counts, bounded timeouts.

Stated memory bound (resident set of the server process): after a warm-up of
WARMUP requests, the burst may grow it by at most BURST_GROWTH_MB in all and by at
most TAIL_GROWTH_MB over its second half. Gradio keeps ~55 KB per session
(each API call is one) for the newest ``server.chat.SESSION_CAPACITY`` sessions; with its
default of 10,000 the second half alone grew ~24 MB (with 500: ~6 MB).
"""

from __future__ import annotations

import asyncio
import json
import os

import httpx
import pytest
from web_helpers import api_base, parse_call_stream, rss_mb, running_server

pytestmark = pytest.mark.server

CLIENTS = 32
REQUESTS = int(os.environ.get("FAQBOT_LOAD_REQUESTS", "1000"))
WARMUP = 100
OVERLOAD = 240
BURST_GROWTH_MB = 100
TAIL_GROWTH_MB = 15
REQUEST_TIMEOUT = 300  # seconds per request; a guard against hangs, not a timing assertion

CASES = [
    ("How long does New Mexico keep the data it shares with ICE?", 9),
    ("Is New Mexico required to share my benefits data with ICE?", 2),
    ("Can I see or correct the data about me that was shared with ICE?", 10),
    ("What's the weather in Albuquerque tomorrow?", None),
]


async def ask(client: httpx.AsyncClient, base: str, question: str) -> tuple[str, object]:
    r = await client.post(
        f"{base}/call/ask",
        content=json.dumps({"data": [question]}),
        headers={"content-type": "application/json"},
    )
    if r.status_code != 200:
        return "http", (r.status_code, r.text)
    r2 = await client.get(f"{base}/call/ask/{r.json()['event_id']}")
    return parse_call_stream(r2.text)


def check(result: tuple[str, object], expected: int | None) -> str:
    """'ok', 'shed' (a clear busy answer), or a description of what went wrong."""
    status, payload = result
    if status == "complete":
        got = payload.get("question_number")
        return (
            "ok"
            if got == expected and payload["declined"] == (expected is None)
            else f"wrong answer {got}, expected {expected}"
        )
    if status == "http" and payload[0] == 503 and "Queue is full" in payload[1]:
        return "shed"
    return f"failed: {status} {str(payload)[:300]}"


async def burst(base: str, n: int, clients: int, pid: int, samples: list[float]) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    sem = asyncio.Semaphore(clients)
    done = 0
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:

        async def one(i: int) -> None:
            nonlocal done
            question, expected = CASES[i % len(CASES)]
            async with sem:
                outcome = check(await ask(client, base, question), expected)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            done += 1
            if done % 100 == 0:
                samples.append(rss_mb(pid))

        await asyncio.gather(*(one(i) for i in range(n)))
    return outcomes


async def overload(base: str, n: int) -> dict[str, int]:
    """n submissions at once, each then waits for its result (no client-side limit)."""
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as client:
        results = await asyncio.gather(*(ask(client, base, CASES[i % len(CASES)][0]) for i in range(n)))
    outcomes: dict[str, int] = {}
    for i, result in enumerate(results):
        outcome = check(result, CASES[i % len(CASES)][1])
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def test_burst_is_answered_correctly_overload_is_shed_and_memory_levels_off(tmp_path):
    from faqbot.server import chat as ui

    with running_server(log=tmp_path / "server.log", cwd=tmp_path) as (proc, url):
        base = api_base(url)
        warm: list[float] = []
        assert asyncio.run(burst(base, WARMUP, 8, proc.pid, warm)) == {"ok": WARMUP}
        before = rss_mb(proc.pid)

        samples: list[float] = []
        outcomes = asyncio.run(burst(base, REQUESTS, CLIENTS, proc.pid, samples))
        after = rss_mb(proc.pid)
        problems = {k: v for k, v in outcomes.items() if k not in ("ok", "shed")}
        assert problems == {}, outcomes
        if ui.QUEUE_MAX_SIZE >= CLIENTS:  # the queue holds every waiting client: none is turned away
            assert outcomes == {"ok": REQUESTS}

        half = samples[len(samples) // 2 - 1] if len(samples) >= 2 else before
        report = f"RSS MB: before {before:.0f}, samples {[round(s) for s in samples]}, after {after:.0f}"
        print(report)
        assert after - before <= BURST_GROWTH_MB, report
        assert after - half <= TAIL_GROWTH_MB, report

        shed = asyncio.run(overload(base, OVERLOAD))
        assert set(shed) <= {"ok", "shed"}, shed
        assert shed.get("shed", 0) > 0, (
            f"{OVERLOAD} at once with a queue of {ui.QUEUE_MAX_SIZE}: expected some 'busy'"
        )
        assert shed.get("ok", 0) >= ui.CONCURRENCY_LIMIT, shed

        assert asyncio.run(burst(base, 20, 4, proc.pid, [])) == {"ok": 20}  # recovered
        assert proc.poll() is None
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-3000:]


def test_clients_see_busy_please_try_again():
    """What a shed request looks like to people: gradio_client raises QueueError "Queue is
    full! Please try again."; the web page shows "This application is currently busy.
    Please try again." (both are Gradio's texts for the 503 checked above)."""
    import gradio
    import gradio_client.client as client_module

    assert "Please try again" in open(client_module.__file__, encoding="utf-8").read()
    assets = os.path.join(os.path.dirname(gradio.__file__), "templates", "frontend", "assets")
    found = False
    for name in os.listdir(assets):
        if name.endswith(".js"):
            with open(os.path.join(assets, name), encoding="utf-8", errors="replace") as f:
                if "This application is currently busy. Please try again." in f.read():
                    found = True
                    break
    assert found
