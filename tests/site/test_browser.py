"""The demo site opened from file:// in headless Chromium, used as a reader would."""

from __future__ import annotations

from pathlib import Path


def test_home_to_portal_to_document_from_file_url(demo_site: Path, page):
    page.goto((demo_site / "index.html").as_uri())
    assert page.locator("h1").first.inner_text().startswith("民政服务机构疫情防控知识库")
    page.get_by_role("link", name="养老机构 现行文件").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/audiences/elderly-care.html")
    assert page.locator("h1").inner_text() == "养老机构"
    page.locator(".mzkb-list a.mzkb-item__title:visible", has_text="养老机构新冠肺炎疫情防控指南（第二版）").click()
    page.wait_for_load_state()
    assert page.url.endswith("/guidelines/elderly-care-covid-guide-2.html")
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text() == "养老机构新冠肺炎疫情防控指南（第二版）"
    assert page.locator(".mzkb-meta").inner_text().count("发布日期") == 1
    assert page.errors == []
    assert page.remote_requests == []


def test_superseded_banner_leads_to_current_edition(demo_site: Path, page):
    page.goto((demo_site / "guidelines/elderly-care-covid-guide-1.html").as_uri())
    banner = page.locator(".mzkb-status-banner")
    assert "本文件已被替代" in banner.inner_text()
    banner.locator("a.mzkb-successor").click()
    page.wait_for_load_state()
    assert page.url.endswith("elderly-care-covid-guide-2.html")
    assert page.locator(".mzkb-status-banner--superseded, .mzkb-status-banner--repealed").count() == 0
    # the current edition is in force; only its 探视 section was adjusted later (issue 18)
    assert "本文件现行有效，但部分内容已被调整" in page.locator(".mzkb-status-banner--amended").inner_text()
    assert page.errors == []


def test_print_hides_navigation_keeps_metadata(demo_site: Path, page):
    page.goto((demo_site / "notices/notice-funeral-covid-remains.html").as_uri())
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".mzkb-meta").is_visible()
    assert page.locator("h1").is_visible()


def test_video_page_seeks_from_hash(demo_site: Path, page):
    page.goto((demo_site / "videos/funeral-remains-handling.html").as_uri() + "#t=5")
    page.wait_for_function("document.getElementById('mzkb-player').readyState >= 1", timeout=10000)
    page.wait_for_function("Math.abs(document.getElementById('mzkb-player').currentTime - 5) < 0.5", timeout=10000)
    assert page.errors == []


def test_phone_width_has_no_horizontal_scroll(demo_site: Path, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    pg = context.new_page()
    for rel in ("index.html", "guidelines/elderly-care-covid-guide-2.html", "audiences/funeral.html"):
        pg.goto((demo_site / rel).as_uri())
        overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (rel, overflow)
    context.close()


def test_first_edition_banner_then_comparison_shows_changes(demo_site: Path, page):
    page.goto((demo_site / "guidelines/elderly-care-covid-guide-1.html").as_uri())
    page.locator(".mzkb-status-banner a.mzkb-successor").click()
    page.wait_for_load_state()
    assert page.url.endswith("guidelines/elderly-care-covid-guide-2.html")
    history = page.locator(".mzkb-editions")
    assert "第一版" in history.inner_text() and "已被替代" in history.inner_text()
    history.locator("a.mzkb-compare-link[href*='elderly-care-covid-guide-1--']").click()
    page.wait_for_load_state()
    assert "/compare/elderly-care-covid-guide-1--elderly-care-covid-guide-2.html" in page.url
    assert page.locator("h1").inner_text().startswith("修订对照")
    inserted = page.locator(".mzkb-diff__side ins").first
    deleted = page.locator(".mzkb-diff__side del").first
    assert inserted.is_visible() and deleted.is_visible()
    assert inserted.evaluate("e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"  # highlighted
    assert "移动" in page.locator(".mzkb-diff-summary").inner_text()
    page.locator("label[for=mzkb-diff-unified]").click()
    assert page.locator(".mzkb-diff__unified ins").first.is_visible()
    assert not page.locator(".mzkb-diff__side").is_visible()
    assert page.errors == [] and page.remote_requests == []


def test_comparison_reads_on_a_phone(demo_site: Path, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    pg = context.new_page()
    pg.goto((demo_site / "compare/mental-health-covid-guide-1--mental-health-covid-guide-2.html").as_uri())
    assert pg.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    assert pg.locator(".mzkb-diff__side ins").first.is_visible()
    context.close()
