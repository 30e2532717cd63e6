"""One build at a time per knowledge base: an advisory lock on ``.mzkb/build.lock``.

The lock is ``fcntl.flock`` on an open file, so the kernel releases it when its process
ends, however it ends: a lock file left by a killed build (its PID dead) is simply taken
over. The file holds the PID of the holder, for the message a second build shows. The lock
is re-entrant within a process (a versioned build runs several builds under one lock).
Whoever takes the lock also removes what killed runs left in ``.mzkb`` (``writer.sweep_leftovers``).
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path

from .writer import sweep_leftovers

LOCK_NAME = "build.lock"
DEFAULT_WAIT = 10.0
"""Seconds a second build waits for the first one (``MZKB_LOCK_WAIT`` overrides)."""

_held: dict[str, int] = {}


class LockBusy(Exception):
    """Another process holds the build lock; ``pid`` (0 when unknown) and ``seconds`` waited."""

    def __init__(self, pid: int, seconds: float) -> None:
        super().__init__(pid, seconds)
        self.pid, self.seconds = pid, seconds

    def diagnostic(self, config_path: str | Path):
        """The MZ911 diagnostic a command reports."""
        from .diagnostics import make

        return make("MZ911", Path(config_path).name, 0, 0, pid=self.pid or "未知", seconds=self.seconds)


def state_dir_of(config_path: str | Path) -> Path:
    """``.mzkb`` beside a ``site_config.yml`` (as ``SiteConfig.state_dir``)."""
    return Path(config_path).absolute().parent / ".mzkb"


def _wait_limit(wait: float | None) -> float:
    if wait is not None:
        return wait
    try:
        return max(0.0, float(os.environ.get("MZKB_LOCK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _holder(fd: int) -> int:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


@contextmanager
def build_lock(state_dir: Path, wait: float | None = None):
    """Hold the build lock of the knowledge base whose state folder is ``state_dir``.

    Waits up to ``wait`` seconds for another build, then raises ``LockBusy``. When the lock
    file cannot be created at all (a read-only knowledge base), the build runs unlocked: it
    cannot write a cache there either.
    """
    key = os.path.realpath(state_dir)
    if key in _held:
        yield
        return
    try:
        os.makedirs(state_dir, exist_ok=True)
        fd = os.open(os.path.join(state_dir, LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        yield
        return
    limit, started = _wait_limit(wait), time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - started >= limit:
                    raise LockBusy(_holder(fd), round(limit)) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held[key] = fd
        sweep_leftovers(Path(state_dir))
        try:
            yield
        finally:
            del _held[key]
            try:
                os.ftruncate(fd, 0)
            except OSError:
                pass
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
