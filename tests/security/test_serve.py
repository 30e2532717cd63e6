"""`mzkb serve`: binds to 127.0.0.1 by default and serves only the site folder."""

from __future__ import annotations

import http.client
import json
import re
import socket
import subprocess
import sys
import shutil
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(config: Path):
    """``mzkb serve`` of ``config`` on a free port, running once it answers; yields the port."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mzkb.cli", "serve", "-c", str(config), "-a", f"127.0.0.1:{port}"],
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


@pytest.fixture
def server(small_kb: Path):
    """A preview of its own (for a test that edits the knowledge base)."""
    yield from start(small_kb)


@pytest.fixture(scope="module")
def shared_kb(tmp_path_factory) -> Path:
    """One copy of the small site for the tests that only read from the preview."""
    target = tmp_path_factory.mktemp("serve") / "kb"
    shutil.copytree(FIXTURES / "sites" / "small", target)
    return target / "site_config.yml"


@pytest.fixture(scope="module")
def reader(shared_kb: Path):
    """One preview shared by the tests that only send requests (none of them edits a file)."""
    yield from start(shared_kb)


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, response.read()


def test_serves_the_site_and_its_search(reader):
    status, body = get(reader, "/index.html")
    assert status == 200 and "测试知识库".encode() in body
    status, body = get(reader, "/search/manifest.js")
    assert status == 200 and body.startswith(b"mzkbSearch.load(")


@pytest.mark.parametrize("path", ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc/passwd",
                                  "/site_config.yml", "/../site_config.yml", "/%2e%2e/content/notices/guide-1.md"])
def test_no_path_traversal(reader, path):
    status, body = get(reader, path)
    assert status != 200 or (b"root:" not in body and b"audiences" not in body and b"issuer:" not in body)


def test_default_address_is_loopback():
    from mzkb.cli import serve

    addr = next(p for p in serve.params if p.name == "addr")
    assert addr.default.startswith("127.0.0.1:")


def wait_for(server, path: str, text: str) -> bytes:
    deadline = time.time() + 60
    while time.time() < deadline:
        status, body = get(server, path)
        if status == 200 and text.encode() in body:
            return body
        time.sleep(0.3)
    pytest.fail(f"{text} did not appear in {path} within 60 s")


def test_edit_shows_up_after_live_rebuild(server, small_kb: Path):
    """Saving a document makes the preview serve the new page and the new search index; the
    rebuild renders and indexes only that document (the others are kept from the last one)."""
    def page(path: str) -> bytes:  # without the live-reload call the server injects (its numbers change)
        return re.sub(rb"livereload\(\d+, \d+\)", b"", get(server, path)[1])

    untouched = page("/guidelines/guide-1.html")
    doc = small_kb.parent / "content/guidelines/guide-2.md"
    for round_, word in enumerate(("每日消毒五次，记录琥珀台账", "每日消毒六次，记录翡翠台账")):
        text = doc.read_text(encoding="utf-8")
        doc.write_text(re.sub(r"每日消毒.次(，记录..台账)?", word, text), encoding="utf-8")
        wait_for(server, "/guidelines/guide-2.html", word)
        manifest = json.loads(get(server, "/search/manifest.js")[1].decode()[len('mzkbSearch.load("manifest",0,'):-3])
        assert len(manifest["segments"]) == 2 and len(manifest["dead"]) == 1  # base + the edited document
        overlay = manifest["segments"][1]
        shards = b"".join(get(server, f"/search/{overlay['b']}/s{n}.js")[1] for n in range(overlay["s"]))
        assert f'"{word[-4:-2]}":'.encode() in shards  # the new word (its bigram 琥珀 / 翡翠) is searchable
    assert page("/guidelines/guide-1.html") == untouched


def request(port: int, path: str, headers: dict | None = None, method: str = "GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.putrequest(method, path, skip_accept_encoding=True)
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_range_requests_are_answered_206(reader, shared_kb: Path):
    """Issue 14 item 6: video seeking in the preview needs byte ranges."""
    from mzkb.content.links import asset_url

    source = (shared_kb.parent / "content/videos/remains.vtt").read_bytes()
    url = "/" + asset_url("videos/remains.vtt")
    status, headers, body = request(reader, url)
    assert status == 200 and body == source and headers.get("Accept-Ranges") == "bytes"
    status, headers, body = request(reader, url, {"Range": "bytes=5-14"})
    assert status == 206 and body == source[5:15]
    assert headers["Content-Range"] == f"bytes 5-14/{len(source)}" and headers["Content-Length"] == "10"
    status, headers, body = request(reader, url, {"Range": "bytes=-4"})
    assert status == 206 and body == source[-4:]
    status, headers, body = request(reader, url, {"Range": "bytes=10-"})
    assert status == 206 and body == source[10:]
    status, headers, _ = request(reader, url, {"Range": f"bytes={len(source) + 10}-"})
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(source)}"


@pytest.mark.parametrize("path", ["/%00", "/index.html%00", "/assets/%00/x.js"])
def test_nul_in_the_path_is_400_not_500(reader, path):
    status, _ = get(reader, path)
    assert status == 400


def _serve(small_kb: Path, addr: str):
    return subprocess.run([sys.executable, "-m", "mzkb.cli", "serve", "-c", str(small_kb), "-a", addr],
                          capture_output=True, text=True, timeout=120)


def test_busy_port_is_a_chinese_message(small_kb: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _serve(small_kb, f"127.0.0.1:{port}")
    assert result.returncode == 1 and "MZ912" in result.stderr and "已被其他程序占用" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("addr", ["127.0.0.1:99999", "127.0.0.1:http", "nohost", ":8000", "no.such.host.invalid:8000"])
def test_invalid_address_is_a_chinese_message(small_kb: Path, addr):
    result = _serve(small_kb, addr)
    assert result.returncode in (1, 2) and "Traceback" not in result.stdout + result.stderr
    assert "无效" in result.stderr or "无法识别主机名" in result.stderr


IGNORED_RANGES = ["bytes=0-1,4-6", "bytes=0-1, 3-", "bytes=abc", "bytes=", "bytes=-", "items=0-4", "bytes=9-3",
                  "bytes = 0-4", "bytes=0-4x", "bytes=--4", "bytes=\u00bd-1"]


def test_ignored_range_headers_get_the_whole_file_with_200(reader, shared_kb: Path):
    """Issue 24: several or unparseable ranges were answered 206 with the whole file; RFC 9110 says
    such a header is ignored (200 with the whole file), and only a range past the end is 416."""
    from mzkb.content.links import asset_url

    source = (shared_kb.parent / "content/videos/remains.vtt").read_bytes()
    url = "/" + asset_url("videos/remains.vtt")
    for value in IGNORED_RANGES:
        raw = value.encode("utf-8").decode("latin-1")
        status, headers, body = request(reader, url, {"Range": raw})
        assert status == 200 and body == source and "Content-Range" not in headers, value
        status, headers, body = request(reader, url, {"Range": raw}, method="HEAD")
        assert status == 200 and body == b"" and "Content-Range" not in headers, value


def test_a_suffix_of_zero_bytes_or_a_start_past_the_end_is_416(reader, shared_kb: Path):
    from mzkb.content.links import asset_url

    size = len((shared_kb.parent / "content/videos/remains.vtt").read_bytes())
    url = "/" + asset_url("videos/remains.vtt")
    for value in ("bytes=-0", f"bytes={size}-", f"bytes={size}-{size + 5}", "bytes=99999999999999999999-"):
        status, headers, _ = request(reader, url, {"Range": value})
        assert status == 416 and headers["Content-Range"] == f"bytes */{size}", value
