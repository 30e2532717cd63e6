"""Writing the Whoosh index behind ``mzkb search``: same units, same analyzer, field-weighted BM25F.

Text is analyzed once by ``analyzer.analyze`` (see ``records.analyze_unit``) and handed to
Whoosh as (term, count) pairs through ``CountedFrequency``, so both engines index exactly
the same terms and Whoosh does not tokenize again. Full builds write through
``BulkSegmentWriter`` (our fast path through Whoosh's writer internals; whoosh-reloaded is
pinned below 2.8 and ``tests/search/test_whoosh_writer.py`` compares it with Whoosh's own
writer byte for byte). ``whoosh_index`` reads what this module writes.
"""

from __future__ import annotations

import os
import shutil
from array import array
from dataclasses import dataclass
from functools import partial
from operator import mul
from pathlib import Path

from whoosh import index as windex
from whoosh.analysis import RegexTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter, W3Segment, W3TermInfo
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency
from whoosh.system import pack_uint, pack_ushort
from whoosh.writing import SegmentWriter

from ..cache import link_or_copy
from ..config import SiteConfig
from ..content.links import Corpus
from ..content.status import doc_record
from ..seal import seal
from .browser_index import province, rests
from .postings import DocTerms, Postings, document_terms, take
from .records import UNIT_TEXT, analyzed_documents, below_candidates, status_factor

TEXT_FIELDS = ("text",)
INLINE_BELOW = 3
"""Terms of fewer documents than this (most terms: 60-75% have one or two) keep their postings
in the term table instead of a block of the postings file (Whoosh's ``inlinelimit``)."""


class _PostingsWriter(W3PostingsWriter):
    """Whoosh's posting writer, able to inline short posting lists: whoosh-reloaded 2.7.5's
    ``finish_postings`` calls ``set_inline`` where its term info has ``set_inlined``."""

    def start_postings(self, format_, terminfo) -> None:  # noqa: D102 (Whoosh API)
        terminfo.set_inline = partial(set_inlined, terminfo)
        super().start_postings(format_, terminfo)


def set_inlined(info: W3TermInfo, ids, weights, values) -> None:
    """Inline postings into a term info, one value per posting. Whoosh's posting writer keeps no
    value for a posting without value bytes (the ids, types, statuses … of ``Existence`` fields),
    and Whoosh reads an inlined list without values back (``ListMatcher.value``) as the *text*
    ``""``, which its segment merge (``add_postings_to_pool``) refuses: the merge of an
    incremental build failed for good on ``AssertionError: vbytes=''``. Explicit ``b""`` values
    read back as bytes."""
    if len(values) != len(ids):
        if values:
            raise ValueError(f"{len(values)} posting values for {len(ids)} postings")
        values = [b""] * len(ids)
    info.set_inlined(ids, weights, values)


class Codec(W3Codec):
    """Whoosh's codec with posting lists of fewer than ``inlinelimit`` documents inlined. The
    segment it makes records Whoosh's own codec (its reader reads inlined postings), so the
    index's table of contents names no class of mzkb."""

    def new_segment(self, storage, indexname):  # noqa: D102 (Whoosh API)
        return W3Segment(W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)

    def postings_writer(self, dbfile, byteids=False):  # noqa: D102 (Whoosh API)
        return _PostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids, compression=self._compression,
                               inlinelimit=self._inlinelimit)


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
        region=ID(stored=True), index_number=STORED, subjects=STORED, recipients=STORED, next_ids=STORED, prev_ids=STORED, below=STORED, has_below=ID, topics=STORED, text=text,
        dated=STORED, has_dated=ID, rest=STORED,
    )


def frequency(weight: float) -> int:
    """The Whoosh posting's frequency of a field-weighted frequency: rounded, at least 1 (the
    document length counts these, ``postings.doc_length``)."""
    return max(1, round(weight))


class _Frequencies(dict):
    """``frequency`` of each weight, memoized (weights take few distinct values). Packed once per
    posting: Whoosh's pickles of a block must not find one bytes object twice, or they would
    differ from Whoosh's own."""

    def __missing__(self, weight: float) -> int:
        value = self[weight] = frequency(weight)
        return value


class _Lengths:
    """Field lengths of the documents being written, for the codec (instead of reading them back from disk)."""

    def __init__(self, lengths: array) -> None:
        self.lengths = lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:  # noqa: D102 (Whoosh API)
        return self.lengths[docnum] if fieldname == "text" else default


