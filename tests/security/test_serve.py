"""`mzkb serve`: binds to 127.0.0.1 by default and serves only the site folder."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(small_kb: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "-c", str(small_kb), "-a", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/index.html")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("server did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield port
    proc.terminate()
    proc.wait(timeout=10)


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, response.read()


def test_serves_the_site_and_its_search(server):
    status, body = get(server, "/index.html")
    assert status == 200 and "测试知识库".encode() in body
    status, body = get(server, "/search/manifest.js")
    assert status == 200 and body.startswith(b"mzkbSearch.load(")


@pytest.mark.parametrize("path", ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc/passwd",
                                  "/site_config.yml", "/../site_config.yml", "/%2e%2e/content/notices/guide-1.md"])
def test_no_path_traversal(server, path):
    status, body = get(server, path)
    assert status != 200 or (b"root:" not in body and b"audiences" not in body and b"issuer:" not in body)


def test_default_address_is_loopback():
    from generator.cli import serve

    addr = next(p for p in serve.params if p.name == "addr")
    assert addr.default.startswith("127.0.0.1:")


def test_edit_shows_up_after_live_rebuild(server, small_kb: Path):
    """Saving a document makes the preview serve the new text (MkDocs' watcher rebuilds)."""
    doc = small_kb.parent / "content/guidelines/guide-2.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("每日消毒三次", "每日消毒五次"), encoding="utf-8")
    deadline = time.time() + 60
    while time.time() < deadline:
        status, body = get(server, "/guidelines/guide-2.html")
        if status == 200 and "每日消毒五次".encode() in body:
            return
        time.sleep(0.5)
    pytest.fail("the edit did not appear in the preview within 60 s")
