"""The browser index: plain scripts loaded with <script>, split so one query loads little.

Layout under ``search/`` of the site. The index is made of segments (``H`` = a segment's
content hash): a full build writes one; an incremental build keeps it and adds an overlay
segment with the documents that changed since (their old numbers become dead).

- ``manifest.js``   small: the segments (folder, shard count, document numbers), dead
                    numbers, option lists for filters, synonym groups
- ``H/sN.js``       term shards: every term whose first two characters hash to shard N,
                    with document postings (document delta, score, best unit) as base-64
                    varints in one string; score = the term-frequency part of the BM25F that
                    ``mzkb search`` (Whoosh) computes: the field-weighted frequency over the
                    whole document times its status factor, normalized by the document's
                    field-weighted length, quantized; ``search.js`` multiplies by the idf
                    (Whoosh's formula) — one scoring model in both engines
- ``H/fD.js``       one fragment per document: title, URL, badges, and the unit anchors,
                    headings and texts (for snippets) as UTF-16 + deflate + base 85
                    (``pack_texts``; read by search-inflate.js)
- ``H/rD.js``       for a document with a unit longer than ``records.UNIT_TEXT``: the rest of
                    those units' texts, packed as the fragment's (loaded only to check a full
                    match, ``ranking.holds_query``, or to cut a snippet there)
- ``H/pN.js``       position shards (``positions``): per bigram and Latin word, its offsets in
                    each document's visible texts, sharded by the term shards' key (a long
                    list in a file of its own, ``pN.K.js``, its number K in ``pN.js``); loaded
                    only to prove a full-match count its postings cannot (``search-positions.js``)
- ``docs-X.js``     per-document filter data, loaded only when a filter is used

Each file calls ``mzkbSearch.load(kind, n, data[, segment])``; no fetch, no worker, no modules, so it
works the same from file:// and http://.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat
from operator import add, mul, sub, truediv
from pathlib import Path

from whoosh.util.numeric import byte_to_length, length_to_byte

from .. import urls
from ..config import SiteConfig
from ..content.model import DocType, Status
from ..foundations import js_json
from ..regions import load_regions
from . import analyzer
from .positions import ALONE, PLACE_TARGET_BYTES, PositionsBuilder, visible_texts
from .postings import DocTerms, Postings, document_terms, take
from ..content.status import doc_record
from .records import ALWAYS, MEASURE, UNIT_TEXT, below_candidates, edition_chains, query_aliases, section_unit, status_factor, synonym_groups

K1, B = 1.2, 0.75
"""BM25F constants, Whoosh's defaults (``whoosh.scoring.BM25F``), so both engines score alike."""
SCALE = 20
"""Scores are stored as round(score * SCALE)."""
FORMAT = "bm25f per document, whoosh idf; topics in fragments and Whoosh; units and texts utf-16 deflate b85; postings v2; status records in the manifest; hidden flag, rests; positions"
"""What the postings mean; ``indexer.index_key`` hashes it, so a change rebuilds cached indexes."""
SHARD_TARGET_BYTES = 4_000
HIDDEN = 128
"""Added to a posting's best unit when the document holds the term only in fields a reader does not
see (``RECALL_FIELDS``): such a posting never makes a full match (``ranking.holds_query``)."""
RECALL_FIELDS = ("meta", "pinyin")
"""Fields indexed for recall only: audience labels, issuer, topics … and the title's pinyin."""


@dataclass(frozen=True, slots=True)
class BrowserIndex:
    """The files of the browser index (site-relative path -> text) and a few numbers."""

    files: dict
    terms: int
    shards: int
    bytes: int
    reused: tuple = ()
    """Site-relative paths of files taken unchanged from the previous build (incremental builds)."""
    moved: tuple = ()
    """(folder, site-relative path) of segment folders that index workers wrote to disk."""


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of the browser index: a folder ``search/<build>/`` of shards and fragments
    for the documents numbered ``first`` .. ``first + count - 1``."""

    build: str
    shards: int
    first: int
    count: int
    files: tuple
    """File names inside the folder."""
    terms: int = 0
    positions: int = 0
    """Position shards (``pN.js``; 0: none, an index written before them)."""

    def manifest(self) -> dict:
        """How ``search.js`` finds this segment."""
        return {"b": self.build, "s": self.shards, "f": self.first, "n": self.count, "p": self.positions}


def _js(kind: str, number: int, data: object, segment: int | None = None) -> str:
    payload = js_json(data, separators=(",", ":"), sort_keys=True)
    extra = "" if segment is None else f",{segment}"
    return f"mzkbSearch.load({json.dumps(kind)},{number},{payload}{extra});\n"


def province(doc) -> str:
    """Full name of a case's province from the region table ('' when unknown)."""
    found = load_regions().province_for(doc.region, doc.region_code)
    return found.name if found else ""


