"""WCAG 2.1 AA on every page type, checked with axe-core (shipped by axe-playwright-python) in Chromium.

Zero violations of impact serious or critical, on a desktop and a phone screen, and in 长辈模式
(where axe's AAA contrast rule, 7:1, must pass too). Nothing is downloaded: axe.min.js is in the wheel.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mzkb.offline.writer import make_bundle

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

PAGES = {
    "home": "index.html",
    "list": "notices/index.html",
    "portals": "audiences/index.html",
    "portal": "audiences/elderly-care.html",
    "document": "guidelines/elderly-care-covid-guide-2.html",
    "superseded": "guidelines/elderly-care-covid-guide-1.html",
    "repealed": "notices/notice-elderly-care-visiting-suspension.html",
    "comparison": "compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html",
    "video": "videos/funeral-ppe-donning.html",
    "videos": "videos/index.html",
    "gallery": "cases/index.html",
    "province": "cases/province-330000.html",
    "case": "cases/case-zhejiang-hangzhou-marriage-appointment.html",
    "search": "search.html?q=养老机构探视",
    "404": "404.html",
}
SCREENS = {"desktop": (1366, 768), "phone": (390, 844)}
SERIOUS = ("serious", "critical")


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


def open_page(page, site: Path, rel: str) -> None:
    path, _, query = rel.partition("?")
    page.goto((site / path).as_uri() + (f"?{query}" if query else ""))
    page.wait_for_load_state("load")
    if query:
        page.locator("[data-mzkb-result]").first.wait_for(timeout=15000)


def serious(axe, page, rules: list[str] | None = None) -> list[str]:
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    found = axe.run(page, options=options).response["violations"]
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:4]]}"
            for v in found if rules or v["impact"] in SERIOUS]


@pytest.mark.parametrize("screen", SCREENS)
def test_every_page_type_has_no_serious_axe_violations(demo_site: Path, browser, axe, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    for name, rel in PAGES.items():
        open_page(page, demo_site, rel)
        found = serious(axe, page)
        if found:
            problems[name] = found
    context.close()
    assert problems == {}


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


def test_elder_mode_meets_aaa_contrast_and_has_no_serious_violations(demo_site: Path, browser, axe):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto((demo_site / "index.html").as_uri())
    page.get_by_role("button", name="长辈模式").click()
    problems = {}
    for name in ("home", "list", "document", "superseded", "comparison", "video", "gallery", "search"):
        open_page(page, demo_site, PAGES[name])
        assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')"), name
        found = serious(axe, page) + serious(axe, page, ["color-contrast-enhanced"])
        if found:
            problems[name] = found
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
        found = serious(axe, page) + serious(axe, page, ["color-contrast-enhanced"])
        if found:
            problems[rel] = found
    context.close()
    assert problems == {}


def font_px(page, selector: str) -> float:
    return page.evaluate(f"parseFloat(getComputedStyle(document.querySelector({selector!r})).fontSize)")


def test_text_follows_the_browser_font_setting(demo_site: Path, browser):
    """A reader who sets a larger default font in the browser gets larger body and metadata text."""
    sizes = []
    for default in (16, 24):
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        page = context.new_page()
        page.goto((demo_site / PAGES["document"]).as_uri())
        page.add_style_tag(content=f"html {{ font-size: {default / 16 * 125}% !important; }}")  # what the setting does to Material's 125%
        sizes.append((font_px(page, ".mzkb-body p"), font_px(page, ".mzkb-meta dd"), font_px(page, ".mzkb-breadcrumbs")))
        context.close()
    small, large = sizes
    for a, b in zip(small, large):
        assert b == pytest.approx(a * 1.5, rel=0.02)
    assert min(small) >= 16  # metadata and breadcrumbs no smaller than 16 px at the default setting


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
