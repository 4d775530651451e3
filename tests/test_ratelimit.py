"""The per-address rate limit (``server/ratelimit.py``): the budget itself, then a running server.

The server tests send ``X-Forwarded-For`` from loopback. uvicorn trusts 127.0.0.1 as a
proxy by default, so each value is a distinct remote client, exactly as behind HAProxy
(``deploy/haproxy.cfg`` forwards the client's address); without the header the client is
loopback, which is never limited.
"""

from __future__ import annotations

import time

import httpx
import pytest

from faqbot.server.ratelimit import AddressLimit, is_loopback

REMOTE = "203.0.113.7"  # documentation addresses (RFC 5737): remote clients
OTHER = "198.51.100.2"


def test_an_address_gets_its_budget_then_is_told_when_to_come_back():
    limit = AddressLimit(3)
    assert [limit.hit(REMOTE).allowed for _ in range(4)] == [True, True, True, False]
    refused = limit.hit(REMOTE)
    assert not refused.allowed and 1 <= refused.retry_after <= 60
    assert limit.hit(OTHER).allowed  # each address has its own budget


def test_the_window_moves_on(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    limit = AddressLimit(2)
    assert limit.hit(REMOTE).allowed and limit.hit(REMOTE).allowed
    assert limit.hit(REMOTE).retry_after == 60
    now[0] += 30
    assert limit.hit(REMOTE).retry_after == 30  # the first hit leaves the window in 30 s
    now[0] += 31
    assert limit.hit(REMOTE).allowed


@pytest.mark.parametrize("address", ["127.0.0.1", "127.0.0.53", "::1", None])
def test_loopback_clients_are_never_limited(address):
    limit = AddressLimit(1)
    assert is_loopback(address)
    assert all(limit.hit(address).allowed for _ in range(20))


@pytest.mark.parametrize("address", [REMOTE, "2001:db8::1", "testclient"])
def test_other_clients_are_counted(address):
    assert not is_loopback(address)
    limit = AddressLimit(1)
    assert limit.hit(address).allowed and not limit.hit(address).allowed


def test_zero_means_no_limit_and_a_negative_limit_is_refused():
    limit = AddressLimit(0)
    assert all(limit.hit(REMOTE).allowed for _ in range(500))
    with pytest.raises(ValueError, match="0 \\(none\\) or a positive number"):
        AddressLimit(-1)


def test_serve_refuses_a_bad_rate_limit(capsys):
    from faqbot.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["serve", "--rate-limit", "-5"])
    assert exc.value.code == 2 and "must be 0 or more" in capsys.readouterr().err


# --- a running `faqbot serve --rate-limit 2` ------------------------------------------------


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory):
    from web_helpers import running_server

    log = tmp_path_factory.mktemp("limited") / "server.log"
    with running_server("--rate-limit", "2", log=log) as (_proc, url):
        yield url


def _api(url: str, address: str | None) -> httpx.Response:
    headers = {"X-Forwarded-For": address} if address else {}
    return httpx.post(
        url + "api/ask", json={"question": "how long is my data kept?"}, headers=headers, timeout=60
    )


@pytest.mark.server
def test_the_json_api_answers_429_past_an_address_budget(limited_server):
    first = [_api(limited_server, "203.0.113.21").status_code for _ in range(2)]
    refused = _api(limited_server, "203.0.113.21")
    assert first == [200, 200]
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"] == "too_many_requests" and "wait" in refused.json()["message"]
    assert _api(limited_server, "203.0.113.22").status_code == 200  # another reader is not affected
    assert all(_api(limited_server, None).status_code == 200 for _ in range(4))  # loopback: never


@pytest.mark.server
def test_the_chat_says_to_wait_and_gradio_ask_refuses_past_the_budget(limited_server):
    from web_helpers import api_ask, chat_submit, message_texts, visible_text

    headers = {"X-Forwarded-For": "203.0.113.31"}
    replies = []
    for _ in range(3):
        done = chat_submit(limited_server, "how long is my data kept?", headers=headers)
        assert done.get("success"), done
        replies.append(visible_text(message_texts(done["output"]["data"][0])[-1]))
    assert "Source: Question 9" in replies[0] and "Source: Question 9" in replies[1]
    assert "many questions in a short time" in replies[2] and "Source" not in replies[2]
    # the chat and Gradio's /ask share the address's budget
    status, detail = api_ask(limited_server, "how long is my data kept?", headers=headers)
    assert status == "error" and "Too many questions" in str(detail)
    status, detail = api_ask(limited_server, "how long is my data kept?", headers={"X-Forwarded-For": OTHER})
    assert status == "complete" and detail["question_number"] == 9


@pytest.mark.server
@pytest.mark.browser
def test_in_a_browser_past_the_budget_the_reader_is_asked_to_wait_in_spanish(chromium, limited_server):
    from browser_helpers import PHONE, Visit

    visit = Visit(
        chromium,
        limited_server,
        PHONE,
        phone=True,
        locale="es-MX",
        headers={"X-Forwarded-For": "203.0.113.41"},
    )
    try:
        for _ in range(2):
            visit.ask("¿Cuánto tiempo guardan mis datos?")
            assert "pregunta 9" in visit.last_reply().lower()
        visit.ask("¿Y por cuánto tiempo?")
        assert "Ha enviado muchas preguntas en poco tiempo. Espere un minuto" in visit.last_reply()
        assert visit.page.locator("#faq-input textarea").is_editable()  # the box still works
        assert visit.external == [] and visit.dialogs == []
    finally:
        visit.close()
