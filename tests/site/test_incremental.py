"""Incremental builds: after one edit only what depends on it is rendered and indexed again,
and the result is what a full build would give (pages byte-identical, same search hits)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mzkb.config import load_config
from mzkb.pipeline import build
from mzkb.search.whoosh_index import search


def report(kb: Path) -> dict:
    return json.loads((kb.parent / ".mzkb" / "build-report.json").read_text(encoding="utf-8"))


def pages(site: Path) -> dict[str, bytes]:
    """Every file of a site except the search index (whose segments differ by design) and the two
    lists of its files: the offline worker's cache list and the output marker."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*"))
            if p.is_file() and not p.relative_to(site).as_posix().startswith("search/")
            and p.relative_to(site).as_posix() not in ("sw.js", ".mzkb-output")}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def browser_hits(page, site: Path, query: str) -> list[str]:
    """URLs (with #anchor) of the browser search's hits, from the site opened over file://."""
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("window.mzkbSearch !== undefined")
    return page.evaluate("""async q => {
        const res = await mzkbSearch.search(q, {}, 10);
        return res.results.map(r => {
            const f = mzkbSearch.state.frags[r.doc], unit = f.x[r.unit];
            return f.u + (unit && unit[0] ? "#" + unit[0] : "");
        });
    }""", query)


def whoosh_ids(kb: Path, query: str) -> list[str]:
    config, _ = load_config(kb)
    return [h.id for h in search(kb.parent / ".mzkb" / "whoosh", query, config)]


def test_one_edit_renders_and_indexes_one_document_like_a_full_build(small_kb: Path, tmp_path: Path, page):
    site = small_kb.parent / "site"
    guide = small_kb.parent / "content/guidelines/guide-2.md"
    edit(guide, "每日消毒三次，", "每日消毒三次并做青花瓷瓶登记，")
    assert build(small_kb).ok
    assert report(small_kb)["rendered"] == report(small_kb)["documents"] == 5
    assert whoosh_ids(small_kb, "青花瓷瓶") == ["guide-2"]
    inodes = {p: (site / p).stat().st_ino for p in ("notices/tan-shi-tong-zhi.html", "guidelines/guide-1.html")}

    edit(guide, "每日消毒三次并做青花瓷瓶登记，", "每日消毒四次，")
    edit(guide, "重点部位增加频次。", "重点部位增加频次。\n\n## 三、通风要求\n\n每日开窗通风，记录琥珀台账。")
    result = build(small_kb)
    assert result.ok
    done = report(small_kb)
    assert (done["rendered"], done["reused_pages"], done["reindexed"]) == (1, 4, 1)
    assert done["browser_index_files_reused"] > 0
    html = (site / "guidelines/guide-2.html").read_text(encoding="utf-8")
    assert "琥珀台账" in html and "每日消毒三次" not in html
    for rel, inode in inodes.items():  # untouched pages are the previous build's files, not re-rendered
        assert (site / rel).stat().st_ino == inode

    # both engines find the new text and no longer find the old
    assert whoosh_ids(small_kb, "琥珀台账")[:1] == ["guide-2"]
    assert whoosh_ids(small_kb, "青花瓷瓶") == []
    assert browser_hits(page, site, "青花瓷瓶") == []  # the old version's postings are dead
    hits = browser_hits(page, site, "琥珀台账")
    assert hits and hits[0].startswith("guidelines/guide-2.html#")

    # the same content built from scratch gives the same pages and the same hits
    full = tmp_path / "full"
    assert build(small_kb, full, incremental=False).ok
    assert pages(site) == pages(full)
    assert browser_hits(page, site, "琥珀台账") == browser_hits(page, full, "琥珀台账")
    assert browser_hits(page, site, "人员管理")[:1] == browser_hits(page, full, "人员管理")[:1]
    assert page.errors == [] and page.remote_requests == []


def test_title_change_rerenders_the_pages_that_show_it(small_kb: Path):
    site = small_kb.parent / "site"
    assert build(small_kb).ok
    edit(small_kb.parent / "content/guidelines/guide-1.md", "title: 养老机构防控指南（第一版）", "title: 养老机构防控工作指南（第一版）")
    assert build(small_kb).ok
    assert report(small_kb)["rendered"] == 2  # guide-1, and guide-2 whose edition links point to it
    for page in ("guidelines/guide-1.html", "guidelines/index.html", "index.html", "audiences/elderly-care.html",
                 "compare/guide-1--guide-2.html"):
        assert "养老机构防控工作指南（第一版）" in (site / page).read_text(encoding="utf-8"), page


