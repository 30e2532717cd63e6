"""The index stage: analyze every unit once and feed both engines.

Returns the browser index files (for the writer to publish) and a staged Whoosh index
that the pipeline installs into ``.mzkb/whoosh`` only when the site build succeeded.

Full builds index every document (large corpora in one worker process per core, each with a
share of the documents and its own segments, while the main process renders: ``start``).
When the cache (``INDEX_CACHE``, ``.mzkb/cache/index.json``) describes the last
build's indexes, only documents whose fingerprint changed are analyzed again: the browser
index keeps its base segment and gets an overlay segment with the changed documents, and
the Whoosh index gets them as a new small segment. An overlay grown past
``OVERLAY_SHARE`` of the corpus is folded back by a full build.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..cache import FORMAT, BadEntry, digest, expect, str_map
from ..config import SiteConfig
from ..seal import is_sealed
from ..content.links import Corpus
from ..foundations import fewer_collections
from . import analyzer
from . import browser_index as bi
from . import records
from .browser_index import BrowserIndex, BrowserIndexBuilder, Segment, assemble, write_segment
from .records import analyze_documents, analyzed_documents, user_words
from .whoosh_writer import StagedIndex, WhooshWriter, join_staged

PARALLEL_FROM = 300
"""Full builds of at least this many documents are indexed in worker processes."""
MAX_WORKERS = 4
OVERLAY_SHARE = 0.2
"""An incremental build whose changed documents exceed this share of the corpus is a full one."""
INDEX_CACHE = "index.json"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")


def check_state(data: object) -> dict:
    """The cached index state read back from JSON (``IndexResult.state``), checked field by
    field; ``cache.BadEntry`` (a full index build) when anything has another shape. Segment
    folder and file names must be plain names: they are joined to paths of the site."""
    expect(data, dict, "index state")
    expect(data["key"], str, "key")
    expect(data["avg"], (int, float), "avg")
    ids = expect(data["ids"], list, "ids")
    if not all(isinstance(i, str) for i in ids):
        raise BadEntry("ids")
    str_map(data["fp"], "fp")
    str_map(data["whoosh_fp"], "whoosh_fp")
    base = []
    for raw in expect(data["base"], list, "base"):
        expect(raw, dict, "segment")
        if set(raw) != {f.name for f in fields(Segment)}:
            raise BadEntry("segment keys")
        files = expect(raw["files"], list, "segment files")
        names = [raw["build"], *files]
        if not all(isinstance(n, str) and _SAFE_NAME.match(n) and ".." not in n for n in names):
            raise BadEntry("segment names")
        for name in ("shards", "first", "count", "terms"):
            if expect(raw[name], int, name) < 0:
                raise BadEntry(name)
        if raw["first"] != sum(b["count"] for b in base):
            raise BadEntry("segments are not contiguous")
        base.append(dict(raw, files=tuple(files)))
    if sum(b["count"] for b in base) != len(ids) or set(ids) - set(data["fp"]):
        raise BadEntry("segments do not match the documents")
    return dict(data, base=base)


@dataclass(frozen=True, slots=True)
class IndexResult:
    """Both indexes of one build."""

    browser: BrowserIndex
    """Files of the browser index (site-relative path -> text), and files reused from the last build."""
    whoosh: StagedIndex | None
    """The committed Whoosh index, waiting in a staging folder (None when not asked for: ``mzkb serve``)."""
    units: int
    """Number of searchable units indexed by this build."""
    state: dict = field(default_factory=dict)
    """What the cache keeps for the next build (saved only when this build succeeds)."""
    reindexed: int = 0
    """Documents analyzed by this build."""
    workers: tuple = ()
    """Full builds: seconds of analysis, browser index and Whoosh index, per worker."""


def index_key(config: SiteConfig, words: frozenset[str]) -> str:
    """Everything outside a document that its index entries depend on: cache format, scoring
    constants, audience labels and synonyms, and the segmenter's user dictionary (``words``:
    ``records.user_words``)."""
    audiences = [(a.key, a.label, tuple(a.synonyms)) for a in config.audiences]
    return digest(FORMAT, bi.FORMAT, bi.K1, bi.B, bi.SCALE, records.UNIT_TEXT, sorted(records.FIELD_WEIGHTS.items()),
                  sorted(records.STATUS_FACTOR.items()), "pinyin, docno prefixes, status in Whoosh postings, prev_ids", audiences,
                  records.AMENDED_SECTION_FACTOR, "amends: below pairs v2", "whoosh: inlined postings keep bytes values",
                  "status records (content.status), below candidates with kinds", "信息公开 fields stored for result cards",
                  "docno owner terms", [list(g) for g in config.synonyms], records.query_aliases(config), sorted(words))


def fingerprints(corpus: Corpus, config: SiteConfig) -> dict[str, str]:
    """Document id -> hash of everything both indexes take from that document.

    Documents are frozen: one that is the very object seen by the last call (``mzkb serve``
    keeps unchanged documents across rebuilds) keeps its fingerprint without hashing again."""
    found, seen = {}, {}
    for doc in corpus.documents:
        last = _LAST_FINGERPRINTS.get(id(doc))
        fingerprint = last[1] if last is not None and last[0] is doc else _fingerprint(doc)
        seen[id(doc)] = (doc, fingerprint)
        found[doc.id] = fingerprint
    _LAST_FINGERPRINTS.clear()
    _LAST_FINGERPRINTS.update(seen)
    return found


_LAST_FINGERPRINTS: dict[int, tuple[object, str]] = {}
"""id(document) -> (document, fingerprint) of the last ``fingerprints`` call (the document is
kept so that its id cannot be reused by another object while the entry exists)."""


def _modified(path) -> int:
    """An attachment's modification time: a file replaced by one of the same size is read again."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return 0


