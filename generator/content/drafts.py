"""``draft: true``: a document ``mzkb serve`` shows (marked 草稿) and ``build``, ``bundle`` and
``release`` leave out.

``published`` splits the validated documents; ``references`` reports a published document that
points at a draft (MZ430) in place of the link stage's "不存在" at the same place.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, make
from .model import Document
from .refs import references_to


def published(documents: list[Document]) -> tuple[list[Document], list[Document]]:
    """(documents to publish, drafts)."""
    return [d for d in documents if not d.draft], [d for d in documents if d.draft]


def references(documents: list[Document], drafts: list[Document]) -> list[Diagnostic]:
    """MZ430 for each id or body link of a published document that names a draft."""
    if not drafts:
        return []
    ids = {d.id for d in drafts}
    paths = {d.source.resolve() for d in drafts}
    return [make("MZ430", doc.rel_path, line, 1, key=key, value=target)
            for doc, key, target, line in references_to(documents, ids, paths)]


def without_missing(link_problems: list[Diagnostic], draft_problems: list[Diagnostic]) -> list[Diagnostic]:
    """The link stage's problems less the "不存在" ones at a place MZ430 already explains."""
    places = {(d.file, d.line) for d in draft_problems}
    return [d for d in link_problems if not (d.code in ("MZ402", "MZ403", "MZ420") and (d.file, d.line) in places)]