def test_deleted_document_leaves_site_and_search(small_kb: Path, page):
    site = small_kb.parent / "site"
    assert build(small_kb).ok
    assert whoosh_ids(small_kb, "遗体")[:1] == ["remains-video"]
    (small_kb.parent / "content/videos/remains.md").unlink()
    (small_kb.parent / "content/videos/remains.vtt").unlink()
    assert build(small_kb).ok
    assert report(small_kb)["documents"] == 4 and report(small_kb)["reused_pages"] >= 3
    for html in site.rglob("*.html"):  # no page still lists or links it
        assert "remains-video" not in html.read_text(encoding="utf-8"), html
    assert not (site / "videos/remains-video.html").exists()
    assert "remains-video" not in whoosh_ids(small_kb, "遗体")
    assert not any("remains" in h for h in browser_hits(page, site, "遗体"))
    assert "remains-video.html" not in (site / "videos/index.html").read_text(encoding="utf-8")


def test_settings_change_renders_everything(small_kb: Path):
    assert build(small_kb).ok
    edit(small_kb, "title: 测试知识库", "title: 测试知识库（新）")
    assert build(small_kb).ok
    assert report(small_kb)["rendered"] == 5
    assert "测试知识库（新）" in (small_kb.parent / "site/notices/tan-shi-tong-zhi.html").read_text(encoding="utf-8")


def test_failed_build_keeps_site_and_cache(small_kb: Path):
    site = small_kb.parent / "site"
    assert build(small_kb).ok
    before = pages(site)
    guide = small_kb.parent / "content/guidelines/guide-2.md"
    good = guide.read_text(encoding="utf-8")
    guide.write_text(good.replace("date: 2020-03-01", "date: 2020-13-01"), encoding="utf-8")
    assert not build(small_kb).ok
    assert pages(site) == before
    guide.write_text(good.replace("工作人员每日测温两次。", "工作人员每日测温三次。"), encoding="utf-8")
    assert build(small_kb).ok
    assert report(small_kb)["rendered"] == 1
    assert "每日测温三次" in (site / "guidelines/guide-2.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("garbage", [b"", b"\x80not a pickle", b"{\"format\": \"other\"}"])
def test_damaged_cache_means_a_full_build(small_kb: Path, garbage: bytes):
    assert build(small_kb).ok
    cache = small_kb.parent / ".mzkb/cache"
    for entry in cache.iterdir():
        if entry.is_file():
            entry.write_bytes(garbage)
    assert build(small_kb).ok
    assert (report(small_kb)["rendered"], report(small_kb)["reindexed"]) == (5, 5)
    assert whoosh_ids(small_kb, "测温")


def test_previous_site_edited_by_hand_is_not_trusted_for_search(small_kb: Path):
    site = small_kb.parent / "site"
    assert build(small_kb).ok
    segment = next(p for p in (site / "search").glob("*/") if not p.name.startswith("fold-"))
    shutil.rmtree(segment)  # someone deleted part of the published index
    assert build(small_kb).ok
    assert report(small_kb)["reindexed"] == 5
    assert (site / "search/manifest.js").is_file()


def test_cli_full_ignores_the_cache(small_kb: Path):
    from click.testing import CliRunner

    from mzkb.cli import cli

    runner = CliRunner()
    assert runner.invoke(cli, ["build", "-c", str(small_kb)]).exit_code == 0
    result = runner.invoke(cli, ["build", "-c", str(small_kb), "--full"])
    assert result.exit_code == 0, result.output
    assert (report(small_kb)["rendered"], report(small_kb)["reindexed"]) == (5, 5)


def test_full_build_indexed_by_two_workers_then_updated(small_kb: Path, page, monkeypatch):
    """Large corpora are indexed by one worker process per core, each writing its own segment."""
    from mzkb.search import indexer

    monkeypatch.setattr(indexer, "PARALLEL_FROM", 2)
    monkeypatch.setattr(indexer, "MAX_WORKERS", 2)
    monkeypatch.setattr(indexer.os, "cpu_count", lambda: 2)
    site = small_kb.parent / "site"
    assert build(small_kb).ok
    manifest = (site / "search/manifest.js").read_text(encoding="utf-8")
    assert manifest.count('"b":') == 2  # two segments
    # documents of both segments are found by both engines
    for query, doc_id, url in (("人员管理", "guide-2", "guidelines/guide-2.html"), ("遗体", "remains-video", "videos/remains-video.html")):
        assert doc_id in whoosh_ids(small_kb, query)[:2]
        assert any(h.startswith(url) for h in browser_hits(page, site, query)[:2])
    # titles' pinyin is read in a process of its own and reaches both workers' segments
    assert whoosh_ids(small_kb, "yitichuzhi")[:1] == ["remains-video"]
    assert browser_hits(page, site, "ytcz")[0].startswith("videos/remains-video.html")
    edit(small_kb.parent / "content/guidelines/guide-2.md", "工作人员每日测温两次。", "工作人员每日测温两次，登记玛瑙手册。")
    assert build(small_kb).ok
    assert report(small_kb)["reindexed"] == 1
    assert whoosh_ids(small_kb, "玛瑙手册") == ["guide-2"]
    assert browser_hits(page, site, "玛瑙手册")[0].startswith("guidelines/guide-2.html")
    assert page.errors == []