def _fingerprint(doc) -> str:
    # units and fragments are made from these (and the settings in the index key)
    facts = (doc.title, doc.url, doc.type.value, doc.status.value, doc.date.isoformat(), doc.issuer,
             doc.doc_number, doc.edition, doc.region, tuple(doc.audiences), tuple(doc.topics), doc.summary,
             doc.index_number, doc.subjects, doc.recipients,  # 信息公开 fields are in the head unit's meta
             doc.superseded_by,  # Whoosh stores next_ids (chains)
             [(a.rel, a.size, _modified(a.source)) for a in doc.attachments],  # attachment text is indexed too
             tuple((c.anchor, c.active) for c in doc.amended_by), tuple(a.target for a in doc.amends))
    return digest(repr(facts), doc.body, repr(doc.cues), repr([(s.title, s.anchor, s.text) for s in doc.sections if not s.title]))


@dataclass(frozen=True, slots=True)
class Part:
    """What one worker indexed: a browser segment with its files, and a staged Whoosh index."""

    segment: Segment
    files: dict
    avg: float
    whoosh: StagedIndex | None
    units: int
    seconds: dict = field(default_factory=dict)
    """Time spent on analysis, the browser index and the Whoosh index (for the build report)."""


def index_part(docs: list, words: frozenset, config: SiteConfig, whoosh_target: Path | None, first: int,
               number: int = 0, out_dir: Path | None = None, pinyin: dict[str, str] | None = None,
               lengths: tuple | None = None) -> Part:
    """Index some documents (numbered from ``first``): browser segment ``number``, one Whoosh index.

    With ``out_dir`` the segment's files are written to ``out_dir/<segment>/`` here (a worker
    process) instead of being sent back to the main process as text. ``pinyin``: the titles'
    readings (``analyzer.title_pinyin``), read beforehand so that this process never loads pypinyin.
    ``lengths`` (a manager's barrier and dict, shared by the workers of one build): each worker
    posts its documents' total length there and waits for the others, so that every segment is
    scored with the mean length of the whole corpus, as Whoosh scores the joined index.
    """
    with fewer_collections():
        return _index_part(docs, words, config, whoosh_target, first, number, out_dir, pinyin, lengths)


def _mean_length(browser: BrowserIndexBuilder, number: int, lengths: tuple | None) -> None:
    """Set the segment's mean length to the whole corpus's (``index_part``'s ``lengths``)."""
    if lengths is None:
        return
    barrier, totals = lengths
    totals[number] = (sum(map(bi.stored_length, browser.lengths)), len(browser.lengths))
    try:
        barrier.wait(BARRIER_SECONDS)
    except BaseException:
        barrier.abort()  # the other workers stop waiting too (their error is this one's)
        raise
    total = [totals[n] for n in range(barrier.parties)]
    browser.fixed_avg = sum(t for t, _ in total) / max(1, sum(c for _, c in total))


