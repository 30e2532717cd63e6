"""Progress of a long build on a terminal (rich), silent everywhere else.

The build reports stages and counts to a ``Progress``; ``quiet()`` is the default and does
nothing. ``for_terminal()`` gives a rich progress display on stderr that appears only once
the build has run for ``DELAY`` seconds (``MZKB_PROGRESS_DELAY`` overrides it; short builds
print nothing extra) and only when
stderr is a terminal and ``CI`` is not set, so logs of CI runs stay clean.
"""

from __future__ import annotations

import os
import sys
import threading

DELAY = 2.0


class Progress:
    """Does nothing: the build's progress where nobody watches it."""

    def stage(self, key: str, label: str, total: int | None = None) -> None:
        """A stage starts (``total`` steps, or unknown)."""

    def advance(self, key: str, steps: int = 1) -> None:
        """Steps of a stage are done."""

    def done(self, key: str) -> None:
        """A stage is finished."""

    def close(self) -> None:
        """The build is over."""


def quiet() -> Progress:
    """Progress that prints nothing."""
    return Progress()


class _Rich(Progress):
    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Display

        self._bar = Display(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True)
        self._tasks: dict[str, int] = {}
        self._lock = threading.Lock()
        self._shown = False
        delay = float(os.environ.get("MZKB_PROGRESS_DELAY", DELAY))
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        if delay <= 0:
            self._show()  # at once, not from a timer that a short run may cancel first
        else:
            self._timer.start()

    def _show(self) -> None:
        with self._lock:
            if not self._shown:
                self._bar.start()
                self._shown = True

    def stage(self, key: str, label: str, total: int | None = None) -> None:  # noqa: D102
        self._tasks[key] = self._bar.add_task(label, total=total)

    def advance(self, key: str, steps: int = 1) -> None:  # noqa: D102
        if key in self._tasks:
            self._bar.advance(self._tasks[key], steps)

    def done(self, key: str) -> None:  # noqa: D102
        if key in self._tasks:
            task = self._tasks[key]
            total = self._bar.tasks[task].total
            self._bar.update(task, total=total or 1, completed=total or 1)

    def close(self) -> None:  # noqa: D102
        self._timer.cancel()
        with self._lock:
            if self._shown:
                self._bar.stop()
            self._shown = True  # never start after the build


def for_terminal() -> Progress:
    """A rich display on a terminal; ``quiet()`` when stderr is not one or under CI."""
    if not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return quiet()
    return _Rich()
