"""Search in headless Chromium on the demo site opened from file://, as staff would use it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, unquote

import yaml


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
    href = first.get_attribute("href")
    assert "social-assistance" in href
    assert panel.locator("mark").count() > 0  # query highlighted in the snippet
    first.click()
    page.wait_for_load_state()
    assert "social-assistance" in page.url
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


def test_current_edition_first_superseded_marked(demo_site: Path, page):
    page.goto((demo_site / "search.html").as_uri() + "?q=" + quote("养老机构新冠肺炎疫情防控指南"))
    hrefs = results(page)
    second = next(i for i, h in enumerate(hrefs) if "elderly-care-covid-guide-2" in h)
    first = next(i for i, h in enumerate(hrefs) if "elderly-care-covid-guide-1" in h)
    assert second < first
    old = page.locator("[data-mzkb-result]").nth(first)
    assert "已被替代" in old.inner_text()


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
    page.wait_for_function("window.mzkbSearch && window.MzkbAnalyzer")
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