def test_index_workers_never_load_pypinyin(small_kb: Path):
    """pypinyin's dictionaries (~55 MiB a process) load only in the short-lived process that
    reads the titles' pinyin, not in the index workers."""
    import pickle
    import subprocess
    import sys

    from mzkb.pipeline import prepare
    from mzkb.search import indexer

    prepared = prepare(small_kb)
    docs = list(prepared.corpus.documents)
    readings = indexer.read_pinyin([d.title for d in docs])
    assert "yitichuzhi" in readings["遗体处置防护要点"].split()
    probe = ("import pickle, sys; from mzkb.search import indexer; args = pickle.load(sys.stdin.buffer); "
             "part = indexer.index_part(*args); print(part.units, 'pypinyin' in sys.modules)")
    args = (docs, frozenset(), prepared.config, None, 0, 0, None, readings)
    done = subprocess.run([sys.executable, "-c", probe], input=pickle.dumps(args), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    units, loaded = done.stdout.decode().split()
    assert int(units) > len(docs) and loaded == "False"


def test_fingerprints_of_unchanged_document_objects_are_not_hashed_again(small_kb: Path, monkeypatch):
    """``mzkb serve`` keeps unchanged documents (the same frozen objects) across rebuilds: the
    index stage hashes only the documents that are new objects."""
    import dataclasses

    from mzkb.pipeline import prepare
    from mzkb.search import indexer

    prepared = prepare(small_kb)
    first = indexer.fingerprints(prepared.corpus, prepared.config)
    hashed = []
    real = indexer._fingerprint
    monkeypatch.setattr(indexer, "_fingerprint", lambda doc: hashed.append(doc.id) or real(doc))
    assert indexer.fingerprints(prepared.corpus, prepared.config) == first and hashed == []
    docs = list(prepared.corpus.documents)
    docs[0] = dataclasses.replace(docs[0], body=docs[0].body + "\n新增的一句话。")
    edited = indexer.fingerprints(dataclasses.replace(prepared.corpus, documents=tuple(docs)), prepared.config)
    assert hashed == [docs[0].id]
    assert edited[docs[0].id] != first[docs[0].id] and {k: v for k, v in edited.items() if k != docs[0].id} == \
        {k: v for k, v in first.items() if k != docs[0].id}


def test_a_serve_edit_indexes_and_assembles_from_the_edited_document_alone(small_kb: Path, tmp_path: Path,
                                                                            monkeypatch):
    """``mzkb serve``: after a body edit, only the edited document is analyzed again (the overlay
    segment's other documents keep their analyses) and the manifest and the docs file take the
    facts of the unchanged documents (the same frozen objects) from the last rebuild; the search
    files are byte for byte those of the same session with nothing remembered."""
    from mzkb.pipeline import Session, rebuild
    from mzkb.search import browser_index as bi
    from mzkb.search import indexer

    kb = small_kb.parent
    first, second = kb / "content/guidelines/guide-2.md", kb / "content/guidelines/guide-1.md"
    originals = {path: path.read_text(encoding="utf-8") for path in (first, second)}

    def serve_and_edit(site: Path, made: list, analyzed: list) -> dict[str, bytes]:
        for path, text in originals.items():
            path.write_text(text, encoding="utf-8")
        session = Session(small_kb, site)
        assert rebuild(session).ok
        for path, word in ((first, "玛瑙台账"), (second, "琉璃台账")):
            made.clear()
            analyzed.clear()
            path.write_text(originals[path].rstrip("\n") + f"\n\n补充记录{word}。\n", encoding="utf-8")
            assert rebuild(session, {str(path)}).ok
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "search").rglob("*")) if p.is_file()}

    made: list[str] = []
    analyzed: list[str] = []
    real_facts, real_analyses = bi.doc_facts, indexer.analyzed_documents
    monkeypatch.setattr(bi, "doc_facts", lambda doc: made.append(doc.id) or real_facts(doc))

    def counted(*args, **kwargs):
        for found in real_analyses(*args, **kwargs):
            analyzed.append(found[0].id)
            yield found

    monkeypatch.setattr(indexer, "analyzed_documents", counted)
    remembered = serve_and_edit(tmp_path / "remembered", made, analyzed)
    assert made == ["guide-1"] and analyzed == ["guide-1"]  # the overlay holds guide-2 too

    class Forgetful(dict):
        def get(self, key, default=None):
            return default

    monkeypatch.setattr(bi, "_LAST_FACTS", Forgetful())
    monkeypatch.setattr(indexer, "_LAST_ANALYSES", Forgetful())
    forgotten = serve_and_edit(tmp_path / "forgotten", made, analyzed)
    assert len(made) > 1 and sorted(analyzed) == ["guide-1", "guide-2"]  # all made again
    assert forgotten == remembered
