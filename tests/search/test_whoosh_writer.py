"""``BulkSegmentWriter`` (our fast path through Whoosh's internals) against Whoosh's stock
``SegmentWriter``: the same documents must give the same terms, postings, field lengths,
stored fields and search results. Fails loudly when a Whoosh release changes the internals
the bulk writer re-implements (``add_document`` / ``_flush_segment``)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from whoosh import index as windex

from mzkb.pipeline import prepare
from mzkb.seal import seal
from mzkb.search.records import analyzed_documents
from mzkb.search import whoosh_writer
from mzkb.search.whoosh_index import search
from mzkb.search.whoosh_writer import BulkSegmentWriter, WhooshWriter, schema

QUERIES = ["暂停探视", "养老机构防控指南消毒要求", "消毒", "殡葬", "救助站 筛查", "民发〔2020〕1号", "不存在的词语组合"]


class _StockWriter(WhooshWriter):
    """The same ``add`` as mzkb's writer, through Whoosh's own ``SegmentWriter``."""

    def __init__(self, target: Path) -> None:
        super().__init__(target)
        self.writer.cancel()
        for path in self.stage.iterdir():
            path.unlink()
        codec = whoosh_writer.Codec(compression=1, inlinelimit=whoosh_writer.INLINE_BELOW)
        self.writer = windex.create_in(str(self.stage), schema()).writer(limitmb=64, codec=codec)
        assert not isinstance(self.writer, BulkSegmentWriter)


@pytest.fixture(scope="module", params=[128, 3], ids=["blocks-of-128", "blocks-of-3"])
def indexes(request, tmp_path_factory) -> tuple[Path, Path, object]:
    """Both writers on the demo, with Whoosh's block size and with blocks of 3 postings (so
    that many terms span several blocks: full blocks written early, the last one at the end)."""
    demo = Path(__file__).parents[2] / "site_config.yml"
    prepared = prepare(demo, use_cache=False)
    assert not prepared.failed
    base = tmp_path_factory.mktemp("whoosh")
    folders = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(whoosh_writer, "Codec", partial(whoosh_writer.Codec, blocklimit=request.param))
        for name, kind in (("bulk", WhooshWriter), ("stock", _StockWriter)):
            writer = kind(base / name)
            assert isinstance(writer.writer, BulkSegmentWriter) is (name == "bulk")
            for doc, units, analyzed in analyzed_documents(prepared.corpus, prepared.config):
                writer.add(doc, units, analyzed)
            writer.commit().install()
            folders.append(base / name)
    return folders[0], folders[1], prepared.config


def postings(folder: Path) -> dict:
    """(field, term) -> [(document, weight, value bytes)] of every term of every field."""
    found = {}
    with windex.open_dir(str(folder)).reader() as reader:
        for field, term in reader.all_terms():
            matcher = reader.postings(field, term)
            items = []
            while matcher.is_active():
                items.append((matcher.id(), round(matcher.weight(), 4), matcher.value()))
                matcher.next()
            found[(field, term)] = items
    return found


def test_same_terms_and_postings(indexes):
    bulk, stock, _config = indexes
    ours, theirs = postings(bulk), postings(stock)
    assert len(ours) > 1000
    assert max(len(items) for items in ours.values()) > 7  # some terms span three blocks or more of 3
    assert ours.keys() == theirs.keys()
    assert ours == theirs


def test_same_documents_lengths_and_stored_fields(indexes):
    bulk, stock, _config = indexes
    with windex.open_dir(str(bulk)).reader() as ours, windex.open_dir(str(stock)).reader() as theirs:
        assert ours.doc_count() == theirs.doc_count() > 10
        assert list(ours.all_stored_fields()) == list(theirs.all_stored_fields())
        for docnum in range(ours.doc_count()):
            assert ours.doc_field_length(docnum, "text") == theirs.doc_field_length(docnum, "text")
        assert ours.field_length("text") == theirs.field_length("text")


@pytest.mark.parametrize("query", QUERIES)
def test_same_search_results(indexes, query):
    bulk, stock, config = indexes
    hits = search(bulk, query, config)
    assert hits or query == "不存在的词语组合"
    assert hits == search(stock, query, config)


def segment_files(folder: Path) -> dict[str, bytes]:
    """File kind (``pst`` postings, ``trm`` terms, ``col`` columns) -> bytes, of the index's one segment."""
    ix = windex.open_dir(str(folder))
    (segment,) = ix._segments()
    storage = segment.open_compound_file(ix.storage)
    return {name.rsplit(".", 1)[-1]: storage.open_file(name).read() for name in storage.list()}