BARRIER_SECONDS = 3600
"""How long an index worker waits for the others' lengths before the build fails."""


def _index_part(docs: list, words: frozenset, config: SiteConfig, whoosh_target: Path | None, first: int,
                number: int, out_dir: Path | None, pinyin: dict[str, str] | None, lengths: tuple | None) -> Part:
    clock = time.perf_counter
    spent = {"analysis": 0.0, "browser": 0.0, "whoosh": 0.0}
    browser = BrowserIndexBuilder(config, first=first, number=number)
    whoosh = _Whoosh(whoosh_target, postings=browser.postings)  # one store of postings for both
    try:
        started = clock()
        for i, (doc, units, analyzed) in enumerate(analyze_documents(docs, config, words, pinyin)):
            docs[i] = None  # this worker's copy of the document is not needed any more
            t1 = clock()
            terms = browser.add(doc, units, analyzed)
            t2 = clock()
            whoosh.add(doc, units, analyzed, terms)
            t3 = clock()
            spent["analysis"] += t1 - started
            spent["browser"] += t2 - t1
            spent["whoosh"] += t3 - t2
            started = clock()
        _mean_length(browser, number, lengths)
        avg = browser.avg
        t1 = clock()
        segment, files = browser.finish(as_text=out_dir is None)  # before Whoosh's commit releases the postings
        if out_dir is not None:
            folder = out_dir / segment.build
            files = (folder, write_segment(folder, files))
        t2 = clock()
        staged = whoosh.commit()
        spent["browser"] += t2 - t1
        spent["whoosh"] += clock() - t2
    except BaseException:
        whoosh.discard()
        raise
    return Part(segment, files, avg, staged, whoosh.count, {k: round(v, 2) for k, v in spent.items()})


def combine(parts: list[Part], corpus: Corpus, config: SiteConfig, fps: dict, key: str) -> IndexResult:
    """The result of a full build from its parts (segments in document order)."""
    segments = [part.segment for part in parts]
    index = assemble(config, segments, dict(enumerate(corpus.documents)), [part.files for part in parts])
    staged = [p.whoosh for p in parts if p.whoosh is not None]
    whoosh = join_staged(staged) if len(staged) > 1 else (staged[0] if staged else None)
    avg = sum(p.avg * p.segment.count for p in parts) / max(1, sum(p.segment.count for p in parts))
    state = {"key": key, "avg": avg, "base": [asdict(s) for s in segments], "ids": [d.id for d in corpus.documents],
             "fp": fps, "whoosh_fp": fps}
    return IndexResult(index, whoosh, sum(p.units for p in parts), state, len(corpus.documents),
                       tuple(p.seconds for p in parts))


def index_corpus(corpus: Corpus, config: SiteConfig, whoosh_target: Path | None, fps: dict, key: str,
                 words: frozenset[str]) -> IndexResult:
    """Full build in this process: one browser segment and a new Whoosh index."""
    part = index_part(list(corpus.documents), words, config, whoosh_target, 0)
    return combine([part], corpus, config, fps, key)


def changed_since_base(corpus: Corpus, fps: dict, state: dict | None) -> list:
    """The documents whose fingerprint differs from the base segments' (new ones included)."""
    if not state:
        return list(corpus.documents)
    return [d for d in corpus.documents if state["fp"].get(d.id) != fps[d.id]]


