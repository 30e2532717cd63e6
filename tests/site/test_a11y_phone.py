"""WCAG 2.1 AA on a phone screen, checked with axe-core in Chromium (the desktop half and the
helpers: test_a11y.py, tests/axe_pages.py): every page type, the offline bundle's start and
check pages, the reader's date views in 长辈模式 (AAA contrast), large touch targets.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from axe_pages import PAGES, every_page_type_problems, open_page, serious

from mzkb.offline.writer import make_bundle

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture(scope="module")
def axe():
    return axe_module.Axe()


@pytest.fixture(scope="module")
def bundle_top(demo_site: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("a11y-bundle")
    result = make_bundle(demo_site, out, site_name="demo", site_title="民政服务机构疫情防控知识库（示例）", version="v1",
                         commit=None, with_media=False, doc_counts={"notice": 13, "guideline": 12, "video": 4, "case": 6},
                         epoch=1582156800)
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(out / "unzipped")
    return out / "unzipped" / "mzkb-demo-v1"


def test_every_page_type_has_no_serious_axe_violations_on_a_phone(demo_site: Path, browser, axe):
    assert every_page_type_problems(demo_site, browser, axe, "phone") == {}


def test_bundle_start_and_check_pages_have_no_serious_axe_violations(bundle_top: Path, browser, axe):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems = {}
    for rel in ("index.html", "verify.html"):
        page.goto((bundle_top / rel).as_uri())
        if rel == "verify.html":
            page.wait_for_function("window.mzkbVerifyResult !== undefined", timeout=60000)
        found = serious(axe, page)
        if found:
            problems[rel] = found
    context.close()
    assert problems == {}


def test_reader_date_views_on_a_phone_in_elder_mode(demo_site: Path, browser, axe):
    """Issue 26's views as a reader sees them months after the build (clock on 2027-03-05, the
    visiting standard in force): re-judged badges, counts and banners keep AAA contrast."""
    import datetime as dt

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.clock.set_fixed_time(dt.datetime(2027, 3, 5, 10))
    page.goto((demo_site / "index.html").as_uri())
    page.get_by_role("button", name="长辈模式").click()
    problems = {}
    for rel in (PAGES["home"], PAGES["portal"], "timelines/elderly-care/tan-shi-yu-feng-bi-guan-li.html", PAGES["comparison"],
                "search.html?q=家属探视"):
        open_page(page, demo_site, rel)
        if "?" not in rel:
            assert page.locator("[data-mzkb-asof]").first.inner_text() == "2027-03-05", rel
        found = serious(axe, page, aaa=True)
        if found:
            problems[rel] = found
    context.close()
    assert problems == {}


def test_filter_controls_and_home_tiles_are_large_targets(demo_site: Path, page):
    page.set_viewport_size({"width": 390, "height": 844})
    open_page(page, demo_site, "search.html?q=消毒")
    for select in page.locator(".mzkb-search-page__filters select").all():
        if select.is_visible():
            assert select.bounding_box()["height"] >= 44
    page.goto((demo_site / "cases/index.html").as_uri())
    for select in page.locator(".mzkb-case-filters select").all():
        assert select.bounding_box()["height"] >= 44
    page.goto((demo_site / "index.html").as_uri())
    tile = page.locator("a.mzkb-tile").first
    style = tile.evaluate("t => { const s = getComputedStyle(t); return [s.borderLeftWidth, s.boxShadow, getComputedStyle(t, '::after').content]; }")
    assert float(style[0][:-2]) >= 4 and style[1] != "none" and "›" in style[2]
    assert tile.bounding_box()["height"] >= 44
