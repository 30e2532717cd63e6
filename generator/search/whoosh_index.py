"""The Whoosh index behind ``mzkb search``: same units, same analyzer, field-weighted BM25.

Text is analyzed once by ``analyzer.analyze`` (see ``records.analyze_unit``) and handed to
Whoosh as (term, count) pairs through ``CountedFrequency``, so both engines index exactly
the same terms and Whoosh does not tokenize again.
"""

from __future__ import annotations

import os
import shutil
from array import array
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as windex
from whoosh import query as wq
from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.scoring import BM25F
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from ..cache import link_or_copy
from ..config import SiteConfig
from ..content.links import Corpus
from ..seal import is_sealed, seal
from . import analyzer
from .browser_index import province
from .records import FIELD_WEIGHTS, STATUS_FACTOR, analyzed_documents, synonym_groups

TEXT_FIELDS = ("text",)
MAX_UNIT_TEXT = 2000


class CountedFrequency(Frequency):
    """A Frequency format fed with (term, count, weight) triples instead of text: the weight is
    the count times the BM25F weight of the field it was found in (title 6 … transcript 0.8)."""

    def word_values(self, value, analyzer, **kwargs):  # noqa: D102 (Whoosh API)
        for term, count, weight in value:
            yield term, count, weight, pack_uint(count)


def schema() -> Schema:
    """One Whoosh document per document (units kept as a stored list for deep links). All
    searchable text is one field whose postings carry field-weighted term frequencies (the
    same weighting as the browser index), so each document has one posting per distinct term."""
    text = TEXT(analyzer=RegexTokenizer(r"\S+"), phrase=False)
    text.format = CountedFrequency()
    return Schema(
        doc_id=ID(stored=True), units=STORED, title_s=STORED, url=STORED, date=STORED, issuer=STORED, doc_number=STORED,
        type=ID(stored=True), status=ID(stored=True), audience=KEYWORD(stored=True), year=ID(stored=True),
        region=ID(stored=True), text=text,
    )