def update_index(corpus: Corpus, config: SiteConfig, whoosh_target: Path, fps: dict, state: dict,
                 overlay: list, words: frozenset[str]) -> IndexResult:
    """Incremental build: an overlay segment (``overlay``: ``changed_since_base``) and a Whoosh
    update for the changed documents."""
    base = [Segment(**segment) for segment in state["base"]]
    base_count = sum(segment.count for segment in base)
    base_numbers = {doc_id: n for n, doc_id in enumerate(state["ids"])}
    in_overlay = {d.id for d in overlay}
    stale, gone = set(), set()
    if whoosh_target is not None:  # what the installed Whoosh index holds in another version
        stale = {d.id for d in corpus.documents if state["whoosh_fp"].get(d.id) != fps[d.id]}
        gone = set(state["whoosh_fp"]) - set(fps)
    wanted = in_overlay | stale
    builder = BrowserIndexBuilder(config, first=base_count, avg=state["avg"], number=len(base))
    whoosh = _Whoosh(whoosh_target, update=True)
    try:
        for doc_id in sorted(stale | gone):
            whoosh.remove(doc_id)
        for doc, units, analyzed in _overlay_analyses(corpus, config, wanted, words, fps):
            terms = builder.add(doc, units, analyzed) if doc.id in in_overlay else None
            if doc.id in stale:
                whoosh.add(doc, units, analyzed, terms)  # weighed once when the overlay has it too
        staged = whoosh.commit()
    except BaseException:
        whoosh.discard()
        raise
    numbered = {base_numbers[d.id]: d for d in corpus.documents if d.id in base_numbers and d.id not in in_overlay}
    segments, files = list(base), [{} for _ in base]
    if builder.ids:
        segment, written = builder.finish()
        numbered |= {segment.first + i: corpus.by_id[doc_id] for i, doc_id in enumerate(builder.ids)}
        segments.append(segment)
        files.append(written)
    index = assemble(config, segments, numbered, files)
    return IndexResult(index, staged, whoosh.count, dict(state, whoosh_fp=fps), len(wanted))


_LAST_ANALYSES: dict[str, tuple] = {}
"""Document id -> (document, words, fingerprint, units, analyses) of the last ``update_index``:
the documents of the overlay segment (the document is kept so that its object is not reused)."""


def _overlay_analyses(corpus: Corpus, config: SiteConfig, wanted: set[str], words: frozenset[str], fps: dict):
    """``analyzed_documents(corpus, config, only=wanted)``, taking the analyses of the last update
    for documents that are the very same objects with the same fingerprint and segmenter words
    (``mzkb serve``: the overlay is written again on every rebuild, but only the documents edited
    since the last one are analyzed again; the index key, checked by ``can_update``, covers
    the configuration). Kept: the analyses of this update's documents only."""
    kept = {}
    for doc in corpus.documents:
        last = _LAST_ANALYSES.get(doc.id) if doc.id in wanted else None
        if last is not None and last[0] is doc and last[1] == words and last[2] == fps[doc.id]:
            kept[doc.id] = last[3:]
    todo = wanted - set(kept)
    fresh = {d.id: (u, a) for d, u, a in analyzed_documents(corpus, config, only=todo, words=words)} if todo else {}
    _LAST_ANALYSES.clear()
    for doc in corpus.documents:
        if doc.id in wanted:
            units, analyzed = kept[doc.id] if doc.id in kept else fresh[doc.id]
            _LAST_ANALYSES[doc.id] = (doc, words, fps[doc.id], units, analyzed)
            yield doc, units, analyzed


def can_update(state: dict | None, key: str, corpus: Corpus, overlay: list, whoosh_target: Path,
               previous_site: Path | None) -> bool:
    """True when the last build's indexes can be updated instead of rebuilt."""
    if not state or state.get("key") != key or previous_site is None:
        return False
    try:
        for segment in state["base"]:
            if len(os.listdir(previous_site / "search" / segment["build"])) != len(segment["files"]):
                return False
        if whoosh_target is not None and not (any(whoosh_target.glob("*.toc")) and is_sealed(whoosh_target)):
            return False  # a Whoosh index this user's mzkb did not write is never opened (it holds pickles)
    except OSError:
        return False
    return len(overlay) <= max(10, OVERLAY_SHARE * len(corpus.documents))


class _Whoosh:
    """A ``WhooshWriter``, or nothing when no Whoosh index is wanted."""

    def __init__(self, target: Path | None, update: bool = False, postings=None) -> None:
        self.writer = WhooshWriter(target, update, postings) if target is not None else None
        self.count = 0

    def add(self, doc, units, analyzed, terms=None) -> None:
        self.count += len(units)
        if self.writer:
            self.writer.add(doc, units, analyzed, terms)

    def remove(self, doc_id: str) -> None:
        if self.writer:
            self.writer.remove(doc_id)

    def commit(self) -> StagedIndex | None:
        return self.writer.commit() if self.writer else None

    def discard(self) -> None:
        if self.writer:
            self.writer.discard()


_SPAWN = multiprocessing.get_context("spawn")


