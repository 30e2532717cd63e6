"""Status as of a date: the one definition (``theme/assets/mzkb/validity.js`` mirrors it, fed by
the same records).

A document's status on a day follows from what does not change with the day — repealed or
superseded, else current (its *base*) — its validity period and the documents that amend it:

- repealed / superseded: always so;
- expired (已失效) after ``valid_until``, pending (尚未生效) before ``valid_from``;
- amended (部分修改) while a document that amends it is itself in force that day;
- current otherwise.

``record`` gives the few facts of one document this needs, as plain JSON-ready values (days as
``YYYY-MM-DD`` strings, compared as text); ``status_on`` judges them on a day. The link stage
judges the build day with it; ``mzkb search --as-of`` and the browser judge the reader's day
with the same records.
"""

from __future__ import annotations

import datetime as dt

IN_FORCE = ("current", "amended")
"""Statuses of a document in force."""


def dated(base: str, valid_from: str, valid_until: str, day: str) -> str:
    """``base`` with the validity period applied on ``day`` (a current document may be pending or expired)."""
    if base != "current":
        return base
    if valid_until and valid_until < day:
        return "expired"
    if valid_from and valid_from > day:
        return "pending"
    return base


def record(base: str, valid_from: dt.date | None, valid_until: dt.date | None, amenders=(),
           amends: bool = False) -> list | None:
    """[base, valid from, valid until, ids of documents amending it] for a document whose status
    depends on the day or decides another's (``amends``), else None (its base every day)."""
    amenders = sorted(set(amenders))
    if valid_from is None and valid_until is None and not amenders and not amends:
        return None
    return [base, valid_from.isoformat() if valid_from else "", valid_until.isoformat() if valid_until else "", amenders]


def base_of(status: str) -> str:
    """What of a status does not change with the day: repealed, superseded, else current."""
    return status if status in ("repealed", "superseded") else "current"


def effective_from(doc) -> dt.date | None:
    """The day ``doc`` takes effect: ``valid_from``, else its date for an amending document (its
    change applies from the day it is issued), else None (always)."""
    return doc.valid_from or (doc.date if doc.amends else None)


def doc_record(doc) -> list | None:
    """The ``record`` of a linked document (an amending document without ``valid_from`` applies
    from its date), or None when its status is the same every day."""
    return record(base_of(doc.status.value), effective_from(doc), doc.valid_until,
                  [c.by for c in doc.amended_by], bool(doc.amends))


def records(documents) -> dict[str, list]:
    """Document id -> ``doc_record`` for the linked documents whose status depends on the day."""
    return {doc.id: rec for doc in documents if (rec := doc_record(doc)) is not None}


def status_on(key, records: dict, day: str, base: str = "current", _seen: frozenset = frozenset()) -> str:
    """The status of document ``key`` on ``day`` (``YYYY-MM-DD``); ``records`` maps keys to
    ``record``s (a key without one has ``base`` every day). An amendment cycle counts as not in
    force (the link stage reports it)."""
    found = records.get(key)
    if found is None:
        return base
    status = dated(found[0], found[1], found[2], day)
    if status != "current":
        return status
    seen = _seen | {key}
    if any(a not in seen and status_on(a, records, day, "current", seen) in IN_FORCE for a in found[3]):
        return "amended"
    return status


def in_force(key, records: dict, day: str, base: str = "current") -> bool:
    """Whether document ``key`` is in force on ``day`` (an amending document's change applies then)."""
    return status_on(key, records, day, base) in IN_FORCE
