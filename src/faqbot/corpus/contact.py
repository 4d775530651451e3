"""A FAQ's human contact: who to reach when the FAQ is not enough (a hotline, an office).

Given in the ``.meta.json`` sidecar as::

    "contact": {"text": "Call the benefits hotline, weekdays 8-5.",
                "links": [{"label": "Call 1-800-555-0100", "url": "tel:+18005550100"},
                          {"label": "Email us", "url": "mailto:help@example.org"},
                          {"label": "Office hours", "url": "https://example.org/offices"}]}

Only ``http:``/``https:`` (with a host), ``mailto:`` and ``tel:`` links are
accepted: a link is shown to people as something to click, so anything else
(``javascript:``, ``file:``, ``data:``, a relative path) is refused.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..models import Contact, Link
from ._text import bad_character, one_line

MAX_URL_CHARS = 2000
_URL_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f\"'<>\\`]")
_TEL = re.compile(r"\+?[0-9][0-9().\-]*(;[A-Za-z0-9=\-.]*)*")
_MAILBOX = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class ContactError(ValueError):
    """What is wrong with a contact; the caller names the file.

    ``value`` is the offending string when there is one (to find its line).
    """

    def __init__(self, message: str, value: str | None = None) -> None:
        super().__init__(message)
        self.value = value


def contact_from_json(value: object) -> Contact | None:
    """The ``contact`` value of a meta sidecar as a Contact (None if absent); ContactError if bad."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ContactError('"contact" must be an object: {"text": ..., "links": [...]}')
    text = value.get("text")
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise ContactError('"contact" "text" must be a string')
    _check_text(text, '"contact" "text"')
    raw_links = value.get("links")
    if raw_links is None:
        raw_links = []
    if not isinstance(raw_links, list):
        raise ContactError('"contact" "links" must be a list of {"label": ..., "url": ...}')
    links = tuple(_link(item, n) for n, item in enumerate(raw_links, start=1))
    if not text.strip() and not links:
        raise ContactError('"contact" needs a "text" or at least one link')
    return Contact(text.strip(), links)


def check_url(url: str) -> str | None:
    """Why ``url`` is not an accepted contact link, or None if it is."""
    if not url:
        return "is empty"
    if len(url) > MAX_URL_CHARS:
        return f"is longer than {MAX_URL_CHARS} characters"
    if _URL_FORBIDDEN.search(url) or bad_character(url):
        return "contains spaces, quotes, angle brackets or control characters"
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in ("http", "https", "mailto", "tel"):
        return "must start with https://, http://, mailto: or tel:"
    if scheme == "tel":
        return None if _TEL.fullmatch(rest) else "is not a phone number (tel:+1-505-555-0100)"
    if scheme == "mailto":
        address = rest.split("?", 1)[0]
        return None if _MAILBOX.fullmatch(address) else "is not an email address"
    try:
        parts = urlsplit(url)
        hostname, _port = parts.hostname, parts.port  # .port raises ValueError on a bad port
    except ValueError:
        return "is not a valid web address"
    if not rest.startswith("//") or not hostname:
        return "has no host (https://example.org/...)"
    return None


def _link(item: object, n: int) -> Link:
    where = f'"contact" link {n}'
    if not isinstance(item, dict):
        raise ContactError(f'{where} must be an object: {{"label": ..., "url": ...}}')
    label, url = item.get("label"), item.get("url")
    if not isinstance(label, str) or not label.strip():
        raise ContactError(f'{where} needs a "label" (the words shown)')
    _check_text(label, f'{where} "label"')
    if not isinstance(url, str):
        raise ContactError(f'{where} needs a "url"')
    url = url.strip()
    problem = check_url(url)
    if problem:
        shown = url if len(url) <= 60 else url[:59] + "…"
        raise ContactError(f"{where} url {shown!r} {problem}", value=url)
    return Link(one_line(label), url)


def _check_text(text: str, what: str) -> None:
    bad = bad_character(text)
    if bad:
        raise ContactError(f"{what} contains {bad}")