def read_pinyin(titles: list[str]) -> dict[str, str]:
    """``analyzer.title_pinyin`` in a short-lived process of its own: pypinyin's dictionaries
    (~55 MiB) then never load into the index workers or the rendering process."""
    with ProcessPoolExecutor(max_workers=1, mp_context=_SPAWN) as pool:
        return pool.submit(analyzer.title_pinyin, titles).result()


class Pending:
    """An index being built: inline (small corpora, updates) or in worker processes (large full builds)."""

    def __init__(self, corpus: Corpus, config: SiteConfig, whoosh_target: Path, state: dict | None = None,
                 previous_site: Path | None = None, out_dir: Path | None = None) -> None:
        self._pool = None
        words = user_words(corpus, config)
        key = index_key(config, words)
        fps = fingerprints(corpus, config)
        overlay = changed_since_base(corpus, fps, state)
        if can_update(state, key, corpus, overlay, whoosh_target, previous_site):
            self._result = update_index(corpus, config, whoosh_target, fps, state, overlay, words)
        elif len(corpus.documents) >= PARALLEL_FROM:
            # one worker per core, each indexing a contiguous share of the documents into its own
            # segment, while this process renders; a thread first has the titles' pinyin read
            # (in a process of its own), then hands the shares to the workers
            workers = max(1, min(MAX_WORKERS, os.cpu_count() or 1))
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_SPAWN)
            self._manager = _SPAWN.Manager()  # the workers' shared lengths (``index_part``)
            self._lengths = None
            self._futures: list = []
            self._failed: BaseException | None = None
            self._submitter = threading.Thread(target=self._submit, daemon=True,
                                               args=(corpus, config, whoosh_target, out_dir, workers, words))
            self._submitter.start()
            self._args = (corpus, config, fps, key)
        else:
            self._result = index_corpus(corpus, config, whoosh_target, fps, key, words)

    def _submit(self, corpus: Corpus, config: SiteConfig, whoosh_target: Path, out_dir: Path | None,
                workers: int, words: frozenset[str]) -> None:
        try:
            docs = list(corpus.documents)
            pinyin = read_pinyin(sorted({d.title for d in docs}))
            bounds = [len(docs) * i // workers for i in range(workers + 1)]
            lengths = self._lengths = (self._manager.Barrier(workers), self._manager.dict())
            self._futures = [self._pool.submit(index_part, docs[lo:hi], words, config, _part_target(whoosh_target, i),
                                               lo, i, out_dir, {d.title: pinyin[d.title] for d in docs[lo:hi]}, lengths)
                             for i, (lo, hi) in enumerate(zip(bounds, bounds[1:]))]
        except BaseException as exc:  # re-raised by ``result`` in the main thread
            self._failed = exc

    def result(self) -> IndexResult:
        """Wait for the index (re-raising a worker's exception, if any)."""
        if self._pool is None:
            return self._result
        try:
            self._submitter.join()
            if self._failed is not None:
                raise self._failed
            parts = [future.result() for future in self._futures]
        except BaseException:
            if getattr(self, "_lengths", None) is not None:
                self._lengths[0].abort()  # workers still waiting for the others' lengths stop
            for future in self._futures:
                if future.done() and future.exception() is None and future.result().whoosh is not None:
                    future.result().whoosh.discard()
            raise
        finally:
            self._pool.shutdown()
            self._manager.shutdown()
        self._result = combine(parts, *self._args)
        self._pool = None
        return self._result


def _part_target(whoosh_target: Path | None, number: int) -> Path | None:
    """Where worker ``number`` stages its Whoosh index (joined into the first one afterwards)."""
    if whoosh_target is None or number == 0:
        return whoosh_target
    return whoosh_target.parent / f"{whoosh_target.name}-part{number}"


def start(corpus: Corpus, config: SiteConfig, whoosh_target: Path, state: dict | None = None,
          previous_site: Path | None = None, out_dir: Path | None = None) -> Pending:
    """Begin indexing; call ``result()`` when the index is needed.

    ``state`` is the cached description of the last build's indexes and ``previous_site``
    the folder that build wrote; with both, unchanged documents are not indexed again.
    ``out_dir``: where worker processes write their segments (``BrowserIndex.moved``).
    """
    return Pending(corpus, config, whoosh_target, state, previous_site, out_dir)