def test_same_posting_and_term_files_byte_for_byte(indexes):
    """Posting blocks (ids, weights, values, block statistics) and the term table are the bytes
    Whoosh's own writer produces (stored-field columns are compared above: their pickles are
    not byte-stable between processes)."""
    bulk, stock, _config = indexes
    ours, theirs = segment_files(bulk), segment_files(stock)
    assert ours["pst"] == theirs["pst"] and len(ours["pst"]) > 10_000
    assert ours["trm"] == theirs["trm"]


def test_short_posting_lists_are_inlined_and_read_by_whooshs_own_codec(indexes):
    """Terms of one or two documents keep their postings in the term table (most terms of a
    knowledge base); Whoosh's own codec reads them: the table of contents (a pickle) records
    Whoosh's codec, not mzkb's writing one."""
    bulk, _stock, _config = indexes
    with windex.open_dir(str(bulk)).reader() as reader:
        infos = [(reader.term_info("text", term), term) for _field, term in reader.all_terms() if _field == "text"]
    inlined = [info for info, _term in infos if info.is_inlined()]
    assert len(inlined) > len(infos) / 3
    assert all(info.doc_frequency() < whoosh_writer.INLINE_BELOW for info in inlined)
    assert all(info.doc_frequency() >= whoosh_writer.INLINE_BELOW for info, _term in infos if not info.is_inlined())
    for toc in bulk.glob("*.toc"):
        data = toc.read_bytes()
        assert data.count(b"Codec") == data.count(b"W3Codec") > 0


def test_whooshs_segment_merge_reads_inlined_postings_back(indexes, tmp_path):
    """Whoosh merges the segments of an updated index by reading their postings back
    (``add_postings_to_pool``): inlined postings of fields without posting values (ids, types,
    statuses …) must come back as bytes, or every later incremental build fails on
    ``AssertionError: vbytes=''``. A merge of the bulk writer's index keeps every posting."""
    import shutil

    bulk, _stock, config = indexes
    with windex.open_dir(str(bulk)).reader() as reader:
        inlined = [(f, t) for f, t in reader.all_terms() if f != "text" and reader.term_info(f, t).is_inlined()]
        assert {f for f, _t in inlined} >= {"doc_id", "year", "status"}
        for fieldname, term in inlined:
            matcher = reader.postings(fieldname, term)
            assert matcher.is_active() and matcher.value() == b""
    merged = tmp_path / "merged"
    shutil.copytree(bulk, merged)
    ix = windex.open_dir(str(merged))
    ix.writer().commit(optimize=True)  # every segment read back and written again by Whoosh itself
    seal(merged)
    assert len(windex.open_dir(str(merged))._segments()) == 1
    def valued(found: dict) -> dict:  # a posting without value reads as None from a block, b"" inlined
        return {key: [(d, w, v or b"") for d, w, v in items] for key, items in found.items()}

    assert valued(postings(merged)) == valued(postings(bulk))
    for query in QUERIES[:3]:  # scores move a little: Whoosh's merge sums the stored (one-byte) document lengths
        hits, before = search(merged, query, config, limit=50), search(bulk, query, config, limit=50)
        assert [(h.id, h.url, h.snippet) for h in hits] == [(h.id, h.url, h.snippet) for h in before] != []


def test_many_updates_of_a_bulk_written_index_merge_its_segments(tmp_path):
    """The editor's day: a full build, then one changed document per build. Whoosh merges the
    small segments (and the bulk-written one) on the fifth update; every update commits and
    the index still finds every document."""
    prepared = prepare(Path(__file__).parents[2] / "site_config.yml", use_cache=False)
    target = tmp_path / "whoosh"
    whoosh_writer.write_index(prepared.corpus, prepared.config, target)
    doc = prepared.corpus.documents[0]
    counts = []
    for _ in range(7):
        writer = WhooshWriter(target, update=True)
        writer.remove(doc.id)
        for again, units, analyzed in analyzed_documents(prepared.corpus, prepared.config, only={doc.id}):
            writer.add(again, units, analyzed)
        writer.commit().install()
        counts.append(len(windex.open_dir(str(target))._segments()))
    assert counts[:4] == [2, 3, 4, 5] and counts[4] < 5  # the fifth update merged
    with windex.open_dir(str(target)).searcher() as searcher:
        assert searcher.doc_count() == len(prepared.corpus.documents)
        assert {f["doc_id"] for f in searcher.all_stored_fields()} == {d.id for d in prepared.corpus.documents}
    assert search(target, doc.title, prepared.config)[0].id == doc.id
