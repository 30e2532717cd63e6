"""Status on the reader's day in pages: the data ``validity.js`` judges with (the records of
``content.status``, written once per build as a script) and which documents pages mark for it.

Static HTML keeps the build day's judgement (for readers without scripts and for printing) and
says which day that was; ``validity.js`` re-judges every marked element on the reader's day.
"""

from __future__ import annotations

import json

from ..content import status
from ..content.model import Status

SCRIPT = "assets/mzkb/status-data.js"
"""Where the status records are shipped (loaded before ``validity.js`` by every page)."""


def status_script(corpus) -> str:
    """``window.mzkb.statusData``: the build day, the labels and id -> ``content.status`` record."""
    data = {"day": as_of(corpus), "labels": {s.value: s.label for s in Status}, "records": status.records(corpus.documents)}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return f"(window.mzkb = window.mzkb || {{}}).statusData = {text};\n"


def as_of(corpus) -> str:
    """The day the build judged statuses on (``YYYY-MM-DD``, '' when unknown)."""
    return corpus.day.isoformat() if corpus.day else ""


def may_change(doc) -> bool:
    """Whether ``doc``'s status depends on the day (pages then list it in every group it can
    belong to, shown by ``validity.js``)."""
    rec = status.doc_record(doc)
    return rec is not None and rec[0] == "current"


def dated_id(doc) -> str:
    """``doc.id`` when its status depends on the day, else ''."""
    return doc.id if may_change(doc) else ""


HISTORY = ("pending", "expired", "superseded", "repealed")
"""The statuses of a 历史文件 list."""


def tally(docs, statuses=status.IN_FORCE) -> dict:
    """A count of ``docs`` whose status is one of ``statuses``, as ``validity.js`` recounts it on
    the reader's day: ``count`` (the build day's), ``base`` (those whose status never changes)
    and ``ids`` (space-separated, those whose status depends on the day), ``statuses`` joined."""
    base, ids, count = 0, [], 0
    for doc in docs:
        hit = doc.status.value in statuses
        count += hit
        if may_change(doc):
            ids.append(doc.id)
        else:
            base += hit
    return {"count": count, "base": base, "ids": " ".join(sorted(ids)), "statuses": " ".join(statuses)}
