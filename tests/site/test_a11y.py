"""WCAG 2.1 AA on every page type, checked with axe-core (shipped by axe-playwright-python) in Chromium.

Zero violations of impact serious or critical, on a desktop screen (this file) and a phone
screen (test_a11y_phone.py: the two files run on two test workers), and in 长辈模式 (where axe's
AAA contrast rule, 7:1, must pass too). Nothing is downloaded: axe.min.js is in the wheel.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_pages import AAA_CONTRAST, PAGES, every_page_type_problems, open_page, serious

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


@pytest.fixture(scope="module")
def axe():
    return axe_module.Axe()


def test_every_page_type_has_no_serious_axe_violations_on_a_desktop(demo_site: Path, browser, axe):
    assert every_page_type_problems(demo_site, browser, axe, "desktop") == {}


def test_elder_mode_meets_aaa_contrast_and_has_no_serious_violations(demo_site: Path, browser, axe):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto((demo_site / "index.html").as_uri())
    page.get_by_role("button", name="长辈模式").click()
    problems = {}
    for name in ("home", "list", "document", "superseded", "comparison", "video", "gallery", "search"):
        open_page(page, demo_site, PAGES[name])
        assert page.evaluate("document.documentElement.classList.contains('mzkb-elder')"), name
        found = serious(axe, page, aaa=True)
        if found:
            problems[name] = found
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


def test_one_aaa_run_reports_what_the_aaa_rule_alone_reports(browser, axe):
    """``serious(aaa=True)`` (one axe run, the AAA rule enabled beside the default ones) flags
    text that passes AA but not AAA contrast, as a run of that rule alone does; a default run
    does not."""
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<!doctype html><html lang="zh"><head><title>对比度</title></head><body><main>'
                     '<h1>标题</h1><p style="color:#666;background:#fff">灰色正文 5.7:1</p></main></body></html>')
    alone = [v["id"] for v in axe.run(page, options={"runOnly": {"type": "rule", "values": [AAA_CONTRAST]}})
             .response["violations"]]
    merged = serious(axe, page, aaa=True)
    default = serious(axe, page)
    context.close()
    assert alone == [AAA_CONTRAST]
    assert [m.split(" ")[0] for m in merged] == [AAA_CONTRAST]
    assert default == []