class BulkSegmentWriter(SegmentWriter):
    """Whoosh's segment writer for a new index, with a fast path for the big text field.

    Its postings (one per document and term) come from ``postings`` (``postings.Postings``,
    the store the browser index is built from too: documents added there in the order they
    are added here), written at commit term by term, a block of postings at a time, instead
    of going one by one through Whoosh's sorting pool and its posting writer. The small fields
    (ids, type, status, audiences …) take the usual path. Same files, same format, same
    postings as Whoosh's own writer given ``text_triples`` (a test compares them, multi-block
    terms included): ``whoosh.index.open_dir`` reads the result.
    """

    def __init__(self, ix, postings: Postings, **kwargs) -> None:
        super().__init__(ix, **kwargs)
        if self.segments:
            raise ValueError("BulkSegmentWriter writes new indexes only")
        self.postings = postings
        self._lengths = array("I")
        self._factors = array("d")
        self._frequency = _Frequencies().__getitem__

    def add_weighted_document(self, length: int, factor: float, **fields) -> None:
        """Add a document whose text postings are ``postings``' document of the same number
        (``DocTerms.length`` is its length), as ``text_triples(weights, factor)`` would post
        them through ``add_document``."""
        self._check_state()
        docnum, perdoc = self.docnum, self.perdocwriter
        if self.postings.count != docnum + 1:
            raise ValueError(f"document {docnum} is not the last one of the postings ({self.postings.count})")
        perdoc.start_doc(docnum)
        for name in sorted({*fields, "text"}):
            if name == "text":
                perdoc.add_field(name, self.schema[name], None, length)
                continue
            field, value = self.schema[name], fields[name]
            if field.indexed:
                for tbytes, _freq, weight, vbytes in field.index(value):
                    self.pool.add((name, tbytes, docnum, weight, vbytes))
            perdoc.add_field(name, field, value if field.stored else None, 0)
        perdoc.finish_doc()
        self._lengths.append(length)
        self._factors.append(factor)
        self._added = True
        self.docnum += 1

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        writer = self.fieldwriter
        small: dict[str, list] = {}
        for posting in self.pool.iter_postings():
            small.setdefault(posting[0], []).append(posting)
        for name in sorted(set(small) | {"text"}):
            if name != "text":
                writer.add_postings(self.schema, _Lengths(self._lengths), iter(small[name]))
                continue
            writer.start_field(name, self.schema[name])
            field, inline_below = pack_ushort(writer._fieldid), writer._postwriter._inlinelimit
            for term, docs, weights, _best in self.postings.by_term(release=True):  # UTF-8 byte order
                if len(docs) < inline_below:
                    writer._tindex.add(field + term.encode("utf-8"), self._inlined(docs, weights).to_bytes())
                    continue
                writer.start_term(term.encode("utf-8"))
                self._post_term(writer._postwriter, docs, weights)
                writer.finish_term()
            writer.finish_field()
        writer.close()

    def _block(self, docs: array, weights: array) -> tuple[list[float], array, list[bytes], tuple]:
        """What Whoosh's posting writer buffers for these postings (``add_posting``): the weights
        times the documents' status factors (exact, for the block's maximum, and as stored), the
        packed frequencies, and the documents' lengths."""
        scaled = list(map(mul, weights, take(self._factors, docs)))
        return scaled, array("f", scaled), list(map(pack_uint, map(self._frequency, weights))), take(self._lengths, docs)

    def _inlined(self, docs: array, weights: array) -> W3TermInfo:
        """The term info Whoosh's posting writer makes of a term with inlined postings
        (``finish_postings``: one block's statistics, then the postings themselves)."""
        scaled, stored, values, sizes = self._block(docs, weights)
        info = W3TermInfo()
        info._weight, info._df = sum(stored), len(docs)
        info._minlength, info._maxlength, info._maxweight = min(sizes), max(sizes), max(0, max(scaled))
        info._minid, info._maxid = docs[0], docs[-1]
        set_inlined(info, docs, stored, values)
        return info

    def _post_term(self, postwriter, docs: array, weights: array) -> None:
        """Fill the posting writer's block buffer a block at a time, with what its ``add_posting``
        would have buffered posting by posting; every full block is written, the last one is
        left for ``finish_term``."""
        limit = postwriter._blocklimit
        for start in range(0, len(docs), limit):
            if start:
                postwriter._write_block()
            ids = docs[start : start + limit]
            scaled, postwriter._weights, postwriter._values, sizes = self._block(ids, weights[start : start + limit])
            postwriter._ids = ids
            postwriter._maxweight = max(0, max(scaled))
            postwriter._maxlength = max(sizes)  # documents have a positive text length
            postwriter._minlength = min(sizes)


