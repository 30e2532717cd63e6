"""Search in headless Chromium on the demo site opened from file://, as staff would use it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, unquote

import yaml
from playwright.sync_api import expect

from mzkb.pipeline import build


def results(page) -> list[str]:
    page.wait_for_selector("[data-mzkb-result]", timeout=10000)
    return [a.get_attribute("href") for a in page.query_selector_all("[data-mzkb-result] a.mzkb-result__title")]


def test_header_box_type_click_land_on_heading(demo_site: Path, page):
    page.goto((demo_site / "notices/notice-charity-donation.html").as_uri())
    box = page.locator("#mzkb-header-q")
    box.click()
    box.type("临时救助条件", delay=30)
    panel = page.locator(".mzkb-suggest")
    panel.locator("[data-mzkb-result]").first.wait_for(timeout=10000)
    first = panel.locator("[data-mzkb-result] a").first
    # the list may still be showing a prefix of the query typed so far: wait for the whole query's results
    expect(first).to_have_attribute("href", re.compile("social-assistance"), timeout=10000)
    href = first.get_attribute("href")
    assert panel.locator("mark").count() > 0  # query highlighted in the snippet
    first.click()
    page.wait_for_url(re.compile("social-assistance"), timeout=10000)
    if "#" in href:
        anchor = unquote(href.split("#", 1)[1])
        heading = page.locator(f"[id='{anchor}']")
        assert heading.count() == 1 and heading.is_visible()
        assert heading.evaluate("e => e.getBoundingClientRect().top") < 400  # scrolled to the heading
    assert page.errors == [] and page.remote_requests == []


def test_search_page_query_contract_and_deep_links(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("遗体处置"))
    hrefs = results(page)
    assert hrefs and any("funeral" in h for h in hrefs[:3])
    for node in page.query_selector_all("[data-mzkb-result]"):
        assert node.query_selector("a") is not None
    # every result link opens an existing page, and every #anchor exists on it
    for href in hrefs:
        target = (demo_site / unquote(href.split("#")[0])).resolve()
        assert target.is_file(), href
        if "#" in href and not href.split("#")[1].startswith("t="):
            assert f'id="{unquote(href.split("#")[1])}"' in target.read_text(encoding="utf-8"), href
    assert page.errors == []


def test_transcript_phrase_finds_the_video_moment(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("鹅颈式扎口"))
    href = results(page)[0]
    assert href.startswith("./videos/funeral-remains-handling.html#t=")
    assert "鹅颈式扎口" in page.locator("[data-mzkb-result] .mzkb-result__snippet").first.inner_text()


def test_editions_fold_under_the_current_one(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("养老机构新冠肺炎疫情防控指南"))
    hrefs = results(page)
    assert "elderly-care-covid-guide-2" in hrefs[0]
    assert not any("elderly-care-covid-guide-1" in h for h in hrefs)  # folded, not a result of its own
    first = page.locator("[data-mzkb-result]").first
    older = first.locator("details.mzkb-result__older")
    assert "另有 2 个旧版本也匹配" in older.locator("summary").inner_text()
    older.locator("summary").click()
    older.locator("li").nth(1).wait_for()
    listed = older.inner_text()
    assert "已被替代" in listed and "第一版" in listed
    assert page.errors == []


def test_filters_from_url_and_select(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("防控") + "&type=video")
    hrefs = results(page)
    assert hrefs and all("/videos/" in h for h in hrefs)
    assert page.locator("select[name=type]").input_value() == "video"
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("防控") + "&audience=" + quote("儿童福利机构"))
    hrefs = results(page)
    assert page.locator("select[name=audience]").input_value() == "child-welfare"
    assert any("child-welfare" in h for h in hrefs)
    assert not any("funeral-" in h for h in hrefs)
    page.select_option("select[name=region]", "浙江省")
    page.wait_for_function("document.querySelectorAll('[data-mzkb-result]').length <= 1")
    assert "浙江" in page.locator("#mzkb-search-summary").inner_text() or page.locator("[data-mzkb-result]").count() <= 1


def test_hostile_query_is_shown_as_text_never_run(demo_site: Path, page):
    evil = '<img src=x onerror="window.__pwned=1">养老'
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote(evil))
    page.wait_for_selector("#mzkb-search-summary:not(:empty)")
    page.locator("#mzkb-header-q").count()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#mzkb-results img").count() == 0
    assert page.errors == []


def test_no_query_in_the_visible_set_returns_nothing(demo_site: Path, page):
    queries = yaml.safe_load((Path(__file__).parent / "queries_demo.yml").read_text(encoding="utf-8"))
    page.goto((demo_site / "search.html").as_uri())
    page.wait_for_function("window.mzkb && window.mzkb.search && window.mzkb.analyzer")
    found = page.evaluate("""async qs => {
        const out = {};
        for (const q of qs) {
            const r = await mzkbSearch.search(q, {}, 5);
            out[q] = r.results.map(x => mzkbSearch.state.frags[x.doc].u);
        }
        return out;
    }""", [q["q"] for q in queries])
    empty = [q for q, urls in found.items() if not urls]
    assert empty == []
    hits = sum(any(f"/{q['expect'][0]}.html" in "/" + u for u in found[q["q"]]) for q in queries)
    assert hits / len(queries) >= 0.95, hits / len(queries)


def test_phone_results_panel_stays_below_the_box(demo_site: Path, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    pg = context.new_page()
    pg.goto((demo_site / "notices/notice-charity-donation.html").as_uri())
    pg.fill("#mzkb-header-q", "养老院探视")
    pg.wait_for_selector(".mzkb-suggest [data-mzkb-result]")
    box = pg.locator("#mzkb-header-q").bounding_box()
    panel = pg.locator(".mzkb-suggest").bounding_box()
    assert panel["y"] >= box["y"] + box["height"]
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    context.close()


def test_family_visits_demo_query_keeps_its_promise(demo_site: Path, page):
    """家属探视: no superseded or repealed document above the current one of its chain, and
    the page says nothing about order that the list does not do."""
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("家属探视"))
    results(page)
    items = page.locator("[data-mzkb-result]")
    statuses = [items.nth(i).get_attribute("class") for i in range(items.count())]
    hrefs = results(page)
    # the rule in force first; the guideline whose 探视 section it amended ranks below it (issue 18)
    assert "notice-resume-services-2020" in hrefs[0]
    assert any("elderly-care-covid-guide-2" in h for h in hrefs[1:6])
    assert not any("elderly-care-covid-guide-1" in h for h in hrefs)
    summary = page.locator("#mzkb-search-summary").inner_text()
    assert "现行有效的文件排在前面" not in summary
    assert "完全匹配的排在部分匹配之前" in summary
    assert all("superseded" not in s for s in statuses[:3])


def test_counts_documents_that_contain_the_words(demo_site: Path, page):
    """临时救助: the full-match count is the number of documents whose text contains it."""
    root = Path(__file__).resolve().parents[2] / "content"
    containing = sum("临时救助" in p.read_text(encoding="utf-8") for p in root.rglob("*.md"))
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("临时救助"))
    results(page)
    summary = page.locator("#mzkb-search-summary").inner_text()
    assert summary.startswith(f"找到 {containing} 个文件完全匹配，另有 "), summary
    marks = page.locator("[data-mzkb-result]").first.locator("mark").all_inner_texts()
    assert "临时救助" in marks  # the whole run highlighted, not 临 and 时


def test_a_phrase_only_an_old_edition_holds_finds_it_naming_the_current_one(small_kb: Path, tmp_path: Path, page):
    guides = small_kb.parent / "content" / "guidelines"
    old = guides / "guide-1.md"
    old.write_text(old.read_text(encoding="utf-8") + "\n## 三、床位终末消毒\n\n床位终末消毒按床位终末消毒规程执行，床位终末消毒后通风。\n",
                   encoding="utf-8")
    new = guides / "guide-2.md"
    new.write_text(new.read_text(encoding="utf-8") + "\n## 三、其他\n\n床位按规定终末处理。\n", encoding="utf-8")
    assert build(small_kb, tmp_path / "site").ok
    page.goto((tmp_path / "site" / "search.html").as_uri() + "?q=" + quote("床位终末消毒"))
    hrefs = results(page)
    assert "guide-1" in hrefs[0] and not any("guide-2" in h for h in hrefs)
    first = page.locator("[data-mzkb-result]").first
    assert "已被替代" in first.locator(".mzkb-result__badges").inner_text()
    assert first.locator("a.mzkb-result__current").get_attribute("href").endswith("guidelines/guide-2.html")
    assert "另有 1 个其他版本也匹配" in first.inner_text()
    # a query both editions match whole: the current edition heads, the old one is folded under it
    page.goto((tmp_path / "site" / "search.html").as_uri() + "?q=" + quote("床位"))
    hrefs = results(page)
    assert "guide-2" in hrefs[0] and not any("guide-1" in h for h in hrefs)
    assert "另有 1 个旧版本也匹配" in page.locator("[data-mzkb-result]").first.inner_text()


def test_doc_number_prefix_example_and_pinyin(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri())
    page.wait_for_function("document.querySelector('#mzkb-q').placeholder.indexOf('如：') >= 0")
    example = page.evaluate("mzkbSearch.state.manifest.example")
    assert example in page.locator("#mzkb-q").get_attribute("placeholder")
    assert page.evaluate("document.activeElement.id") == "mzkb-q"  # focused on load
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote(example))
    results(page)
    assert example in page.locator("[data-mzkb-result]").first.inner_text()  # a real 文号 of this knowledge base
    prefix = example.split("〔")[0] + example.split("〔")[1].split("〕")[0]  # 某民函2022
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote(prefix))
    results(page)
    series = example.split("〕")[0] + "〕"  # 文号 matches (newest first) come before partial matches
    facts = page.locator("[data-mzkb-result] .mzkb-result__facts").all_inner_texts()
    dates = [d.split(" · ")[0] for d in facts if series in d]
    assert example in page.locator("[data-mzkb-result]").first.inner_text()
    assert dates == sorted(dates, reverse=True) and all(series in d for d in facts[:len(dates)])
    page.goto((demo_site / "search.html").as_uri() + "?q=yanglao")
    assert all("养老" in t for t in page.locator("[data-mzkb-result] a.mzkb-result__title").all_inner_texts()[:3])


def test_header_dropdown_is_a_keyboard_combobox(demo_site: Path, page):
    page.goto((demo_site / "notices/notice-charity-donation.html").as_uri())
    box = page.locator("#mzkb-header-q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.click()
    box.type("临时救助", delay=20)
    page.locator("#mzkb-suggest-list [role=option]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active == "mzkb-suggest-1"
    assert page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == "mzkb-suggest-0"
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false" and page.locator(".mzkb-suggest").is_hidden()
    assert box.input_value() == "临时救助"  # Escape keeps the text
    box.press("ArrowDown")
    assert box.get_attribute("aria-expanded") == "true"
    target = page.locator("#mzkb-suggest-0 a").get_attribute("href").split("#")[0]
    box.press("Enter")
    page.wait_for_url("**/" + target.lstrip("./") + "*")
    assert page.errors == []


def test_old_browser_snippets_without_decompression_stream(demo_site: Path, page):
    page.add_init_script("delete window.DecompressionStream;")
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("鹅颈式扎口"))
    results(page)
    assert "鹅颈式扎口" in page.locator("[data-mzkb-result] .mzkb-result__snippet").first.inner_text()
    assert page.errors == []


def test_old_browser_without_promise_gets_a_message_and_links(demo_site: Path, page):
    page.add_init_script("delete window.DecompressionStream; delete window.Promise; delete window.URLSearchParams;")
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("临时救助"))
    summary = page.locator("#mzkb-search-summary")
    for _ in range(50):  # polled from Python: the page's own world has no Promise now
        if summary.inner_text():
            break
        page.wait_for_timeout(100)
    assert "浏览器太旧" in summary.inner_text() and "Promise" in summary.inner_text()
    links = page.locator("#mzkb-search-fallback a")
    assert links.count() >= 4 and page.locator("#mzkb-search-fallback").is_visible()
    for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))"):
        assert (demo_site / unquote(href)).resolve().is_file(), href


def test_site_ships_minified_search_scripts(demo_site: Path):
    """Every page loads the search scripts: the site carries them without comments or indentation."""
    theme = Path(__file__).resolve().parents[2] / "theme/assets/mzkb"
    for source in sorted(theme.glob("search*.js")):
        shipped = (demo_site / "assets/mzkb" / source.name).read_text(encoding="utf-8")
        assert len(shipped) < 0.8 * len(source.read_text(encoding="utf-8")), source.name
        assert "\n  " not in shipped and "/* " not in shipped, source.name


def test_a_10000_character_query_is_cut_and_says_so(demo_site: Path, page):
    """Issue 24: 养老 repeated to 10,000 characters froze search.html for more than a minute. The
    query is cut to the manifest's maxQuery (analyzer.MAX_QUERY) before any work, each spelling
    searched with at most maxQueryTerms terms, and the page says the query was shortened."""
    from mzkb.search import analyzer

    typed = "养老" * 5000
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote(typed))
    results(page)
    summary = page.locator("#mzkb-search-summary").inner_text()
    assert summary.startswith(f"搜索词太长，只按前 {analyzer.MAX_QUERY} 个字符搜索。"), summary[:80]
    assert typed not in summary and "养老" * (analyzer.MAX_QUERY // 2) in summary
    varied = "".join(chr(0x4E00 + 7 * i) for i in range(10_000))
    got = page.evaluate("""async ([a, b]) => {
        const out = [];
        for (const q of [a, b]) {
            const r = await mzkbSearch.search(q, {}, 10);
            const again = await mzkbSearch.search(r.query, {}, 10);
            out.push({query: r.query, shortened: r.shortened, terms: r.terms.length, again: again.shortened,
                      same: JSON.stringify(r.results) === JSON.stringify(again.results),
                      limits: [mzkbSearch.state.manifest.maxQuery, mzkbSearch.state.manifest.maxQueryTerms]});
        }
        return out;
    }""", [typed, varied])
    for found, query in zip(got, (typed, varied)):
        assert found["limits"] == [analyzer.MAX_QUERY, analyzer.MAX_QUERY_TERMS]
        assert found["query"] == analyzer.fold_traditional(query[: analyzer.MAX_QUERY]) and found["shortened"] and not found["again"]
        assert found["same"] and 0 < found["terms"] <= analyzer.MAX_QUERY_TERMS * analyzer.MAX_VARIANTS
    # the header box of any page says it too
    page.goto((demo_site / "notices/notice-charity-donation.html").as_uri())
    box = page.locator("#mzkb-header-q")
    box.click()
    box.fill(typed)
    page.locator(".mzkb-suggest__count, .mzkb-suggest__empty").first.wait_for(timeout=15000)
    assert page.locator(".mzkb-suggest__extra").inner_text().startswith("搜索词太长")
    assert page.errors == [] and page.remote_requests == []


def test_synonym_matches_are_counted_and_named_alike_in_both_engines(demo_site: Path, demo_config: Path, page):
    """救助站: the documents that hold only its synonym 救助管理机构 are counted apart and the
    synonym is named, with the same line in the browser and in ``mzkb search``."""
    from mzkb.cli import count_line
    from mzkb.config import load_config
    from mzkb.search.whoosh_index import search_results

    config, _ = load_config(demo_config)
    found = search_results(config.state_dir / "whoosh", "救助站", config)
    assert found.synonym > 0 and "救助管理机构" in found.synonym_words
    line = count_line(found.full, found.partial, found.query, found.synonym, found.synonym_words)
    assert "个含同义词“" in line and "救助管理机构" in line
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("救助站"))
    results(page)
    summary = page.locator("#mzkb-search-summary").inner_text()
    assert summary.startswith(line), (summary, line)