class BrowserIndexBuilder:
    """Collects analyzed units document by document, then writes one segment.

    Documents are numbered from ``first``; ``avg`` (mean document length) is taken from the base
    segment when this one is an overlay, so scores of both segments are comparable. The
    postings (``postings.Postings``) are what a full build's Whoosh writer posts too.
    """

    def __init__(self, config: SiteConfig, first: int = 0, avg: float | None = None, number: int = 0) -> None:
        self.config = config
        self.first, self.fixed_avg, self.number = first, avg, number
        self.ids: list[str] = []
        self.factors: list[float] = []
        """Per document: id and status factor (documents themselves are not kept: memory)."""
        self.postings = Postings()
        self.lengths = array("I")
        """Per document: its field-weighted length, as Whoosh stores it (``doc_length``)."""
        self.fragments: dict[int, bytes] = {}
        """Per document: its fragment file, UTF-8 (half the memory of the text: it holds Han characters)."""
        self.rests: dict[int, bytes] = {}
        """Per document with a unit longer than ``UNIT_TEXT``: its rest file."""
        self.positions = PositionsBuilder()

    def add(self, doc, units: list, analyzed: list[dict[str, Counter]]) -> DocTerms:
        """Add one document: its units and, for each unit, field -> term counts. Returns the
        document's terms (what the Whoosh index stores too)."""
        terms = document_terms(units, analyzed)
        hidden = recall_only(analyzed)
        di = self.postings.add(DocTerms(terms.weights, {**terms.best, **{t: terms.best[t] | HIDDEN for t in hidden}},
                                        terms.length) if hidden else terms)
        self.ids.append(doc.id)
        self.factors.append(status_factor(doc.status.value))
        self.lengths.append(max(1, terms.length))
        self.fragments[di] = _js("frag", self.first + di, _fragment(doc, units, self.config)).encode("utf-8")
        self.positions.add(self.first + di, visible_texts(doc, units))
        rest = rests(doc, units)
        if rest:
            self.rests[di] = _js("rest", self.first + di, pack_texts(rest)).encode("utf-8")
        return terms

    @property
    def avg(self) -> float:
        """Mean document length used for BM25F's length normalization: of the lengths as Whoosh
        stores them (``stored_length``), which a Whoosh merge keeps (``whoosh_index.SharedBM25F``)."""
        if self.fixed_avg is not None:
            return self.fixed_avg
        return sum(map(stored_length, self.lengths)) / max(len(self.lengths), 1)

    def finish(self, as_text: bool = True) -> tuple[Segment, dict[str, str | bytes]]:
        """Score, shard and serialize; return the segment and its files (name -> text; with
        ``as_text=False`` the fragments stay UTF-8 bytes, for ``write_segment``)."""
        postings = _score(self.postings, self.lengths, self.factors, self.avg, self.first)
        size = sum(len(t.encode()) + len(p) + 6 for t, p in postings.items())
        shard_count = max(1, min(8192, size // SHARD_TARGET_BYTES))
        shards: dict[int, dict[str, str]] = defaultdict(dict)
        for term in sorted(postings):
            shards[shard_of(analyzer.shard_key(term), shard_count)][term] = postings[term]
        files = {f"s{n}.js": _js("shard", n, shards.get(n, {}), self.number or None) for n in range(shard_count)}
        place_count, place_files = _position_files(self.positions.numbers(), self.number or None)
        files |= place_files
        files |= {f"f{self.first + di}.js": data.decode("utf-8") if as_text else data for di, data in self.fragments.items()}
        files |= {f"r{self.first + di}.js": data.decode("utf-8") if as_text else data for di, data in self.rests.items()}
        self.fragments.clear()
        self.rests.clear()
        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode() + b"\0" + _utf8(files[name]))
        segment = Segment(digest.hexdigest()[:12], shard_count, self.first, len(self.ids), tuple(sorted(files)), len(postings),
                          place_count)
        return segment, files


def _position_files(numbers: dict[str, list[int]], segment: int | None) -> tuple[int, dict[str, str]]:
    """The position shards of a segment (``positions.py``): ``pN.js`` holds the terms whose shard key
    hashes to N; a term whose positions take more than ``positions.ALONE`` characters has a file of
    its own, ``pN.K.js``, and ``pN.js`` holds K in its place — a query loads the big lists it asks
    for and never another word's."""
    places = {term: encode_varints(found) for term, found in numbers.items()}
    small = sum(len(t.encode()) + len(p) + 6 for t, p in places.items() if len(p) <= ALONE)
    count = max(1, min(8192, small // PLACE_TARGET_BYTES))
    shards: dict[int, dict[str, str | int]] = defaultdict(dict)
    files = {}
    for term in sorted(places):
        n, text = shard_of(analyzer.shard_key(term), count), places[term]
        if len(text) > ALONE:
            alone = shards[n][term] = sum(isinstance(v, int) for v in shards[n].values())
            files[f"p{n}.{alone}.js"] = _js("pos", n, {term: text}, segment)
        else:
            shards[n][term] = text
    files |= {f"p{n}.js": _js("pos", n, shards.get(n, {}), segment) for n in range(count)}
    return count, files


def recall_only(analyzed: list[dict[str, Counter]]) -> set[str]:
    """Terms a document holds only in ``RECALL_FIELDS`` (none of its visible fields has them)."""
    recall, seen = set(), set()
    for fields in analyzed:
        for name, counts in fields.items():
            (recall if name in RECALL_FIELDS else seen).update(counts)
    return recall - seen


def rests(doc, units) -> list:
    """[unit, text beyond ``UNIT_TEXT``] for each unit whose text is longer (fragments keep the first
    ``UNIT_TEXT`` characters): with them a unit's whole text is fragment text + rest."""
    return [[i, text[UNIT_TEXT:]] for i, text in enumerate((u.text or doc.summary) for u in units) if len(text) > UNIT_TEXT]


def _utf8(text: str | bytes) -> bytes:
    return text if isinstance(text, bytes) else text.encode("utf-8")


def write_segment(folder: Path, files: dict[str, str | bytes]) -> int:
    """Write a segment's files into ``folder`` (an index worker does this; the pipeline moves
    the folder into the site), return their size in bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    size = 0
    for name, text in files.items():
        data = _utf8(text)
        (folder / name).write_bytes(data)
        size += len(data)
    return size


def assemble(config: SiteConfig, segments: list[Segment], numbered: dict[int, object], segment_files: list) -> BrowserIndex:
    """The whole browser index: each segment's folder, ``docs-<hash>.js`` (filter data per
    document number; replaced or removed numbers are ``null``) and ``manifest.js``.

    ``numbered`` maps the live document numbers to their documents; numbers of every
    segment that are not in it are dead (the document changed or was removed).
    ``segment_files[i]`` holds segment i's files, or is empty when they are reused, or is a
    (folder, bytes) pair when an index worker has written them to disk already.
    """
    total = max((s.first + s.count for s in segments), default=0)
    facts = _facts_of(numbered.values())
    docs = [numbered[n] for n in sorted(numbered)]
    rows = _doc_filters(numbered, total, config, facts)
    docs_text = _js("docs", 0, rows)
    docs_name = f"docs-{hashlib.sha256(docs_text.encode()).hexdigest()[:12]}.js"
    manifest = {
        "segments": [s.manifest() for s in segments], "dead": [n for n in range(total) if n not in numbered],
        "docs": len(numbered), "docsFile": docs_name, "scale": SCALE,
        "maxWord": analyzer.MAX_WORD, "minWord": analyzer.MIN_WORD,
        "maxQuery": analyzer.MAX_QUERY, "maxQueryTerms": analyzer.MAX_QUERY_TERMS,
        "types": [[t.value, t.label] for t in DocType],
        "statuses": [[s.value, s.label] for s in Status],
        "audiences": [[a.key, a.label] for a in config.audiences],
        "regions": _regions(docs, facts),
        "years": sorted({facts[id(d)].year for d in docs}, reverse=True),
        "synonyms": [[analyzer.normalize(w) for w in g] for g in synonym_groups(config)],
        "aliases": [list(pair) for pair in query_aliases(config)],
        "chains": chains(numbered), "example": example(docs, facts), "below": _below(numbered, facts),
        "dated": _dated(numbered, facts),
    }
    fold_files, manifest["fold"] = _fold_files()
    moved = tuple((written[0], urls.search_file(segment.build)) for segment, written in zip(segments, segment_files)
                  if isinstance(written, tuple))
    files = {urls.search_file(f"{segment.build}/{name}"): text
             for segment, written in zip(segments, segment_files) if isinstance(written, dict)
             for name, text in written.items()}
    files[urls.search_file(docs_name)] = docs_text
    files.update(fold_files)
    files[urls.search_file("manifest.js")] = _js("manifest", 0, manifest)
    reused = tuple(chain.from_iterable(_segment_paths(segment.build, tuple(segment.files))
                                       for segment, written in zip(segments, segment_files)
                                       if isinstance(written, dict) and not written))
    size = sum(len(t.encode()) for t in files.values()) + sum(w[1] for w in segment_files if isinstance(w, tuple))
    return BrowserIndex(files, sum(s.terms for s in segments), sum(s.shards for s in segments), size, reused, moved)


@lru_cache(maxsize=8)
def _segment_paths(build: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The site paths of a segment's files (a kept segment's, the same on every rebuild of ``mzkb serve``)."""
    return tuple(urls.search_file(f"{build}/{name}") for name in names)


def _fold_files() -> tuple[dict[str, str], dict]:
    """The traditional -> simplified table as ``analyzer.FOLD_CHUNKS`` scripts in a folder named
    by their hash (``search/fold-<hash>/t<n>.js``), and its manifest entry (folder, part count)."""
    texts = [_js("fold", n, part) for n, part in enumerate(analyzer.fold_parts())]
    folder = "fold-" + hashlib.sha256("".join(texts).encode()).hexdigest()[:12]
    return {urls.search_file(f"{folder}/t{n}.js"): text for n, text in enumerate(texts)}, {"dir": folder, "n": len(texts)}


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
"""Varint digits: 0..31 end a number, 32..63 continue it (5 bits each, least significant first)."""


def encode_varints(numbers: list[int]) -> str:
    """Non-negative integers -> compact JSON-safe text (``search.js`` decodes it)."""
    out = []
    for n in numbers:
        while n >= 32:
            out.append(ALPHABET[32 + (n & 31)])
            n >>= 5
        out.append(ALPHABET[n])
    return "".join(out)


def decode_varints(text: str) -> list[int]:
    """Inverse of ``encode_varints``."""
    numbers, value, shift = [], 0, 0
    for ch in text:
        digit = ALPHABET.index(ch)
        if digit >= 32:
            value |= (digit - 32) << shift
            shift += 5
        else:
            numbers.append(value | (digit << shift))
            value, shift = 0, 0
    return numbers


def shard_of(key: str, shards: int) -> int:
    """Shard number of a shard key: 32-bit rolling hash (h * 31 + code unit), same in search.js."""
    h = 0
    data = key.encode("utf-16-le")  # JavaScript strings are UTF-16 code units
    for i in range(0, len(data), 2):
        h = (h * 31 + (data[i] | data[i + 1] << 8)) & 0xFFFFFFFF
    return h % shards


class _Varints(dict):
    """Number -> its ``encode_varints`` digits, each computed once."""

    def __missing__(self, number: int) -> str:
        digits = self[number] = encode_varints([number])
        return digits


def stored_length(length: int) -> int:
    """A document length as Whoosh keeps it (one byte, ``whoosh.util.numeric``): the browser's
    length normalization uses it too, so both engines compute the same scores."""
    return byte_to_length(length_to_byte(length))


def quantized(saturated: float) -> int:
    """A posting's BM25 term-frequency part as both engines score it: ``SCALE`` steps, at least one
    (the browser stores the integer; ``whoosh_index.SharedBM25F`` rounds Whoosh's value the same way)."""
    return max(1, round(saturated * SCALE))


def _score(postings: Postings, lengths: array, factors: list[float], avg: float, first: int = 0) -> dict[str, str]:
    """Per term and document: BM25F's term-frequency part as Whoosh computes it (``bm25`` in
    ``whoosh.scoring``): tf = the term's field-weighted frequency over the document
    (``DocTerms.weights``) times the status factor; length = the document's field-weighted
    length. Quantized, encoded as (doc delta, score, best unit) varints; the best unit is the
    one holding most of the term's weight (the deep link). The idf is applied by ``search.js``
    from the number of live postings, so a document's postings depend on that document alone
    and segments can be added later. Each step is a C-level ``map`` over a term's postings."""
    k1 = K1 + 1
    pivot = [K1 * (1 - B + B * stored_length(length) / avg) for length in lengths]
    digits = _Varints()
    result: dict[str, str] = {}
    for term, docs, weights, best in postings.by_term():
        tf = list(map(mul, weights, take(factors, docs)))
        # max(1, round(tf * k1 / (tf + pivot) * SCALE))
        saturated = map(truediv, map(mul, tf, repeat(k1)), map(add, tf, take(pivot, docs)))
        scores = map(max, repeat(1), map(round, map(mul, saturated, repeat(SCALE))))
        deltas = map(sub, docs, chain((-first,), docs))
        result[term] = "".join(map(digits.__getitem__, chain.from_iterable(zip(deltas, scores, best))))
    return result


def pack_texts(texts: list) -> str:
    """Unit texts (any JSON value) -> JSON as UTF-16 (two bytes a Han character instead of UTF-8's three, which
    deflate packs better), raw deflate (no zlib header), base 85 (RFC 1924 digits: five
    characters for four bytes, none that JSON escapes); search-inflate.js reads it in any browser."""
    raw = json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode("utf-16-be")
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b85encode(packer.compress(raw) + packer.flush()).decode("ascii")


def unpack_texts(packed: str) -> list:
    """Inverse of ``pack_texts``."""
    return json.loads(zlib.decompress(base64.b85decode(packed), -15).decode("utf-16-be"))


def _fragment(doc, units, config: SiteConfig) -> dict:
    """What a result shows: title, badges and facts, and — packed (``z``: [units as [anchor,
    heading(, "a" for an attachment)], unit texts]) because they are most of a fragment's bytes —
    the unit anchors and headings and the unit texts for snippets."""
    labels = {a.key: a.label for a in config.audiences}
    all_audiences = len(doc.audiences) == len(config.audiences) and len(config.audiences) > 1
    data = {
        "t": doc.title, "u": doc.url, "y": doc.type.value, "s": doc.status.value, "d": doc.date.isoformat(),
        "i": doc.issuer, "n": doc.doc_number, "e": doc.edition, "r": doc.region,
        "a": ["全部机构"] if all_audiences else [labels[k] for k in doc.audiences],
        **({"m": 1} if rests(doc, units) else {}),
        "z": pack_texts([[[u.anchor, u.heading, "a"] if u.kind == "attachment" else [u.anchor, u.heading] for u in units],
                         [(u.text or doc.summary)[:UNIT_TEXT] for u in units]]),
    }
    if doc.topics:  # shown when they hold the query (ranking.matched_topics)
        data["p"] = list(doc.topics)
    for key, value in (("k", doc.index_number), ("j", "、".join(doc.subjects)), ("o", doc.recipients)):
        if value:  # 信息公开: 索引号, 主题分类, 主送 (shown on the result card)
            data[key] = value
    return data


def _below(numbered: dict[int, object], facts: dict[int, DocFacts] | None = None) -> dict[str, list[list]]:
    """Document number -> [target number, own unit (-1: any, -2: always), [target units] (empty: any),
    kind (0: a measure's, 1: an amended section's)] for each ``records.below_candidates`` pair
    (``search.js``: ``keepBelow`` keeps those that bind on the reader's day, ``records.binds_on``)."""
    facts = facts or _facts_of(numbered.values())
    number = {doc.id: n for n, doc in numbered.items()}
    found = {}
    for n, doc in sorted((n, d) for n, d in numbered.items() if facts[id(d)].below):
        pairs = [p for p in facts[id(doc)].below if p[0] in number]
        if pairs:
            found[str(n)] = [[number[t], -2 if own == ALWAYS else section_unit(doc, own) if own else -1,
                              [section_unit(numbered[number[t]], a) for a in anchors], 0 if kind == MEASURE else 1]
                             for t, own, anchors, kind in pairs]
    return found


def _dated(numbered: dict[int, object], facts: dict[int, DocFacts] | None = None) -> dict[str, list]:
    """Document number -> its ``content.status`` record (amenders as numbers) and, last, the status
    the build judged (in its postings): ``validity.js`` judges the reader's day with them."""
    facts = facts or _facts_of(numbered.values())
    number = {doc.id: n for n, doc in numbered.items()}
    found = {}
    for n, doc in sorted((n, d) for n, d in numbered.items() if facts[id(d)].record is not None):
        rec = facts[id(doc)].record
        found[str(n)] = [*rec[:3], [number[a] for a in rec[3] if a in number], doc.status.value]
    return found


def chains(numbered: dict[int, object]) -> list[list[int]]:
    """Edition chains as lists of live document numbers, the current edition first, then newest
    first: ``search.js`` folds a chain's matches into one result headed by its first match."""
    number_of = {doc.id: n for n, doc in numbered.items()}
    groups: dict[str, list] = defaultdict(list)
    for doc_id, key in edition_chains(list(numbered.values())).items():
        groups[key].append(numbered[number_of[doc_id]])
    order = lambda d: (not d.status.in_force, -d.date.toordinal(), d.id)  # noqa: E731
    return [[number_of[d.id] for d in sorted(members, key=order)] for _key, members in sorted(groups.items())
            if len(members) > 1]


def example(docs, facts: dict[int, DocFacts] | None = None) -> str:
    """The search box's example, chosen at build time from the knowledge base itself: the 文号
    of the newest current document that has one, else the newest current short title (newest:
    latest date, then greatest id)."""
    facts = facts or _facts_of(docs)
    current = [d for d in docs if d.status.value == "current"]
    newest = lambda d: (d.date, d.id)  # noqa: E731
    numbered = [d for d in current if facts[id(d)].has_docno]
    if numbered:
        return max(numbered, key=newest).doc_number
    short = [d for d in current if len(d.title) <= 16]
    return max(short, key=newest).title if short else (max(current, key=newest).title if current else "")


def _regions(docs, facts: dict[int, DocFacts] | None = None) -> list[str]:
    facts = facts or _facts_of(docs)
    return sorted({facts[id(d)].province for d in docs} - {""})


def _doc_filters(numbered: dict[int, object], total: int, config: SiteConfig,
                 facts: dict[int, DocFacts] | None = None) -> list:
    """Filter data per document number: [type, status, year, audience bits, region, date as
    yyyymmdd] or null (the date orders 文号 listings newest first)."""
    facts = facts or _facts_of(numbered.values())
    keys = [a.key for a in config.audiences]
    bits = {k: 1 << keys.index(k) for k in keys}
    regions = {name: n for n, name in enumerate(_regions(numbered.values(), facts))}
    rows: list = []
    for number in range(total):
        doc = numbered.get(number)
        if doc is None:
            rows.append(None)
            continue
        f = facts[id(doc)]
        mask = sum(bits.get(k, 0) for k in f.audiences)
        rows.append([f.type, f.status, f.year, mask, regions[f.province] if f.province else -1, f.day])
    return rows


@dataclass(frozen=True, slots=True)
class DocFacts:
    """What the manifest and the docs file take from one document (``doc_facts``)."""

    type: int
    status: int
    year: int
    audiences: tuple
    province: str
    day: int
    """The date as yyyymmdd."""
    record: list | None
    """``content.status.doc_record``."""
    below: tuple
    """``records.below_candidates``."""
    has_docno: bool
    """The 文号 is one the analyzer reads as a 文号 (``example``)."""


def doc_facts(doc) -> DocFacts:
    """The facts of one document (a function of the document alone)."""
    return DocFacts(_TYPES.index(doc.type.value), _STATUSES.index(doc.status.value), doc.date.year,
                    tuple(doc.audiences), province(doc), int(doc.date.strftime("%Y%m%d")), doc_record(doc),
                    below_candidates(doc), bool(analyzer.doc_numbers(analyzer.normalize(doc.doc_number))))


_TYPES = [t.value for t in DocType]
_STATUSES = [s.value for s in Status]
_LAST_FACTS: dict[int, tuple[object, DocFacts]] = {}
"""id(document) -> (document, facts) of the last ``assemble`` (``mzkb serve`` keeps unchanged
documents as the same objects across rebuilds, so an edit computes the facts of the edited
documents only; the document is kept so its id cannot be reused by another object)."""


def _facts_of(docs) -> dict[int, DocFacts]:
    """id(document) -> ``doc_facts`` for ``docs``, reusing the last call's for the same objects
    (documents are frozen); the memo then holds exactly these documents."""
    found, seen = {}, {}
    for doc in docs:
        last = _LAST_FACTS.get(id(doc))
        facts = last[1] if last is not None and last[0] is doc else doc_facts(doc)
        seen[id(doc)] = (doc, facts)
        found[id(doc)] = facts
    _LAST_FACTS.clear()
    _LAST_FACTS.update(seen)
    return found
