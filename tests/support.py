"""Test helpers shared by the tests that talk to a local `mzkb serve` over loopback.

Importable as `support` (pyproject's pytest `pythonpath` puts tests/ on the path).
"""

from __future__ import annotations

import http.client
import socket
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, str]:
    """One GET on 127.0.0.1:port; a request that hangs fails after 10 s instead of blocking the test."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, response.read().decode("utf-8", "replace")


def wait_until(check, what: str, seconds: float = 90) -> None:
    """Poll check() until it is true; a refused connection (server not up yet) counts as not yet."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"{what}: not within {seconds} s")
