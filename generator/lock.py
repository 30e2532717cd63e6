"""One build at a time per knowledge base: an advisory lock on ``.mzkb/build.lock``.

The lock is the ``filelock`` library's lock on that file (``flock`` on POSIX, ``msvcrt.locking``
on Windows), so the operating system releases it when its process ends, however it ends: a
lock file left by a killed build is simply taken over. ``build.pid`` beside it holds the PID of
the holder, for the message a second build shows. The lock is re-entrant within a process (a
versioned build runs several builds under one lock).
Whoever takes the lock also removes what killed runs left in ``.mzkb`` (``writer.sweep_leftovers``).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .writer import sweep_leftovers

LOCK_NAME = "build.lock"
PID_NAME = "build.pid"
DEFAULT_WAIT = 10.0
"""Seconds a second build waits for the first one (``MZKB_LOCK_WAIT`` overrides)."""

_held: dict[str, FileLock] = {}


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


def _holder(state_dir: Path) -> int:
    try:
        text = (Path(state_dir) / PID_NAME).read_text(encoding="ascii", errors="replace").strip()
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
    limit = _wait_limit(wait)
    lock = FileLock(os.path.join(state_dir, LOCK_NAME), thread_local=False)
    try:
        os.makedirs(state_dir, exist_ok=True)
        lock.acquire(timeout=limit, poll_interval=0.2)
    except Timeout:
        raise LockBusy(_holder(Path(state_dir)), round(limit)) from None
    except OSError:
        yield
        return
    pid_file = Path(state_dir) / PID_NAME
    try:
        try:
            pid_file.write_text(f"{os.getpid()}\n", encoding="ascii")
        except OSError:
            pass
        _held[key] = lock
        sweep_leftovers(Path(state_dir))
        try:
            yield
        finally:
            del _held[key]
            try:
                pid_file.unlink()
            except OSError:
                pass
    finally:
        lock.release()
