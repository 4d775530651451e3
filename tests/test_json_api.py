"""The plain JSON API (``server/api.py``): one request, one answer, clear 4xx errors.

Most tests run the API's routes in-process (Starlette's ``TestClient``, the real
model and index); the last ones ask the running ``faqbot serve`` over HTTP, where
the request guard (size limit, Host and Origin checks) sits in front.
"""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from faqbot.server.api import api_router, install_error_handlers

RETENTION = "how long is my data kept?"


@pytest.fixture(scope="module")
def client(bot):
    app = FastAPI(openapi_url="/api/openapi.json")
    app.include_router(api_router(bot))
    install_error_handlers(app)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def ask(client, body, **kw):
    return client.post("/api/ask", json=body, **kw)


def test_past_its_budget_an_address_gets_429_with_retry_after(bot):
    from faqbot.server.ratelimit import AddressLimit

    app = FastAPI()
    app.include_router(api_router(bot, limit=AddressLimit(2)))
    install_error_handlers(app)
    with TestClient(app) as c:  # its address, "testclient", is not loopback: it is counted
        codes = [ask(c, {"question": RETENTION}).status_code for _ in range(2)]
        refused = ask(c, {"question": RETENTION})
    assert codes == [200, 200] and refused.status_code == 429
    assert refused.json()["error"] == "too_many_requests" and int(refused.headers["retry-after"]) >= 1


def test_a_question_is_answered_with_its_source_number(client, bot):
    r = ask(client, {"question": RETENTION})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    d = r.json()
    assert d["kind"] == "faq" and d["question_number"] == 9
    assert d["answer"] == bot.entry(9).answer  # word for word
    assert d == bot.ask(RETENTION).to_dict() | {"contact": d["contact"]}


def test_an_uncovered_question_is_declined_with_the_closest_questions(client):
    d = ask(client, {"question": "what is the capital of France?"}).json()
    assert d["kind"] == "declined" and d["declined"] is True and d["question_number"] is None
    assert d["alternatives"] and all({"number", "question", "score"} <= set(h) for h in d["alternatives"])


def test_a_decline_carries_the_faqs_contact(client, bot):
    d = ask(client, {"question": "can I talk to a real person?"}).json()
    assert bot.corpus.contact is not None
    assert d["contact"]["text"] == bot.corpus.contact.text


def test_history_of_returned_answers_reads_a_follow_up(client):
    first = ask(client, {"question": "Does HSD share SNAP data with ICE?"}).json()
    follow = ask(client, {"question": "and how long do they keep it?", "history": [first]}).json()
    assert follow["kind"] == "faq" and follow["question_number"] == 9
    assert ask(
        client, {"question": "and how long do they keep it?", "history": ["Does HSD share SNAP data?"]}
    )


def test_a_history_from_another_faq_is_no_server_error(client):
    """An Answer dict naming an entry this FAQ lacks (another FAQ, an older edition)."""
    first = ask(client, {"question": "Does HSD share SNAP data with ICE?"}).json()
    first["question_number"] = 99
    response = ask(client, {"question": "what about Medicaid?", "history": [first]})
    assert response.status_code == 200 and response.json()["kind"] in ("faq", "declined")


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({}, 'no "question"'),
        ([RETENTION], "JSON object"),
        ({"question": 42}, "must be text"),
        ({"question": None}, "must be text"),
        ({"question": RETENTION, "history": "earlier"}, "must be a list"),
    ],
)
def test_a_malformed_request_is_a_400_that_says_what_is_wrong(client, body, fragment):
    r = ask(client, body)
    assert r.status_code == 400
    assert r.json()["error"] == "bad_request" and fragment in r.json()["message"]


@pytest.mark.parametrize("question", ["", "   ", "\x00\x00"])
def test_an_empty_question_is_a_400(client, question):
    r = ask(client, {"question": question})
    assert r.status_code == 400 and r.json()["error"] == "bad_question"


def test_a_body_that_is_not_json_is_refused(client):
    r = client.post("/api/ask", content=b"question=hello", headers={"content-type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"] == "unsupported_media_type"
    r = client.post("/api/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"] == "bad_json"


def test_entries_list_every_question_and_one_entry_has_its_answer(client, bot):
    d = client.get("/api/entries").json()
    assert d["title"] == bot.title
    assert [e["number"] for e in d["entries"]] == [e.number for e in bot.entries]
    one = client.get("/api/entries/9").json()
    assert one == {"number": 9, "question": bot.entry(9).question, "answer": bot.entry(9).answer}
    missing = client.get("/api/entries/999")
    assert missing.status_code == 404 and missing.json()["error"] == "no_such_entry"
    assert client.get("/api/entries/nine").status_code == 400


def test_healthz_says_ready_with_what_is_loaded(client, bot):
    d = client.get("/healthz").json()
    assert d == {
        "status": "ready",
        "title": bot.title,
        "entries": len(bot.corpus),
        "model": bot.embedder.info.name,
        "index_type": bot.index.index_type,
    }


def test_the_openapi_schema_describes_the_request_and_the_answer(client):
    schema = client.get("/api/openapi.json").json()
    ask_op = schema["paths"]["/api/ask"]["post"]
    assert "question" in json.dumps(ask_op["requestBody"])
    answer = schema["components"]["schemas"]["AnswerModel"]["properties"]
    assert {"answer", "question_number", "kind", "alternatives", "contact", "language"} <= set(answer)
    assert {"400", "413", "415", "503"} <= set(ask_op["responses"])


# --- the real server, guard in front ---------------------------------------------------


@pytest.mark.server
def test_the_readme_curl_example_works_against_the_server(ui_server):
    r = httpx.post(
        ui_server.url + "api/ask",
        content=json.dumps({"question": RETENTION}),
        headers={"content-type": "application/json"},
        timeout=60,
    )
    assert r.status_code == 200 and r.json()["question_number"] == 9
    assert httpx.get(ui_server.url + "healthz", timeout=30).json()["status"] == "ready"


@pytest.mark.server
def test_server_errors_are_json_without_a_traceback(ui_server):
    start = ui_server.log.stat().st_size
    bad = httpx.post(ui_server.url + "api/ask", json={"question": ["x"]}, timeout=60)
    huge = httpx.post(ui_server.url + "api/ask", json={"question": "x" * 200_000}, timeout=60)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_request"
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"
    with open(ui_server.log, "rb") as f:
        f.seek(start)
        assert b"Traceback" not in f.read()
