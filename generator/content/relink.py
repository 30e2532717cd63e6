"""The link stage again, for a long-running process (``mzkb serve``): skipped when no document
changed anything the link stage reads.

``links.link`` reads every field of a document except its body text: ids, relations,
dates, states, files, the headings' titles and anchors, the article labels and anchors, the
body's link targets and their lines, and the lines of the front-matter keys. When the validated documents differ from the
last call's only in the rest (the text of paragraphs and sections, the lines of sections), the
link stage would give the same results for every other document and the same diagnostics:
the last result is reused, with each changed document made again from its new validated
value plus the fields the link stage had set on its old one. Anything else (a document added,
removed or moved, another day, other settings) links the whole corpus again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields, replace
from operator import attrgetter
from pathlib import Path

from ..diagnostics import Diagnostic
from . import links
from .model import Document

_FIELDS = tuple(f.name for f in fields(Document))
_PLAIN = attrgetter(*(name for name in _FIELDS if name not in ("body", "sections", "links", "lines", "articles")))


def link_inputs(doc: Document) -> tuple:
    """What the link stage reads of a validated document (see the module's docstring)."""
    return (_PLAIN(doc), doc.lines, tuple((s.title, s.anchor, s.level) for s in doc.sections),
            tuple((link.href, link.line, link.image) for link in doc.links),
            tuple((a.label, a.anchor) for a in doc.articles))


class LinkMemory:
    """The last call's validated documents, settings and result."""

    def __init__(self) -> None:
        self._last: tuple | None = None
        self.reused = False
        """True when the last ``link`` call reused the previous result."""

    def link(self, documents: list[Document], content_dir: Path, today: dt.date,
             settings: object) -> tuple[links.Corpus, list[Diagnostic]]:
        """``links.link(documents, content_dir, today)``; ``settings``: anything else the
        result depends on (configuration, the other content files), compared with ``==``."""
        last = self._last
        result = None
        if last is not None and last[0] == (content_dir, today, settings):
            result = _relinked(last[1], last[2], last[3], documents)
        self.reused = result is not None
        if result is None:
            result = links.link(documents, content_dir, today)
        self._last = ((content_dir, today, settings), list(documents), result[0], result[1])
        return result


def _relinked(before: list[Document], corpus: links.Corpus, problems: list[Diagnostic],
              documents: list[Document]) -> tuple[links.Corpus, list[Diagnostic]] | None:
    """The last result with the changed documents replaced, or None when it cannot be reused."""
    if len(before) != len(documents):
        return None
    changed: dict[str, tuple[Document, Document]] = {}
    for old, new in zip(before, documents):
        if old is new:
            continue
        if old.rel_path != new.rel_path or link_inputs(old) != link_inputs(new):
            return None
        changed[old.rel_path] = (old, new)
    if not changed:
        return corpus, problems

    def again(doc: Document) -> Document:
        if doc.rel_path not in changed:
            return doc
        old, new = changed[doc.rel_path]
        set_by_link = {name: getattr(doc, name) for name in _FIELDS if getattr(doc, name) is not getattr(old, name)}
        return replace(new, **set_by_link)

    docs = tuple(again(d) for d in corpus.documents)
    by_rel = {d.rel_path: d for d in docs}
    return (links.Corpus(docs, {d.id: d for d in docs}, {path: by_rel[d.rel_path] for path, d in corpus.by_path.items()},
                         corpus.day),
            problems)
