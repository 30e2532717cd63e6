"""mzkb starts where POSIX-only names are missing (Windows has no ``fcntl`` and no ``os.getuid``).

No Windows machine runs this suite; each command runs here in a Python process where importing
``fcntl`` fails and ``os.getuid``/``os.geteuid`` do not exist, before mzkb is imported."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

WITHOUT_POSIX = (
    "import os, sys\n"
    "sys.modules['fcntl'] = None  # import fcntl -> ImportError, as on Windows\n"
    "for name in ('getuid', 'geteuid', 'getgid'):\n"
    "    if hasattr(os, name): delattr(os, name)\n"
    "sys.argv = ['mzkb', *sys.argv[1:]]\n"
    "from mzkb.cli import main\n"
    "main()\n"
)


def mzkb(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_POSIX, *args], capture_output=True, text=True, timeout=timeout)


def test_the_wrapper_really_hides_them():
    probe = subprocess.run([sys.executable, "-c", WITHOUT_POSIX.split("sys.argv")[0] + (
        "import importlib\n"
        "try:\n    importlib.import_module('fcntl'); print('fcntl')\nexcept ImportError:\n    pass\n"
        "print(hasattr(os, 'getuid'))\n")], capture_output=True, text=True, timeout=60)
    assert probe.stdout.split() == ["False"], probe.stdout + probe.stderr


def test_check_build_and_bundle_without_fcntl_and_getuid(small_kb: Path, tmp_path: Path):
    done = mzkb("check", "-c", str(small_kb))
    assert done.returncode == 0 and "检查通过" in done.stdout, done.stdout + done.stderr
    done = mzkb("build", "-c", str(small_kb))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (small_kb.parent / "site" / "index.html").is_file() and (small_kb.parent / ".mzkb" / "whoosh").is_dir()
    done = mzkb("build", "-c", str(small_kb))  # the second build: the lock and the sealed index again
    assert done.returncode == 0, done.stdout + done.stderr
    done = mzkb("search", "-c", str(small_kb), "--json", "探视")
    assert done.returncode == 0 and '"id"' in done.stdout, done.stdout + done.stderr
    done = mzkb("bundle", "-c", str(small_kb), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert list((tmp_path / "out").glob("*.zip"))
    assert "Traceback" not in done.stderr


def test_serve_starts_without_fcntl_and_getuid(small_kb: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-c", WITHOUT_POSIX, "serve", "-c", str(small_kb), "-a", f"127.0.0.1:{port}"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status = 0
        for _ in range(200):  # the first build, then the server (bounded by count, not by a clock)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/index.html")
                status = conn.getresponse().status
                break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.3)
        assert status == 200, proc.stdout.read() if proc.poll() is not None else "no answer"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _pages(site: Path) -> dict[str, bytes]:
    """The pages and the search index; copied files (a transcript keeps its CRLF, as git checked it
    out) and the lists of their hashes (sw.js, the output marker) are left out."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and (p.suffix == ".html" or p.relative_to(site).parts[0] == "search")}


def test_a_checkout_with_crlf_line_endings_builds_the_same_pages(small_kb: Path, tmp_path: Path):
    """git's autocrlf on Windows checks text files out with CRLF: the site must not change."""
    import shutil

    from mzkb.pipeline import build

    crlf = tmp_path / "crlf"
    shutil.copytree(small_kb.parent, crlf)
    converted = 0
    for path in crlf.rglob("*"):
        if path.is_file() and path.suffix in {".md", ".yml"}:  # files published as they are keep their own bytes
            data = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            path.write_bytes(data)
            converted += 1
    assert converted >= 5
    epoch = 1_600_000_000  # the same build day for both
    plain = build(small_kb, small_kb.parent / "site", epoch=epoch, incremental=False)
    windows = build(crlf / "site_config.yml", crlf / "site", epoch=epoch, incremental=False)
    assert plain.ok and windows.ok
    assert _pages(crlf / "site") == _pages(small_kb.parent / "site")