class _Lengths:
    """Field lengths of the documents being written, for the codec (instead of reading them back from disk)."""

    def __init__(self, lengths: array) -> None:
        self.lengths = lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:  # noqa: D102 (Whoosh API)
        return self.lengths[docnum] if fieldname == "text" else default


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's segment writer for a new index, with a fast path for the big text field.

    Its postings (one per document and term) are kept in compact arrays per term while
    documents arrive in order, and handed to the codec's field writer term by term at
    commit, instead of going one by one through Whoosh's sorting pool and reading each
    document's length back from disk. The small fields (ids, type, status, audiences …)
    take the usual path. Same files, same format: ``whoosh.index.open_dir`` reads the result.
    """

    def __init__(self, ix, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        if self.segments:
            raise ValueError("BulkSegmentWriter writes new indexes only")
        self._postings: dict[str, tuple[array, array, array]] = {}
        self._lengths = array("I")

    def add_document(self, **fields) -> None:  # noqa: D102 (Whoosh API)
        self._check_state()
        docnum, perdoc = self.docnum, self.perdocwriter
        perdoc.start_doc(docnum)
        length = 0
        for name in sorted(fields):
            field, value = self.schema[name], fields[name]
            if name == "text":
                for term, count, weight in value:
                    entry = self._postings.get(term)
                    if entry is None:
                        entry = self._postings[term] = (array("I"), array("I"), array("f"))
                    entry[0].append(docnum)
                    entry[1].append(count)
                    entry[2].append(weight)
                    length += count
                perdoc.add_field(name, field, None, length)
                continue
            if field.indexed:
                for tbytes, _freq, weight, vbytes in field.index(value):
                    self.pool.add((name, tbytes, docnum, weight, vbytes))
            perdoc.add_field(name, field, value if field.stored else None, 0)
        perdoc.finish_doc()
        self._lengths.append(length)
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer, lengths = self.fieldwriter, _Lengths(self._lengths)
        small: dict[str, list] = {}
        for posting in self.pool.iter_postings():
            small.setdefault(posting[0], []).append(posting)
        for name in sorted(set(small) | {"text"}):
            if name != "text":
                writer.add_postings(self.schema, lengths, iter(small[name]))
                continue
            writer.start_field(name, self.schema[name])
            for term in sorted(self._postings):  # code point order = UTF-8 byte order
                docs, counts, weights = self._postings.pop(term)
                writer.start_term(term.encode("utf-8"))
                for docnum, count, weight in zip(docs, counts, weights):
                    writer.add(docnum, weight, pack_uint(count), self._lengths[docnum])
                writer.finish_term()
            writer.finish_field()
        writer.close()


def weighted_terms(analyzed: list[dict]) -> dict[str, float]:
    """Term -> sum over the document's units and fields of count x field weight.

    The Whoosh posting's frequency is this weight rounded (at least 1), so the document
    length Whoosh normalizes by is the field-weighted length."""
    weights: dict[str, float] = {}
    for fields in analyzed:
        for field, found in fields.items():
            boost = FIELD_WEIGHTS[field]
            for term, count in found.items():
                weights[term] = weights.get(term, 0.0) + count * boost
    return weights


class WhooshWriter:
    """Writes the index into a staging folder; ``install`` swaps it into place.

    With ``update=True`` the staging folder starts as a hard-linked copy of the installed
    index (Whoosh never rewrites a segment file, so the installed one stays intact) and
    ``remove`` + ``add`` replace single documents: a new small segment, not a new index.
    """

    def __init__(self, target: Path, update: bool = False) -> None:
        self.target = target
        self.stage = target.parent / f".{target.name}.building-{os.getpid()}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.stage, ignore_errors=True)
        if update:
            shutil.copytree(target, self.stage, copy_function=link_or_copy)
            self.writer = windex.open_dir(str(self.stage)).writer(limitmb=64)
        else:
            self.stage.mkdir(parents=True)
            # posting blocks compressed with zlib level 1 (Whoosh's default is 3): a tenth of the
            # writing time for a few percent more bytes in this local index
            self.writer = BulkSegmentWriter(windex.create_in(str(self.stage), schema()), limitmb=64,
                                            codec=W3Codec(compression=1))
        self.count = 0

    def remove(self, doc_id: str) -> None:
        """Delete a document (before adding its new version, or because it is gone)."""
        self.writer.delete_by_term("doc_id", doc_id)

    def add(self, doc, units: list, analyzed: list[dict], weights: dict[str, float] | None = None) -> None:
        """Add one document. ``weights`` (term -> field-weighted frequency over the document) is
        computed from ``analyzed`` when the browser index builder has not already done it."""
        if weights is None:
            weights = weighted_terms(analyzed)
        stored_units = [[u.number, u.anchor, u.heading, u.text[:MAX_UNIT_TEXT], u.kind] for u in units]
        self.writer.add_document(
            doc_id=doc.id, units=stored_units, title_s=doc.title, url=doc.url, date=doc.date.isoformat(),
            issuer=doc.issuer, doc_number=doc.doc_number, type=doc.type.value, status=doc.status.value,
            audience=" ".join(doc.audiences), year=str(doc.date.year), region=province(doc),
            text=[(term, max(1, round(weight)), weight) for term, weight in sorted(weights.items())],
        )
        self.count += len(units)

    def commit(self) -> StagedIndex:
        """Finish writing into the staging folder."""
        self.writer.commit()
        return StagedIndex(self.stage, self.target)

    def discard(self) -> None:
        """Drop the staged index (indexing failed)."""
        self.writer.cancel()
        shutil.rmtree(self.stage, ignore_errors=True)


def join_staged(parts: list[StagedIndex]) -> StagedIndex:
    """One index from indexes written side by side (one per worker process): the segments of
    the others move into the first one's folder and its table of contents lists them all."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.index import TOC, clean_files

    first = parts[0]
    storage = FileStorage(str(first.stage))
    toc = TOC.read(storage, windex._DEF_INDEX_NAME)
    segments = list(toc.segments)
    for part in parts[1:]:
        other = TOC.read(FileStorage(str(part.stage)), windex._DEF_INDEX_NAME)
        for segment in other.segments:
            for path in part.stage.glob(segment.segment_id() + "*"):
                os.replace(path, first.stage / path.name)
            segments.append(segment)
        shutil.rmtree(part.stage, ignore_errors=True)
    generation = toc.generation + 1
    TOC(toc.schema, segments, generation).write(storage, windex._DEF_INDEX_NAME)
    clean_files(storage, windex._DEF_INDEX_NAME, generation, segments)
    return first


@dataclass(frozen=True, slots=True)
class StagedIndex:
    """A committed index in a staging folder, installed only when the build succeeds."""

    stage: Path
    target: Path

    def install(self) -> None:
        """Replace the previous index with the staged one."""
        old = self.target.parent / f".{self.target.name}.old-{os.getpid()}"
        if self.target.exists():
            os.replace(self.target, old)
        os.replace(self.stage, self.target)
        shutil.rmtree(old, ignore_errors=True)
        seal(self.target)  # only a sealed index is ever opened (Whoosh reads pickles)

    def discard(self) -> None:
        """Drop the staged index (the build failed)."""
        shutil.rmtree(self.stage, ignore_errors=True)


