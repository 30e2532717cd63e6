"""One owner for heading anchors: the page, its table of contents, both search indexes and
the link check (MZ404) read the same ids.

A notice with ``{#id}`` headings, duplicate headings and Chinese punctuation is built; every
anchor in the browser index fragments and in the Whoosh index must be an ``id`` on the page,
and every heading of the page must have the anchor the index links to.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from whoosh.index import open_dir

from mzkb.pipeline import build, prepare
from mzkb.search.browser_index import unpack_texts

HEAD = "---\ntitle: 锚点测试通知\ndate: 2020-01-01\nissuer: 测试局\naudiences: [养老机构]\n---\n\n"
BODY = """开头一段。

## 一、总体要求 {#general}

总体要求的内容。

## 二、消毒要求

消毒。

## 二、消毒要求

重复的标题。

### （一）“日常”消毒：每日两次！

带标点的标题。

## Q&A：第 2 条（试行） {#qa .faq}

问答。

## general

与显式 id 同名的标题。

## 二、消毒要求

第三次出现。
"""
EXPECTED = ["general", "二消毒要求", "二消毒要求_1", "一日常消毒每日两次", "qa", "general_1", "二消毒要求_2"]


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.headings: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs).get("id")
        if found:
            self.ids.append(found)
            if re.fullmatch(r"h[2-6]", tag):
                self.headings.append(found)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, Path]:
    kb = tmp_path_factory.mktemp("anchors") / "kb"
    fixture = Path(__file__).parents[1] / "fixtures" / "sites" / "small"
    shutil.copytree(fixture, kb)
    (kb / "content" / "notices" / "anchors.md").write_text(HEAD + BODY, encoding="utf-8")
    (kb / "content" / "notices" / "links-here.md").write_text(
        HEAD.replace("锚点测试通知", "引用锚点的通知") + "[见总体要求](anchors.md#general)、[见问答](anchors.md#qa)、"
        "[见第二次](anchors.md#二消毒要求_1)、[标点](anchors.md#一日常消毒每日两次)\n", encoding="utf-8")
    result = build(kb / "site_config.yml")
    assert result.ok, [d.format() for d in result.diagnostics + result.prepared.diagnostics]
    return kb, result.out_dir


def page_ids(site_dir: Path) -> _Ids:
    parser = _Ids()
    parser.feed((site_dir / "notices" / "anchors.html").read_text(encoding="utf-8"))
    return parser


def test_heading_ids_on_the_page(site):
    _kb, out = site
    assert page_ids(out).headings == EXPECTED


def test_toc_links_are_the_heading_ids(site):
    _kb, out = site
    html = (out / "notices" / "anchors.html").read_text(encoding="utf-8")
    toc = re.findall(r'<a href="#([^"]+)" class="md-nav__link">', html)
    assert toc == EXPECTED


def test_browser_index_anchors_are_ids_on_the_page(site):
    _kb, out = site
    ids = set(page_ids(out).ids)
    fragments = []
    for script in (out / "search").rglob("f*.js"):
        payload = re.match(r'mzkbSearch\.load\("frag",\d+,(.*?)(?:,\d+)?\);\s*$', script.read_text(encoding="utf-8"), re.S)
        if payload:
            data = json.loads(payload.group(1))
            if data["u"].endswith("notices/anchors.html"):
                fragments.append(data)
    assert len(fragments) == 1
    units, _texts = unpack_texts(fragments[0]["z"])  # [anchor, heading] per unit, packed with the texts
    anchors = [anchor for anchor, _heading in units if anchor]
    assert anchors == EXPECTED
    assert set(anchors) <= ids


def test_whoosh_index_anchors_are_ids_on_the_page(site):
    kb, out = site
    ids = set(page_ids(out).ids)
    with open_dir(str(kb / ".mzkb" / "whoosh")).searcher() as searcher:
        stored = searcher.document(doc_id="anchors")
    anchors = [unit[1] for unit in stored["units"] if unit[1]]
    assert anchors == EXPECTED and set(anchors) <= ids


def test_link_check_uses_the_same_anchors(site):
    kb, _out = site
    (kb / "content" / "notices" / "bad-anchor.md").write_text(
        HEAD.replace("锚点测试通知", "坏锚点") + "[旧锚点](anchors.md#一总体要求-general)\n", encoding="utf-8")
    try:
        result = prepare(kb / "site_config.yml", use_cache=False)
    finally:
        (kb / "content" / "notices" / "bad-anchor.md").unlink()
    found = [(d.code, Path(d.file).name) for d in result.diagnostics if d.code == "MZ404"]
    assert found == [("MZ404", "bad-anchor.md")]