def text_triples(weights: dict[str, float], factor: float) -> list[tuple[str, int, float]]:
    """The text field's value for Whoosh's own writer (``CountedFrequency``): (term, rounded
    frequency — the document length counts these —, frequency x status factor), by term."""
    return [(term, frequency(weight), weight * factor) for term, weight in sorted(weights.items())]


class WhooshWriter:
    """Writes the index into a staging folder; ``install`` swaps it into place.

    With ``update=True`` the staging folder starts as a hard-linked copy of the installed
    index (Whoosh never rewrites a segment file, so the installed one stays intact) and
    ``remove`` + ``add`` replace single documents: a new small segment, not a new index.
    """

    def __init__(self, target: Path, update: bool = False, postings: Postings | None = None) -> None:
        """``postings``: a full build's store shared with the browser index builder, which adds
        every document to it before this writer's ``add`` (else this writer keeps its own)."""
        self.target = target
        self.shared = postings is not None
        self.stage = target.parent / f".{target.name}.building-{os.getpid()}"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.stage, ignore_errors=True)
        if update:
            shutil.copytree(target, self.stage, copy_function=link_or_copy)
            # _lk=False: the stage folder is this process's own, under the build lock (generator/lock.py);
            # Whoosh's own lock is fcntl-or-msvcrt code that adds nothing here
            self.writer = windex.open_dir(str(self.stage)).writer(limitmb=64, _lk=False)
        else:
            self.stage.mkdir(parents=True)
            # posting blocks compressed with zlib level 1 (Whoosh's default is 3): a tenth of the
            # writing time for a few percent more bytes in this local index
            self.writer = BulkSegmentWriter(windex.create_in(str(self.stage), schema()), Postings() if postings is None else postings,
                                            limitmb=64, codec=Codec(compression=1, inlinelimit=INLINE_BELOW), _lk=False)
        self.count = 0

    def remove(self, doc_id: str) -> None:
        """Delete a document (before adding its new version, or because it is gone)."""
        self.writer.delete_by_term("doc_id", doc_id)

    def add(self, doc, units: list, analyzed: list[dict], terms: DocTerms | None = None) -> None:
        """Add one document. ``terms`` is computed from ``analyzed`` when the browser index
        builder has not already done it."""
        if terms is None:
            terms = document_terms(units, analyzed)
        stored_units = [[u.number, u.anchor, u.heading, (u.text or doc.summary)[:UNIT_TEXT], u.kind] for u in units]
        factor = status_factor(doc.status.value)  # in the postings, as in the browser index
        fields = dict(doc_id=doc.id, units=stored_units, title_s=doc.title, url=doc.url, date=doc.date.isoformat(),
                      issuer=doc.issuer, doc_number=doc.doc_number, type=doc.type.value, status=doc.status.value,
                      audience=" ".join(doc.audiences), year=str(doc.date.year), region=province(doc),
                      next_ids=list(doc.superseded_by), prev_ids=list(doc.supersedes), topics=list(doc.topics),
                      index_number=doc.index_number, subjects=list(doc.subjects), recipients=doc.recipients)
        rest = rests(doc, units)  # the texts beyond UNIT_TEXT: a full match is checked on the whole text
        if rest:
            fields["rest"] = rest
        dated = doc_record(doc)  # the status on another day (mzkb search --as-of, content.status)
        if dated is not None:
            fields.update(dated=dated, has_dated="1")
        below = _below_fields(doc)
        if isinstance(self.writer, BulkSegmentWriter):
            if not self.shared:
                self.writer.postings.add(terms)
            self.writer.add_weighted_document(terms.length, factor, **fields, **below)
        else:
            self.writer.add_document(**fields, text=text_triples(terms.weights, factor), **below)
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
        seal(self.target, contents=(".toc",))  # only a sealed index is ever opened (Whoosh reads pickles), its TOC as written

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


def _below_fields(doc) -> dict:
    """The ``records.below_candidates`` of a document (stored; ``has_below`` finds the few that have
    any; the search keeps those that bind on its day)."""
    pairs = below_candidates(doc)
    return {"below": [[t, own, list(anchors), kind] for t, own, anchors, kind in pairs], "has_below": "1"} if pairs else {}