def write_index(corpus: Corpus, config: SiteConfig, target: Path) -> int:
    """Build the index for a corpus and install it at ``target``; return the unit count."""
    writer = WhooshWriter(target)
    for doc, units, analyzed in analyzed_documents(corpus, config):
        writer.add(doc, units, analyzed)
    writer.commit().install()
    return writer.count


@dataclass(frozen=True, slots=True)
class Hit:
    """One document found by ``search``."""

    id: str
    title: str
    url: str
    type: str
    status: str
    score: float
    snippet: str
    heading: str
    date: str
    issuer: str
    doc_number: str
    in_attachment: bool = False
    """The best match is in an attached file (``url`` points to it; ``heading`` names it)."""

    def to_json(self) -> dict:
        """JSON-ready dict (the ``mzkb search --json`` contract)."""
        return {k: getattr(self, k) for k in self.__slots__}


class IndexMissing(Exception):
    """No index has been built yet for this knowledge base."""


def search(index_dir: Path, text: str, config: SiteConfig, limit: int = 10, doc_type: str | None = None,
           audience: str | None = None, status: str | None = None) -> list[Hit]:
    """Ranked documents for a query, best first (current documents above superseded ones)."""
    if not is_sealed(index_dir) or not windex.exists_in(str(index_dir)):  # planted indexes are never opened (exists_in opens)
        raise IndexMissing(str(index_dir))
    ix = windex.open_dir(str(index_dir))
    with ix.searcher(weighting=BM25F()) as searcher:
        reader = searcher.reader()
        variants = analyzer.analyze_query(text, lambda t: any((f, t) in reader for f in TEXT_FIELDS), synonym_groups(config))
        filters = [wq.Term(name, value) for name, value in (("type", doc_type), ("audience", audience), ("status", status)) if value]
        best: dict[str, tuple[float, dict]] = {}
        for terms in variants:
            for doc_id, score, fields in _rank_variant(searcher, terms, filters):
                if doc_id not in best or best[doc_id][0] < score:
                    best[doc_id] = (score, fields)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
        all_terms = list(dict.fromkeys(t["term"] for terms in variants for t in terms if t["kind"] != "docno"))
        return [_hit(score, fields, all_terms) for _doc_id, (score, fields) in ranked[:limit]]


def _rank_variant(searcher, terms: list[dict], filters: list) -> list[tuple[str, float, dict]]:
    """(doc id, score, stored fields) for one spelling: BM25F times coordination² and the status factor."""
    if not terms:
        return []
    subqueries = []
    for item in terms:
        make = wq.Prefix if item["kind"] in ("latin", "char") else wq.Term
        subqueries.append(wq.Or([make(f, item["term"]) for f in TEXT_FIELDS]))
    results = searcher.search(wq.Or(subqueries), limit=None, filter=wq.And(filters) if filters else None, terms=True)
    ranked = []
    for hit in results:
        found = {t.decode() if isinstance(t, bytes) else t for _field, t in hit.matched_terms()}
        matched = sum(1 for t in terms if t["term"] in found
                      or (t["kind"] in ("latin", "char") and any(m.startswith(t["term"]) for m in found)))
        fields = hit.fields()
        score = hit.score * (matched / len(terms)) ** 2 * STATUS_FACTOR[fields["status"]]
        ranked.append((fields["doc_id"], score, fields))
    return ranked


def best_unit(units: list, terms: list[str]) -> list:
    """The unit a hit should link to: most query-term occurrences (headings count 2.5x), else the head."""
    best, best_score = units[0], 0.0
    for unit in units:
        heading, text = unit[2].lower(), unit[3].lower()
        score = sum(2.5 * heading.count(t) + text.count(t) for t in terms)
        if score > best_score:
            best, best_score = unit, score
    return best


def _hit(score: float, fields: dict, terms: list[str]) -> Hit:
    unit = best_unit(fields["units"], terms)
    attachment = len(unit) > 4 and unit[4] == "attachment"
    url = unit[1] if attachment else fields["url"] + (f"#{unit[1]}" if unit[1] else "")
    return Hit(fields["doc_id"], fields["title_s"], url, fields["type"], fields["status"], round(score, 4),
               snippet(unit[3] or fields["title_s"], terms), unit[2], fields["date"], fields["issuer"], fields["doc_number"],
               attachment)


def snippet(text: str, terms: list[str], width: int = 80) -> str:
    """About ``width`` characters of ``text`` around the first matching term (normalized text)."""
    text = " ".join(text.split())
    lower = text.lower()
    positions = [lower.find(t) for t in terms if t and lower.find(t) >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    piece = text[start : start + width]
    return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
