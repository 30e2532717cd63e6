"""``mzkb bundle --format zim``: Debian's zimcheck passes the file, its metadata and manifest are right, and
Debian's kiwix-serve (started on 127.0.0.1 by the test) serves its pages and finds the current
family-visit rule both with our own search page and with the ZIM's full-text index."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from mzkb.cli import cli
from mzkb.offline.make import count_documents
from mzkb.offline.zim import MANIFEST_PATH, OFFLINE_SCRIPT, OFFLINE_STUB, make_zim
from mzkb.pipeline import prepare

ROOT = Path(__file__).resolve().parents[2]
EPOCH = 1790000000
pytestmark = pytest.mark.skipif(not (shutil.which("zimcheck") and shutil.which("kiwix-serve")),
                                reason="Debian zim-tools and kiwix-tools are installed by .ci/run")


@pytest.fixture(scope="module")
def demo_zim(demo_site: Path, tmp_path_factory) -> Path:
    prepared = prepare(ROOT / "site_config.yml")
    out = tmp_path_factory.mktemp("zim")
    result = make_zim(demo_site, out, config=prepared.config, corpus=prepared.corpus, site_name="demo", version="v1",
                      commit=None, epoch=EPOCH, doc_counts=count_documents(prepared.corpus.documents))
    print(f"\nZIM: {result.size} bytes, {result.entries} entries (site folder "
          f"{sum(p.stat().st_size for p in demo_site.rglob('*') if p.is_file())} bytes)")
    return result.path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def kiwix(demo_zim: Path):
    """kiwix-serve on a free loopback port; Debian's build (libzim 8) splits Chinese queries into n-grams
    as libzim 9 readers do only with XAPIAN_CJK_NGRAM set."""
    port = free_port()
    env = {**os.environ, "XAPIAN_CJK_NGRAM": "1"}
    proc = subprocess.Popen(["kiwix-serve", "--address=127.0.0.1", f"--port={port}", str(demo_zim)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):  # at most ~10 s for the server to listen
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("kiwix-serve exited")
                time.sleep(0.1)
        yield base + demo_zim.stem + "/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_zimcheck_passes_every_check(demo_zim: Path):
    run = subprocess.run(["zimcheck", "-A", str(demo_zim)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "Overall Test Status: Pass" in run.stdout, run.stdout[-2000:]


def test_metadata_and_manifest(demo_zim: Path, demo_site: Path):
    from libzim.reader import Archive

    zim = Archive(demo_zim)
    meta = {k: bytes(zim.get_metadata(k)) for k in zim.metadata_keys}
    assert meta["Language"] == b"zho" and meta["Date"] == b"2026-09-21"
    assert meta["Title"].decode() and meta["Description"].decode() and meta["Creator"].decode() and meta["Publisher"].decode()
    assert 48 in zim.get_illustration_sizes()
    assert zim.main_entry.get_item().path == "index.html"
    manifest = json.loads(bytes(zim.get_entry_by_path(MANIFEST_PATH).get_item().content))
    assert manifest["format"] == "mzkb-bundle" and manifest["container"] == "zim"
    rows = {row["path"]: row for row in manifest["files"]}
    assert "notices/notice-elderly-care-visiting-standard.html" in rows and "sw.js" not in rows
    for path, row in rows.items():
        data = bytes(zim.get_entry_by_path(path).get_item().content)
        assert (len(data), hashlib.sha256(data).hexdigest()) == (row["size"], row["sha256"]), path
        assert data == (OFFLINE_STUB if path == OFFLINE_SCRIPT else (demo_site / path).read_bytes()), path


def test_kiwix_serve_serves_pages_and_both_searches_find_the_current_rule(kiwix: str, browser):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(kiwix + "index.html")
    assert page.locator("h1").count() >= 1
    page.goto(kiwix + "search.html?q=" + urllib.parse.quote("家属探视"))
    page.wait_for_selector("[data-mzkb-result] a", timeout=15000)
    first = page.locator("[data-mzkb-result] a").first.get_attribute("href").split("#")[0].lstrip("./")
    assert first.startswith("notices/") and "visiting" in first or "resume" in first, first
    page.locator("[data-mzkb-result] a").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").count() == 1
    book = kiwix.rstrip("/").rsplit("/", 1)[1]
    query = urllib.parse.urlencode({"content": book, "pattern": "家属探视"})
    html = urllib.request.urlopen(kiwix.split(book)[0] + "search?" + query, timeout=30).read().decode("utf-8")
    found = [part.split('"')[0] for part in html.split(f'href="/{book}/')[1:]]
    assert first in found[:5], (first, found[:5])
    assert errors == []
    page.close()


def test_cli_writes_a_zim_and_refuses_since(small_kb: Path, tmp_path: Path):
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(cli, ["bundle", "-c", str(small_kb), "--format", "zim", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "ZIM 文件" in result.output and list(out.glob("*.zim"))
    refused = runner.invoke(cli, ["bundle", "-c", str(small_kb), "--format", "zim", "--since", "v0", "-o", str(out)])
    assert refused.exit_code == 2 and "MZ941" in refused.output
