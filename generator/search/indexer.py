"""Stage 5, index: analyze every unit once and feed both engines.

Returns the browser index files (for the writer to publish) and a staged Whoosh index
that the pipeline installs into ``.mzkb/whoosh`` only when the site build succeeded.
Large corpora are indexed in a second process while the main one renders (``start``).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..config import SiteConfig
from ..content.links import Corpus
from .browser_index import BrowserIndex, BrowserIndexBuilder
from .records import analyzed_documents
from .whoosh_index import StagedIndex, WhooshWriter


PARALLEL_FROM = 300
"""Corpora with at least this many documents are indexed in a second process."""


@dataclass(frozen=True, slots=True)
class IndexResult:
    """Both indexes of one build."""

    browser: BrowserIndex
    """Files of the browser index (site-relative path -> text)."""
    whoosh: StagedIndex
    """The committed Whoosh index, waiting in a staging folder."""
    units: int
    """Number of searchable units."""


def index_corpus(corpus: Corpus, config: SiteConfig, whoosh_target: Path) -> IndexResult:
    """One pass over the corpus: units -> analysis -> browser index builder and Whoosh writer."""
    browser = BrowserIndexBuilder(config)
    whoosh = WhooshWriter(whoosh_target)
    try:
        for doc, units, analyzed in analyzed_documents(corpus, config):
            browser.add(doc, units, analyzed)
            whoosh.add(doc, units, analyzed)
        staged = whoosh.commit()
    except BaseException:
        whoosh.discard()
        raise
    return IndexResult(browser.finish(), staged, whoosh.count)


class Pending:
    """An index being built, inline (small corpora) or in a second process (large ones)."""

    def __init__(self, corpus: Corpus, config: SiteConfig, whoosh_target: Path) -> None:
        self._pool = None
        if len(corpus.documents) >= PARALLEL_FROM:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self._future = self._pool.submit(index_corpus, corpus, config, whoosh_target)
        else:
            self._result = index_corpus(corpus, config, whoosh_target)

    def result(self) -> IndexResult:
        """Wait for the index (re-raising the worker's exception, if any)."""
        if self._pool is None:
            return self._result
        try:
            return self._future.result()
        finally:
            self._pool.shutdown()


def start(corpus: Corpus, config: SiteConfig, whoosh_target: Path) -> Pending:
    """Begin indexing; call ``result()`` when the index is needed."""
    return Pending(corpus, config, whoosh_target)
