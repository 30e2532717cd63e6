"""Small helpers every layer may use: content hashes, file-size labels, media extensions, GC tuning.

Each concept has one owner here, so a bundle manifest, a release summary and a page cannot
compute the same thing two ways.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

VIDEO_EXTENSIONS = frozenset({".mp4", ".m4v", ".webm", ".ogv", ".mov", ".mkv"})
AUDIO_EXTENSIONS = frozenset({".mp3", ".m4a", ".aac", ".ogg", ".oga", ".opus", ".wav", ".flac"})
MEDIA_EXTENSIONS = VIDEO_EXTENSIONS | AUDIO_EXTENSIONS
"""Every audio and video extension mzkb knows (bundles store them uncompressed)."""
PLAYABLE_EXTENSIONS = frozenset({".mp4", ".webm", ".m4v", ".ogv", ".mp3", ".m4a", ".ogg"})
"""What a video document's ``media`` may be: what browsers play in ``<video>`` without plugins."""
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg"})
"""What a poster may be."""


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    return size_and_sha256(path)[1]


def size_and_sha256(path: str | Path) -> tuple[int, str]:
    """Size in bytes and hex SHA-256 of a file, read in 1 MiB chunks."""
    with open(path, "rb") as fh:
        return stream_sha256(fh)


def stream_sha256(fh: BinaryIO) -> tuple[int, str]:
    """Size in bytes and hex SHA-256 of what an open binary file yields, read in 1 MiB chunks."""
    digest, size = hashlib.sha256(), 0
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def js_json(value: object, **options) -> str:
    """JSON text of ``value`` for a JavaScript file (``json.dumps`` with ``options``, UTF-8 kept):
    U+2028 and U+2029, valid in JSON strings but line terminators inside a JavaScript string
    literal before ES2019 (a SyntaxError in old office browsers), are written as escapes. JSON
    escapes every other character that needs it already."""
    return _JS_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False, **options))


_JS_RAW = re.compile("[\u2028\u2029\ud800-\udfff]")
"""Characters ``js_json`` escapes: the two line terminators JSON leaves raw, and lone surrogates
(which no UTF-8 file can hold)."""


def human_size(n: int) -> str:
    """``532 B``, ``12.3 KB``, ``4.9 MB``, ``1.2 GB`` (base 1024)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


@contextmanager
def fewer_collections():
    """Run with Python's cyclic garbage collector triggered less often.

    A build allocates millions of small objects that live until the end (terms, postings,
    pages); with the default thresholds the collector re-scans them over and over. The data
    has few reference cycles, so collecting rarely costs little memory and saves time.
    """
    old = gc.get_threshold()
    gc.freeze()  # what exists now (imported modules) is never scanned again
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*old)
        gc.unfreeze()


def _alive_on_windows(pid: int) -> bool:
    """Whether a Windows process runs (``os.kill`` would terminate it there); True when unsure."""
    try:
        kernel = ctypes.windll.kernel32  # Windows only
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return kernel.GetLastError() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    except (AttributeError, OSError):
        return True


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` runs (leftovers of running processes are never touched).

    On Windows ``os.kill(pid, 0)`` would terminate the process: there it is asked with OpenProcess.."""
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
