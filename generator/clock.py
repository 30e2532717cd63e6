"""The one reader of the clock: ``SOURCE_DATE_EPOCH``, ``--as-of`` and today.

A run decides its as-of date once (``as_of_date``) and passes it down: validation (dates in the
future), linking (status on that day), the search index and ``mzkb search`` all judge on the
value they are given and never read the clock themselves.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager


def source_epoch() -> int | None:
    """``SOURCE_DATE_EPOCH`` (seconds) when set to a number, else None."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    return int(epoch) if epoch.isdigit() else None


def as_of_date(given: dt.date | dt.datetime | None = None) -> dt.date:
    """The day a run judges validity on: ``given`` (``--as-of``) when set, else SOURCE_DATE_EPOCH's
    day (reproducible builds), else today. Pages recompute the state in the reader's browser."""
    if given is not None:
        return given.date() if isinstance(given, dt.datetime) else given
    epoch = source_epoch()
    if epoch is not None:
        return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).date()
    return dt.date.today()


def build_moment() -> dt.datetime:
    """The build's time as pages and the sitemap print it: SOURCE_DATE_EPOCH when set, else now (UTC)."""
    epoch = source_epoch()
    return dt.datetime.now(dt.timezone.utc) if epoch is None else dt.datetime.fromtimestamp(epoch, dt.timezone.utc)


def local_today() -> dt.date:
    """The editor's calendar day (the date ``mzkb new`` writes into a new document)."""
    return dt.date.today()


@contextmanager
def pinned_epoch(epoch: int) -> Iterator[None]:
    """SOURCE_DATE_EPOCH set to ``epoch`` inside the block (MkDocs reads it for sitemap dates), restored after."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
