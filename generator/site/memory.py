"""What ``mzkb serve``'s rebuilds keep in memory from the last good one.

The renderer is run anew on every rebuild; this object outlives it (``pipeline.Session``
holds it). After an edit of one document's body, the plugin takes
from it what cannot have changed: the generated pages (home, listings, portals, timelines …)
and the fingerprints of the other documents' pages, when no document's *listed facts* (see
``listed_facts``) changed, no document was added or removed and the settings (configuration,
other content files, build day, git history) are the same. The edited document's page is
fingerprinted (and so rendered) again, as are the comparison pages of its editions.

It is updated only when a rebuild completes (``commit``): a rebuild that fails its check leaves
it, like the preview folder, as the last good build left it; one that fails while writing pages
makes the next one render every page (``forget_pages``).
"""

from __future__ import annotations

import os
from operator import attrgetter
from dataclasses import fields
from pathlib import Path

from ..content.links import Corpus
from ..content.model import Document

_fields_of = attrgetter(*(f.name for f in fields(Document) if f.compare))
_BODY_ONLY = ("body", "body_line", "links", "lines", "sections")
_FACT_FIELDS = tuple(f.name for f in fields(Document) if f.name not in _BODY_ONLY)


def listed_facts(doc: Document) -> tuple:
    """Everything other pages can show of a document: every field but the body and what is
    derived from it alone, except the headings (timelines and amendment notes name sections)."""
    return (*(getattr(doc, name) for name in _FACT_FIELDS),
            tuple((s.title, s.anchor, s.level) for s in doc.sections))


def _equal(a: Document, b: Document) -> bool:
    """``a == b``, fast when most fields are the very same objects (a document checked once and
    linked again: only the link stage's fields are new objects); tuples compare items by
    identity first."""
    return _fields_of(a) == _fields_of(b)


class PreviewMemory:
    """The last good rebuild of one ``mzkb serve`` session, and what the current one may reuse."""

    def __init__(self) -> None:
        self.corpus: Corpus | None = None
        self.settings: tuple = ()
        self.generated: tuple | None = None
        """(generated pages in the nav, pages out of it) of the last good rebuild: (uri, text) pairs."""
        self.compares: dict[tuple[str, str], tuple] = {}
        """(old id, new id) -> (old document, new document, (uri, text)) of comparison pages."""
        self.pages: dict[str, tuple] = {}
        """Document id -> (document, page fingerprint, linked files) of the last good rebuild."""
        self.outputs: set[str] = set()
        """Site paths the plugin wrote or kept in the last good rebuild (pages and copied files)."""
        self.rendered: dict[str, str] = {}
        """Page path -> fingerprint of its inputs, of the pages in the preview folder."""
        self.rendered_with = None
        """The configuration those pages were rendered with."""
        self.stable = False
        """True for the current rebuild when only bodies changed (set by ``compare``)."""
        self.renderer: dict = {}
        """What the renderer keeps between the rebuilds of one session (its own business)."""
        self._pending: tuple | None = None

    def intern(self, corpus: Corpus) -> Corpus:
        """The corpus with each document that equals the last good rebuild's replaced by that
        very object (so later steps can tell unchanged documents by identity)."""
        old = self.corpus.by_id if self.corpus is not None else {}
        mapped = {}
        for doc in corpus.documents:
            previous = old.get(doc.id)
            mapped[id(doc)] = previous if previous is not None and (previous is doc or _equal(previous, doc)) else doc
        docs = tuple(mapped[id(d)] for d in corpus.documents)
        return Corpus(docs, {d.id: d for d in docs}, {path: mapped[id(d)] for path, d in corpus.by_path.items()}, corpus.day)

    def compare(self, corpus: Corpus, settings: tuple) -> None:
        """Decide whether the current rebuild (``corpus`` interned, ``settings``) changed only bodies."""
        old = self.corpus
        if old is None or settings != self.settings or old.by_id.keys() != corpus.by_id.keys() or self.generated is None:
            self.stable = False
        else:
            self.stable = all(old.by_id[d.id] is d or listed_facts(old.by_id[d.id]) == listed_facts(d)
                              for d in corpus.documents)
        self._pending = (corpus, settings)

    def page(self, doc: Document) -> tuple | None:
        """(fingerprint, linked files) of an unchanged document's page, when it can be reused."""
        if not self.stable:
            return None
        found = self.pages.get(doc.id)
        return found[1:] if found is not None and found[0] is doc else None

    def comparison(self, old: Document, new: Document) -> tuple | None:
        """The comparison page of two editions, when neither changed since it was made."""
        found = self.compares.get((old.id, new.id))
        return found[2] if found is not None and found[0] is old and found[1] is new else None

    def reuse(self, config) -> PageKeeper:
        """Which pages of the preview folder this rebuild can keep (none after a change of the
        configuration: it shows on every page)."""
        return PageKeeper(self.rendered if config == self.rendered_with else {})

    def forget_pages(self) -> None:
        """A rebuild failed while writing pages: render every page again next time."""
        self.rendered = {}

    def commit(self, site_dir: Path, generated: tuple, compares: dict, pages: dict, outputs: set[str],
               rendered: PageKeeper, config) -> None:
        """The rebuild completed: remember it, and remove from the preview folder the pages and
        files of the last good rebuild that this one no longer has (deleted or renamed documents)."""
        for uri in self.outputs - outputs:
            try:
                os.unlink(site_dir / uri)
            except OSError:
                pass
        if self._pending is not None:
            self.corpus, self.settings = self._pending
        self.generated, self.compares, self.pages, self.outputs = generated, compares, pages, outputs
        self.rendered, self.rendered_with = rendered.new, config
        self._pending = None


class PageKeeper:
    """``reuse.PageReuse`` for the preview folder, from memory: a page whose fingerprint equals
    the one it was last rendered with is still there as it was (the folder is the session's own,
    written only by its rebuilds), so it is neither stat'ed nor linked."""

    def __init__(self, old: dict[str, str]) -> None:
        self.old = old
        self.new: dict[str, str] = {}
        self.reused = 0

    @property
    def active(self) -> bool:
        """True when some pages may be reused."""
        return bool(self.old)

    def keep(self, dest_uri: str, fingerprint: str) -> bool:
        """Record a page's fingerprint; True when the page in the preview folder is kept."""
        self.new[dest_uri] = fingerprint
        if self.old.get(dest_uri) == fingerprint:
            self.reused += 1
            return True
        return False
