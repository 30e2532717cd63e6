"""The build cache under ``.mzkb/cache/``: what a rebuild may reuse, keyed by content hashes.

Three kinds of entries, each owned by one stage:

- ``content-X.json`` (16 shards) file text hash -> parsed front matter, and body hash ->
                     markdown-it analysis (sections, links, raw HTML), used by the load and
                     validate stages, so unchanged files are not parsed again;
- ``index.json``     the search indexes of the last build: per document a fingerprint of
                     everything indexed, and the browser index's segments (search stage);
- ``render.json``    per page a fingerprint of everything its HTML is made from, and the size
                     and modification time of the page it wrote (render stage).

Entries are JSON, never pickle: ``.mzkb/`` can arrive with a pull request, so reading the
cache must not be able to run code. Every entry records ``FORMAT`` (mzkb's version and this
module's format number) and is checked by its owner on load (``Cache.load(check=...)``): an
entry written by another version, malformed, or of the wrong shape is ignored — it costs a
rebuild, never a traceback. Files are replaced atomically, so a build that stops half-way
leaves the previous cache (or none), never a torn one. The cache is an accelerator only:
deleting ``.mzkb/cache`` makes the next build a full one with the same output.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    _VERSION = version("mzkb")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    _VERSION = "dev"
FORMAT = f"mzkb-{_VERSION}-cache-4"
MAX_ENTRY_BYTES = 1 << 30
"""An entry file larger than this is not read (a planted file must not exhaust memory)."""


class BadEntry(ValueError):
    """A cache entry of the wrong shape (raised by the ``check`` functions of its owner)."""


def digest(*parts: object) -> str:
    """A short stable hash of strings/bytes (other values through ``repr``)."""
    h = hashlib.sha1()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8") if isinstance(part, str) else repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def expect(value: object, kind: type | tuple, what: str = "value"):
    """``value`` when it is a ``kind`` (bools are not numbers), else ``BadEntry``."""
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))):
        raise BadEntry(f"{what}: expected {kind}, got {type(value).__name__}")
    return value


def str_map(value: object, what: str = "map") -> dict[str, str]:
    """A JSON object whose keys and values are all strings."""
    expect(value, dict, what)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise BadEntry(f"{what}: not a string map")
    return value


_CHECK_ERRORS = (BadEntry, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)


class Cache:
    """Read and write cache entries of one knowledge base (``state_dir`` = its ``.mzkb``)."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = Path(state_dir) / "cache"

    def load(self, name: str, default=None, check: Callable | None = None):
        """The entry ``name`` (JSON), or ``default`` if absent, unreadable, stale or malformed.

        ``check(data)`` returns the value to use or raises (``BadEntry``, ``ValueError``,
        ``TypeError``, ``KeyError`` ...); any such failure returns ``default``.
        """
        path = self.dir / name
        try:
            if not name.endswith(".json") or not path.is_file() or path.stat().st_size > MAX_ENTRY_BYTES:
                return default
            data = json.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("format") != FORMAT or "data" not in data:
                return default
            return check(data["data"]) if check is not None else data["data"]
        except (OSError, UnicodeDecodeError, *_CHECK_ERRORS):
            return default

    def save(self, name: str, data) -> None:
        """Replace the entry ``name`` (a ``*.json`` name; JSON-ready data) atomically."""
        if not name.endswith(".json"):
            raise ValueError(f"cache entries are JSON: {name}")
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / name
        temp = path.with_name(f".{name}.{os.getpid()}")
        payload = {"format": FORMAT, "data": data}
        temp.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        os.replace(temp, path)

    def drop(self, name: str) -> None:
        """Forget an entry (the next build of that stage is a full one)."""
        try:
            (self.dir / name).unlink()
        except FileNotFoundError:
            pass


def link_or_copy(source: Path | str, dest: Path | str, made: set | None = None) -> None:
    """Put an unchanged output file of the previous build into the new one (hard link, else copy).

    ``made`` remembers folders already created (thousands of files share a few folders).
    """
    folder = os.path.dirname(dest)
    if made is None or folder not in made:
        os.makedirs(folder, exist_ok=True)
        if made is not None:
            made.add(folder)
    try:
        os.link(source, dest)
    except OSError:
        import shutil

        shutil.copy2(source, dest)
