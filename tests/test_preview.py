"""`mzkb serve`'s rebuilds (``pipeline.rebuild`` of one ``pipeline.Session``): incremental, and still a correct site.

One server on a real temporary knowledge base goes through a body edit, a title edit, a new
file, a broken file and a deleted file, and the served pages are checked after each; the
in-process tests check what a rebuild after a body edit does and does not redo.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import free_port, get, wait_until


@pytest.fixture
def served(small_kb: Path, tmp_path: Path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mzkb.cli", "serve", "-c", str(small_kb), "-a", f"127.0.0.1:{port}"],
                                stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        wait_until(lambda: _up(port), "the server did not start")
        yield port, small_kb.parent, log
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _up(port: int) -> bool:
    try:
        return get(port, "/index.html")[0] == 200
    except OSError:
        return False


def has(port: int, path: str, text: str) -> bool:
    status, body = get(port, path)
    return status == 200 and text in body


NEW_DOC = """---
id: guide-3
title: 养老机构夜间巡查指南
date: 2021-05-01
issuer: 测试民政局
audiences: [养老机构]
---

夜间每两小时巡查一次，记录珊瑚台账。
"""


def test_edits_while_serving_give_the_right_pages(served):
    port, kb, log = served
    guide = kb / "content/guidelines/guide-2.md"
    text = guide.read_text(encoding="utf-8")

    # a body edit: the page and the comparison with the previous edition show it
    guide.write_text(text.replace("每日消毒三次", "每日消毒五次，记录琥珀台账"), encoding="utf-8")
    wait_until(lambda: has(port, "/guidelines/guide-2.html", "琥珀台账"), "body edit")
    assert "琥珀台账" in get(port, "/compare/guide-1--guide-2.html")[1]
    assert "养老机构防控指南（第二版）" in get(port, "/guidelines/index.html")[1]

    # a title edit: listings, the portal and the document that links to it follow
    guide.write_text(guide.read_text(encoding="utf-8").replace("title: 养老机构防控指南（第二版）", "title: 养老机构常态化防控指南"),
                     encoding="utf-8")
    wait_until(lambda: has(port, "/guidelines/index.html", "养老机构常态化防控指南"), "title edit in the listing")
    for path in ("/guidelines/guide-2.html", "/audiences/elderly-care.html", "/guidelines/guide-1.html"):
        assert "养老机构常态化防控指南" in get(port, path)[1], path
    assert "养老机构防控指南（第二版）" not in get(port, "/guidelines/index.html")[1]

    # a new file: its page, and it is listed
    new = kb / "content/guidelines/guide-3.md"
    new.write_text(NEW_DOC, encoding="utf-8")
    wait_until(lambda: has(port, "/guidelines/guide-3.html", "珊瑚台账"), "new file")
    assert "养老机构夜间巡查指南" in get(port, "/guidelines/index.html")[1]

    # a broken edit: a Chinese diagnostic with file and line, no traceback, the last good page stays
    new.write_text(NEW_DOC.replace("date: 2021-05-01", "date: [2021"), encoding="utf-8")
    wait_until(lambda: "guide-3.md:" in log.read_text(encoding="utf-8"), "the diagnostic of the broken file")
    output = log.read_text(encoding="utf-8")
    assert re.search(r"content/guidelines/guide-3\.md:\d+", output) and "Traceback" not in output
    assert re.search(r"[\u4e00-\u9fff]", output.split("guide-3.md:", 1)[1].splitlines()[0])
    assert has(port, "/guidelines/guide-3.html", "珊瑚台账")

    # fixed, then deleted: the page goes away and is no longer listed
    new.write_text(NEW_DOC.replace("珊瑚", "琉璃"), encoding="utf-8")
    wait_until(lambda: has(port, "/guidelines/guide-3.html", "琉璃台账"), "fixed file")
    new.unlink()
    wait_until(lambda: get(port, "/guidelines/guide-3.html")[0] == 404, "deleted file still served")
    assert "养老机构夜间巡查指南" not in get(port, "/guidelines/index.html")[1]
    assert has(port, "/guidelines/guide-2.html", "琥珀台账")

    # the theme's files (found once per server: render.mkdocs.one_theme_env) are still linked and served
    page = get(port, "/guidelines/guide-2.html")[1]
    assets = re.findall(r'(?:href|src)="\.\./(assets/[^"]+\.(?:css|js))"', page)
    assert any("stylesheets/main" in a for a in assets) and any("javascripts/bundle" in a for a in assets), assets
    for asset in assets:
        assert get(port, "/" + asset.split("?")[0])[0] == 200, asset


@pytest.fixture(params=["mkdocs", "jinja"])
def session_build(small_kb: Path, tmp_path: Path, monkeypatch, request):
    """Rebuild the preview in this process as the server does, with each renderer; counts what
    the renderer regenerates."""
    from mzkb.pipeline import Session, rebuild
    from mzkb.render import SWITCH, pageset, plugin
    from mzkb.render.jinja import build as jinja_build

    monkeypatch.setenv(SWITCH, request.param)
    calls = {"home_page": 0, "document_context": 0}
    # a document's context is made for its page's fingerprint (pageset) and when its page is rendered
    where = {"home_page": (pageset,), "document_context": (pageset, {"mkdocs": plugin, "jinja": jinja_build}[request.param])}
    for name in calls:
        for module in where[name]:
            real = getattr(module, name)

            def counted(*args, _real=real, _name=name, **kwargs):
                calls[_name] += 1
                return _real(*args, **kwargs)

            monkeypatch.setattr(module, name, counted)
    site = tmp_path / "preview"
    session = Session(small_kb, site)

    def build() -> dict:
        for name in calls:
            calls[name] = 0
        assert rebuild(session).ok
        return dict(calls)

    return build, small_kb.parent, site


def test_a_body_edit_renders_only_that_document(session_build):
    build, kb, site = session_build
    first = build()
    assert first["home_page"] == 1 and first["document_context"] >= 5
    guide = kb / "content/guidelines/guide-2.md"
    guide.write_text(guide.read_text(encoding="utf-8").replace("每日消毒三次", "每日消毒四次，记录玛瑙台账"), encoding="utf-8")
    kept = {page: (site / page).stat().st_mtime_ns for page in ("index.html", "guidelines/guide-1.html",
                                                                 "guidelines/index.html")}
    after_body = build()
    # listings kept; one document's context made twice (its fingerprint, then its page)
    assert after_body == {"home_page": 0, "document_context": 2}
    assert "玛瑙台账" in (site / "guidelines/guide-2.html").read_text(encoding="utf-8")
    assert {page: (site / page).stat().st_mtime_ns for page in kept} == kept  # not written again
    assert "玛瑙台账" in (site / "compare/guide-1--guide-2.html").read_text(encoding="utf-8")  # its editions compared again
    guide.write_text(guide.read_text(encoding="utf-8").replace("date: 2020-03-01", "date: 2020-03-02"), encoding="utf-8")
    after_date = build()
    assert after_date["home_page"] == 1  # a listed fact changed: listings are made again
    assert "2020-03-02" in (site / "guidelines/index.html").read_text(encoding="utf-8")


def test_an_attachment_change_checks_again(small_kb: Path):
    """A file the documents use (not Markdown) changing makes the next rebuild check every
    document again: the reused check must not hide a missing attachment."""
    from mzkb.pipeline import Session, prepare

    session = Session(small_kb)
    first = prepare(small_kb, session=session)
    assert not first.failed
    (small_kb.parent / "content/cases/files/登记表.txt").unlink()
    second = prepare(small_kb, session=session)
    missing = [d for d in second.diagnostics if d.code == "MZ501"]
    assert second.failed and missing and missing[0].file == "content/guidelines/guide-2.md" and missing[0].line == 9


def test_unchanged_files_are_not_read_again(small_kb: Path, monkeypatch):
    from mzkb.content import loader
    from mzkb.pipeline import Session, prepare

    session = Session(small_kb)
    prepare(small_kb, session=session)
    read = []
    real = loader.read_source
    monkeypatch.setattr(loader, "read_source", lambda path, *a, **k: read.append(path.name) or real(path, *a, **k))
    guide = small_kb.parent / "content/guidelines/guide-1.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n补充一句。\n", encoding="utf-8")
    prepared = prepare(small_kb, session=session)
    assert read == ["guide-1.md"] and "补充一句" in prepared.corpus.by_id["guide-1"].body


def _replace(path: str, old: str, new: str):
    def edit(kb: Path) -> None:
        target = kb / "content" / path
        text = target.read_text(encoding="utf-8")
        assert old in text, (path, old)
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


# (edit, whether only body text changed: the link stage's last result may be reused)
EDITS = [
    (_replace("guidelines/guide-2.md", "每日消毒三次", "每日消毒三次，记录台账"), True),
    (_replace("guidelines/guide-1.md", "每日消毒两次。", "每日消毒两次。\n\n见[不存在的文件](missing.md)。"), False),
    (_replace("guidelines/guide-1.md", "## 二、消毒要求", "## 二、清洁消毒要求"), False),  # the notice links to its anchor
    (_replace("guidelines/guide-2.md", "id: guide-2\n", "# 一行注释\nid: guide-2\n"), False),  # front-matter lines move
    (_replace("guidelines/guide-1.md", "title: 养老机构防控指南（第一版）", "title: 养老机构防控指南（初版）"), False),
    (_replace("guidelines/guide-1.md", "工作人员每日测温。", "工作人员每日测温，记录体温。"), True),
    (_replace("guidelines/guide-2.md", "每日消毒三次，记录台账", "每日消毒三次，记录台账。\n\n第一条　新增的条文"), False),  # an article anchor
    (_replace("guidelines/guide-1.md", "date: 2020-02-01", "date: （请填写日期）"), False),  # fails: links to it are not "不存在"
    (_replace("guidelines/guide-1.md", "date: （请填写日期）", "date: 2020-02-01"), False),
]


def test_session_checks_like_a_fresh_check_after_each_edit(small_kb: Path):
    """After every kind of edit, the session's check (files, documents and link results reused
    where possible) gives exactly what `mzkb check` gives on the same files."""
    from mzkb.pipeline import Session, prepare

    session = Session(small_kb)
    prepare(small_kb, session=session)
    for edit, body_only in EDITS:
        edit(small_kb.parent)
        ours = prepare(small_kb, session=session)
        fresh = prepare(small_kb, use_cache=False)
        assert session.linking.reused is body_only
        assert ours.corpus.documents == fresh.corpus.documents
        assert [d.format() for d in ours.diagnostics] == [d.format() for d in fresh.diagnostics]
    codes = {d.code for d in ours.diagnostics}
    assert {"MZ403", "MZ404"} <= codes  # the broken link and the renamed anchor are still reported


def test_serve_shows_a_draft_marked_as_such(served):
    port, kb, _ = served
    (kb / "content/notices/cao-gao.md").write_text(
        "---\ntitle: 草稿中的通知\ndate: 2020-06-01\nissuer: 测试民政局\naudiences: [养老机构]\ndraft: true\n---\n\n正文。\n",
        encoding="utf-8")
    wait_until(lambda: has(port, "/notices/cao-gao.html", "草稿中的通知"), "the draft's page")
    page = get(port, "/notices/cao-gao.html")[1]
    assert 'class="mzkb-badge mzkb-badge--draft">草稿<' in page and "不会被构建、打包或发布" in page


def test_a_watched_edit_of_a_known_file_is_loaded_without_walking_the_folder(small_kb: Path, monkeypatch):
    """``rebuild(session, changed)``: an edit of a Markdown file the session read is loaded
    without walking the content folder, and gives what a full check gives; a new file among
    the changed paths walks it again (and is found)."""
    from mzkb.content import loader
    from mzkb.pipeline import Session, prepare

    session = Session(small_kb)
    prepare(small_kb, session=session)
    walks = []
    real = loader.find_markdown
    monkeypatch.setattr(loader, "find_markdown", lambda *a, **k: walks.append(1) or real(*a, **k))
    content = (small_kb.parent / "content").resolve()
    guide = content / "guidelines/guide-1.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n看守一句。\n", encoding="utf-8")
    session.changed = frozenset({str(guide)})
    ours = prepare(small_kb, session=session)
    assert walks == [] and "看守一句" in ours.corpus.by_id["guide-1"].body
    fresh = prepare(small_kb, use_cache=False)
    assert ours.corpus.documents == fresh.corpus.documents
    assert [d.format() for d in ours.diagnostics] == [d.format() for d in fresh.diagnostics]
    new = content / "guidelines/guide-3.md"
    new.write_text(NEW_DOC, encoding="utf-8")
    session.changed = frozenset({str(new)})
    assert "guide-3" in prepare(small_kb, session=session).corpus.by_id and len(walks) == 2  # its own walk and the fresh check's
