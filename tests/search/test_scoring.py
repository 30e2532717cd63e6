"""One scoring model in both engines: the browser's first-stage scores are Whoosh's BM25F (per
document, saturated once); a result shows the topic that holds the query and marks its title."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from mzkb.config import load_config
from mzkb.pipeline import build
from mzkb.search.whoosh_index import search_results

FILLER = "本市有关部门按照职责分工做好相关工作，加强监督检查，定期通报情况。"


def _doc(folder: Path, doc_id: str, title: str, body: str, topics: str = "") -> None:
    extra = f"topics: [{topics}]\n" if topics else ""
    (folder / f"{doc_id}.md").write_text(
        f"---\nid: {doc_id}\ntitle: {title}\ndate: 2021-05-01\nissuer: 测试市人民政府\naudiences: [养老机构]\n{extra}---\n\n{body}\n",
        encoding="utf-8")


@pytest.fixture(scope="module")
def scored_kb(tmp_path_factory) -> tuple[Path, Path]:
    """The small test KB plus: a short guideline whose title holds 养老服务; a long regulation
    that mentions 养老服务 once in each of 24 sections (never in its title); a regulation whose
    only 地方性 is its topic 地方性法规."""
    import shutil

    root = tmp_path_factory.mktemp("scoring")
    kb = root / "kb"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "small", kb)
    config = kb / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("topics: [疫情防控, 遗体处置]",
                                                                 "topics: [疫情防控, 遗体处置, 地方性法规]"), encoding="utf-8")
    guides = kb / "content" / "guidelines"
    _doc(guides, "short-title", "社区养老服务站运营规范", "为规范站点运营，制定本规范。\n\n## 一、服务内容\n\n提供助餐、助浴和日间照料。")
    sections = "\n\n".join(f"## 第{i}节\n\n{FILLER}第{i}项养老服务按规定执行。{FILLER}" for i in range(1, 25))
    _doc(guides, "long-mentions", "城市综合管理条例", "为加强城市综合管理，制定本条例。\n\n" + sections)
    _doc(guides, "topic-only", "某市殡仪服务条例", "为规范殡仪服务，制定本条例。\n\n## 一、总则\n\n殡仪服务实行统一管理。",
         topics="地方性法规")
    assert build(config, root / "site").ok
    return config, root / "site"


def _whoosh(config_path: Path, query: str):
    config, _ = load_config(config_path)
    return search_results(config.state_dir / "whoosh", query, config)


def _browser(page, site: Path, query: str) -> dict:
    page.goto((site / "search.html").as_uri())
    page.wait_for_function("!!(window.mzkbSearch && window.mzkbSearch.search)")
    return page.evaluate("""async q => {
        const res = await mzkbSearch.search(q, {}, 10), F = mzkbSearch.state.frags;
        return {scale: mzkbSearch.state.manifest.scale,
                hits: res.results.map(r => ({id: F[r.doc].u.split('/').pop().replace('.html', ''), score: r.score,
                                             topics: (r.topics || []).map(t => [t[0], t[1]])}))};
    }""", query)


def test_a_title_holding_the_word_outranks_many_passing_mentions(scored_kb, page):
    config, site = scored_kb
    found = [h["id"] for h in _browser(page, site, "养老服务")["hits"]]
    assert found.index("short-title") < found.index("long-mentions"), found
    ids = [h.id for h in _whoosh(config, "养老服务").hits]
    assert ids.index("short-title") < ids.index("long-mentions"), ids


@pytest.mark.parametrize("query", ["养老服务", "殡仪服务", "消毒要求", "制定本条例"])
def test_browser_scores_are_whoosh_scores(scored_kb, page, query):
    """Same documents, same scores (both engines score the browser's quantized postings on the
    lengths Whoosh stores: whoosh_index.SharedBM25F), for every document both engines show."""
    config, site = scored_kb
    browser = _browser(page, site, query)
    theirs = {h["id"]: h["score"] for h in browser["hits"]}
    ours = {h.id: h.score for h in _whoosh(config, query).hits}
    common = set(theirs) & set(ours)
    assert len(common) >= 2, (theirs, ours)
    for doc_id in common:
        assert theirs[doc_id] == pytest.approx(ours[doc_id], rel=1e-3, abs=1e-4), (doc_id, theirs, ours)


def test_the_topic_holding_the_query_is_shown_and_marked(scored_kb, page):
    config, site = scored_kb
    hit = next(h for h in _whoosh(config, "地方性").hits if h.id == "topic-only")
    assert hit.topics == ("地方性法规",) and hit.topic_marks == (((0, 3),),)
    page.goto((site / "search.html").as_uri() + "?q=" + quote("地方性"))
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    result = page.locator("[data-mzkb-result]", has=page.locator("a[href*='topic-only']"))
    line = result.locator(".mzkb-result__topics")
    assert line.inner_text() == "主题：地方性法规"
    assert line.locator("mark").all_inner_texts() == ["地方性"]
    # a word only the title holds is marked in the title, in both engines
    hit = next(h for h in _whoosh(config, "运营规范").hits if h.id == "short-title")
    assert hit.title == "社区养老服务站运营规范" and [hit.title[a:b] for a, b in hit.title_marks] == ["运营规范"]
    page.goto((site / "search.html").as_uri() + "?q=" + quote("运营规范"))
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    title = page.locator("[data-mzkb-result] a.mzkb-result__title[href*='short-title']")
    assert title.inner_text() == "社区养老服务站运营规范" and title.locator("mark").all_inner_texts() == ["运营规范"]
    # a topic that does not hold the query is not shown
    assert _browser(page, site, "殡仪服务")["hits"][0]["topics"] == []
    assert page.errors == []
