"""AddressLimit: how many questions and votes one client address may send per minute.

Every request that makes the server work or write is counted against its client
address: a typed question in the chat, ``POST /api/ask``, Gradio's ``/ask`` and a
feedback vote. Past ``per_minute`` in any 60 seconds (a moving window, from the
``limits`` library, in this process's memory) the address is refused until the
window moves on: the API answers 429 with ``Retry-After``, the chat says to wait
in the reader's language, and a vote is dropped. One script can then neither
monopolise the two answering threads nor stuff the opt-in logs.

* **Loopback clients are not limited.** A process on the server's own machine can
  do anything there anyway, and the tests and benchmarks drive the server from it.
* **Behind a proxy** the address is the one the proxy forwards (``X-Forwarded-For``),
  which uvicorn reads from proxies it trusts: 127.0.0.1 by default, others through
  its ``FORWARDED_ALLOW_IPS`` variable. ``deploy/haproxy.cfg`` forwards it. A
  proxy that does not would make every reader share its loopback address, and so
  go unlimited: the README's deployment section says so.
* **Per process.** ``--workers N`` and N replicas each keep their own count, so
  one address can send up to N times ``per_minute`` to the whole site.

Memory stays bounded: an address's entries expire with its window.
"""

from __future__ import annotations

import ipaddress
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Verdict:
    """Whether one request may go on, and if not, in how many seconds to try again."""

    allowed: bool
    retry_after: int = 0

    @property
    def message(self) -> str:
        """What a refused client is told (the API's error and Gradio's ``/ask``)."""
        return f"Too many questions from your address. Please wait {self.retry_after} s and ask again."


ALLOWED = Verdict(True)


def client_address(request: object) -> str | None:
    """The client address of a Starlette or Gradio request (a trusted proxy's
    ``X-Forwarded-For`` already applied by uvicorn); None when there is none."""
    return getattr(getattr(request, "client", None), "host", None)


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1 (and a missing address: an in-process caller)."""
    if not address:
        return True
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # not an IP address (a test client's name): counted like any other


class AddressLimit:
    """A moving-window budget of ``per_minute`` requests per client address (0: no limit)."""

    def __init__(self, per_minute: int):
        if per_minute < 0:
            raise ValueError("the rate limit must be 0 (none) or a positive number per minute")
        self.per_minute = per_minute
        self._item = RateLimitItemPerMinute(per_minute) if per_minute else None
        self._window = MovingWindowRateLimiter(MemoryStorage()) if per_minute else None

    def hit(self, address: str | None) -> Verdict:
        """Count one request from ``address``; refused once its budget for the window is spent."""
        if self._item is None or self._window is None or is_loopback(address):
            return ALLOWED
        key = str(address)
        if self._window.hit(self._item, key):
            return ALLOWED
        reset = self._window.get_window_stats(self._item, key).reset_time
        return Verdict(False, max(1, math.ceil(reset - time.time())))
