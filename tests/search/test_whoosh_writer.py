"""``BulkSegmentWriter`` (our fast path through Whoosh's internals) against Whoosh's stock
``SegmentWriter``: the same documents must give the same terms, postings, field lengths,
stored fields and search results. Fails loudly when a Whoosh release changes the internals
the bulk writer re-implements (``add_document`` / ``_flush_segment``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as windex
from whoosh.codec.whoosh3 import W3Codec

from generator.pipeline import prepare
from generator.search.records import analyzed_documents
from generator.search.whoosh_index import BulkSegmentWriter, WhooshWriter, schema, search

QUERIES = ["暂停探视", "养老机构防控指南消毒要求", "消毒", "殡葬", "救助站 筛查", "民发〔2020〕1号", "不存在的词语组合"]


class _StockWriter(WhooshWriter):
    """The same ``add`` as mzkb's writer, through Whoosh's own ``SegmentWriter``."""

    def __init__(self, target: Path) -> None:
        super().__init__(target)
        self.writer.cancel()
        for path in self.stage.iterdir():
            path.unlink()
        self.writer = windex.create_in(str(self.stage), schema()).writer(limitmb=64, codec=W3Codec(compression=1))
        assert not isinstance(self.writer, BulkSegmentWriter)


@pytest.fixture(scope="module")
def indexes(tmp_path_factory) -> tuple[Path, Path, object]:
    demo = Path(__file__).parents[2] / "site_config.yml"
    prepared = prepare(demo, use_cache=False)
    assert not prepared.failed
    base = tmp_path_factory.mktemp("whoosh")
    folders = []
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
