"""Micro-videos and case gallery in headless Chromium from file://: playback, seeking, filters, map."""

from __future__ import annotations

from pathlib import Path


def wait_time(page, seconds: float) -> None:
    page.wait_for_function(
        f"(() => {{ const v = document.getElementById('mzkb-player'); return v.readyState >= 1 && Math.abs(v.currentTime - {seconds}) < 0.6; }})()",
        timeout=10000)


def test_local_video_plays_and_transcript_line_seeks(demo_site: Path, page):
    page.goto((demo_site / "videos/funeral-remains-handling.html").as_uri() + "#t=5")
    wait_time(page, 5)
    assert page.evaluate("document.getElementById('mzkb-player').duration") > 19
    line = page.locator(".mzkb-transcript li").nth(3)
    seconds = int(line.locator("[data-mzkb-seek]").get_attribute("data-mzkb-seek"))
    assert seconds > 5
    line.locator("a").click()
    wait_time(page, seconds)
    assert page.url.endswith(f"#t={seconds}")
    page.evaluate("document.getElementById('mzkb-player').play()")
    page.wait_for_function("document.getElementById('mzkb-player').currentTime > %d + 0.3" % seconds, timeout=10000)
    assert page.errors == [] and page.remote_requests == []


def test_transcript_is_text_for_readers_and_printers(demo_site: Path, page):
    page.goto((demo_site / "videos/funeral-remains-handling.html").as_uri())
    text = page.locator(".mzkb-transcript").inner_text()
    assert "鹅颈式扎口" in text
    page.emulate_media(media="print")
    assert page.locator(".mzkb-transcript").is_visible()


def test_video_index_filters_by_audience(demo_site: Path, page):
    page.goto((demo_site / "videos/index.html").as_uri())
    cards = page.locator(".mzkb-video-card")
    assert cards.count() == 4
    assert page.locator(".mzkb-video-card img").count() == 4  # posters
    page.select_option("form[data-mzkb-card-filter] select", "service-window")
    visible = page.locator(".mzkb-video-card:visible")
    assert visible.count() == 1
    assert "骨灰寄存" in visible.first.inner_text()
    page.select_option("form[data-mzkb-card-filter] select", "")
    assert page.locator(".mzkb-video-card:visible").count() == 4
    assert page.errors == []


def test_tile_map_names_every_province_and_links_to_its_cases(demo_site: Path, page):
    page.goto((demo_site / "cases/index.html").as_uri())
    tiles = page.locator("svg .mzkb-tile-map__tile")
    assert tiles.count() == 34
    titles = page.eval_on_selector_all("svg .mzkb-tile-map__tile title", "els => els.map(e => e.textContent)")
    assert len(titles) == 34
    for full in ("浙江省", "新疆维吾尔自治区", "香港特别行政区", "台湾省", "内蒙古自治区", "北京市"):
        assert any(t.startswith(full) for t in titles), full
    page.locator("svg a[aria-label^='浙江省']").click()
    page.wait_for_load_state()
    assert page.url.endswith("cases/province-330000.html")
    cards = page.locator(".mzkb-case-card")
    assert cards.count() == 1
    assert "浙江省" in cards.first.inner_text()
    assert page.errors == [] and page.remote_requests == []


def test_case_gallery_filters(demo_site: Path, page):
    page.goto((demo_site / "cases/index.html").as_uri())
    assert page.locator(".mzkb-case-card:visible").count() == 6
    page.select_option("#mzkb-case-province", "320000")
    assert page.locator(".mzkb-case-card:visible").count() == 1
    page.select_option("#mzkb-case-province", "")
    page.select_option("#mzkb-case-audience", "social-assistance")
    visible = page.locator(".mzkb-case-card:visible")
    assert 1 <= visible.count() < 6
    for text in visible.all_inner_texts():
        assert "社会救助" in text


def test_case_links_guidance_and_guidance_lists_cases(demo_site: Path, page):
    page.goto((demo_site / "cases/case-jiangsu-nanjing-elderly-care.html").as_uri())
    related = page.locator(".mzkb-related a").first
    target = related.get_attribute("href")
    related.click()
    page.wait_for_load_state()
    assert page.url.endswith(target.split("/")[-1])
    assert "case-jiangsu-nanjing-elderly-care.html" in page.locator(".mzkb-cited-by").inner_html()
