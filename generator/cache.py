"""The build cache under ``.mzkb/cache/``: what a rebuild may reuse, keyed by content hashes.

Three kinds of entries, each owned by one stage:

- ``content-X.pickle`` (16 shards) file text hash -> parsed front matter, and body hash ->
                       markdown-it analysis (sections, links, raw HTML), used by the load and
                       validate stages, so unchanged files are not parsed again;
- ``index.pickle``     the search indexes of the last build: per document a fingerprint of
                       everything indexed, and the browser index's segments (search stage);
- ``render.json``      per page a fingerprint of everything its HTML is made from (render stage).

Every entry records ``FORMAT`` (mzkb's version and this module's format number); an entry
written by another version is ignored, never trusted. Files are replaced atomically, so a
build that stops half-way leaves the previous cache (or none), never a torn one. The cache
is an accelerator only: deleting ``.mzkb/cache`` makes the next build a full one with the
same output.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    _VERSION = version("mzkb")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    _VERSION = "dev"
FORMAT = f"mzkb-{_VERSION}-cache-3"


def digest(*parts: object) -> str:
    """A short stable hash of strings/bytes (other values through ``repr``)."""
    h = hashlib.sha1()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8") if isinstance(part, str) else repr(part).encode("utf-8")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


class Cache:
    """Read and write cache entries of one knowledge base (``state_dir`` = its ``.mzkb``)."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = Path(state_dir) / "cache"

    def load(self, name: str, default=None):
        """The entry ``name`` (``*.pickle`` or ``*.json``), or ``default`` if absent, unreadable or stale."""
        path = self.dir / name
        try:
            if name.endswith(".json"):
                data = json.loads(path.read_text(encoding="utf-8"))
            else:
                with open(path, "rb") as handle:
                    data = pickle.load(handle)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return default
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return default
        return data.get("data", default)

    def save(self, name: str, data) -> None:
        """Replace the entry ``name`` atomically."""
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / name
        temp = path.with_name(f".{name}.{os.getpid()}")
        payload = {"format": FORMAT, "data": data}
        if name.endswith(".json"):
            temp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        else:
            with open(temp, "wb") as handle:
                pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
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
