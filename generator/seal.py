"""Seals on folders whose files a library reads with ``pickle`` or ``marshal``.

Whoosh keeps its schema, segment list and posting blocks as pickles: opening an index runs
whatever those files say; a cached build of a release (``.mzkb/versions/…``) is published as it
is. ``.mzkb/`` can arrive in a pull request, so mzkb uses such a folder only when it carries a
seal that this user's mzkb wrote: an HMAC, with a secret key kept outside
every repository (``user_dir()``), over the name, size and modification time of each file (and
the bytes of the few small files a reader unpickles first, ``seal``'s ``contents``). A planted or
altered index has no valid seal and is never opened (a rebuild).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
from pathlib import Path

SEAL_NAME = "mzkb-seal.json"
MAX_CONTENT = 16 * 1024 * 1024
"""Files sealed by content (``seal``'s ``contents``) are at most this big (a larger one never fits its seal)."""


def _user_tag() -> str:
    """This user, in a folder name: the uid on POSIX, the login name on Windows (no ``os.getuid``)."""
    getuid = getattr(os, "getuid", None)
    if getuid is not None:
        return str(getuid())
    return "".join(c for c in (os.environ.get("USERNAME") or "user") if c.isalnum()) or "user"


def _owned(info: os.stat_result) -> bool:
    """The folder belongs to this user (POSIX: its uid; Windows has no uid, its profile folders are private)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def user_dir(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/mzkb/NAME`` (else ``~/.cache``, else the temp folder), created private;
    None when none can be made. Nothing a repository brings lives there."""
    bases = [os.environ.get("XDG_CACHE_HOME"), os.path.join(os.path.expanduser("~"), ".cache"),
             os.path.join(tempfile.gettempdir(), f"mzkb-{_user_tag()}")]
    for base in filter(None, bases):
        folder = Path(base) / "mzkb" / name if "mzkb-" not in base else Path(base) / name
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            info = folder.stat()
            if _owned(info) and os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    return None


def _key() -> bytes | None:
    folder = user_dir("keys")
    if folder is None:
        return None
    path = folder / "seal.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    temp = folder / f".seal.key.{os.getpid()}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
        os.link(temp, path)  # the first writer wins when two builds start at once
    except FileExistsError:
        pass
    except OSError:
        return None
    finally:
        try:
            temp.unlink()
        except OSError:
            pass
    try:
        return path.read_bytes()
    except OSError:
        return None


def _digest(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _listing(folder: Path, recursive: bool = False, contents: tuple[str, ...] = ()) -> bytes:
    """Name, size and modification time of each file; and the SHA-256 of the files whose names
    end with one of ``contents``."""
    entries = []
    pending = [""]
    while pending:
        prefix = pending.pop()
        for entry in sorted(os.scandir(os.path.join(folder, prefix)), key=lambda e: e.name):
            name = prefix + entry.name
            if name == SEAL_NAME:
                continue
            info = entry.stat(follow_symlinks=False)
            is_dir = entry.is_dir(follow_symlinks=False)
            row = [name, is_dir, info.st_size if not is_dir else 0, info.st_mtime_ns if not is_dir else 0]
            if contents and name.endswith(contents):
                row.append(_digest(os.path.join(folder, name)) if entry.is_file(follow_symlinks=False)
                           and info.st_size <= MAX_CONTENT else "")  # never a link, a device or a huge file
            entries.append(row)
            if recursive and is_dir:
                pending.append(name + "/")
    return json.dumps(sorted(entries)).encode()


def seal(folder: Path, recursive: bool = False, contents: tuple[str, ...] = ()) -> bool:
    """Seal ``folder`` (with ``recursive``, everything below it) as written by this user's mzkb;
    False when no key can be kept. ``contents``: name endings of (small) files whose bytes are
    sealed too — a file read first, such as Whoosh's table of contents, damaged without a change
    of size or time then breaks the seal instead of the reader."""
    key = _key()
    if key is None:
        return False
    mac = hmac.new(key, _listing(folder, recursive, contents), hashlib.sha256).hexdigest()
    record = {"hmac": mac, "contents": list(contents)} if contents else {"hmac": mac}
    (folder / SEAL_NAME).write_text(json.dumps(record), encoding="utf-8")
    return True


def is_sealed(folder: Path, recursive: bool = False) -> bool:
    """True when ``folder`` holds exactly the files this user's mzkb sealed."""
    key = _key()
    try:
        record = json.loads((folder / SEAL_NAME).read_text(encoding="utf-8"))
        stored, contents = record["hmac"], record.get("contents", [])
        if not isinstance(contents, list) or not all(isinstance(c, str) and c for c in contents):
            return False
        listing = _listing(folder, recursive, tuple(contents))  # the file names its digests: both in the HMAC
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    if key is None or not isinstance(stored, str):
        return False
    return hmac.compare_digest(stored, hmac.new(key, listing, hashlib.sha256).hexdigest())
